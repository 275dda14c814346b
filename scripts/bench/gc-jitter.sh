#!/usr/bin/env bash
# The JVM's garbage collector against the master's adverts: an allocating application with several CARP and VRRP
# groups in one JVM (the master), a backup JVM without load on the same bridge, a capture on the bridge; once with
# G1 and once with ZGC.
#
#   gc-jitter.sh [--duration S] [--collectors "g1 zgc [idle]"] [--heap 4g] [--alloc-mb-per-s 600] [--old-mb 1536]
#                [--old-grow-s 60] [--churn-mb-per-s 32] [--threads 2] [--keep DIR]
#
# Default: 600 s per collector (about 21 min in all). The master (host 1) runs io.carp.benchmarks.GcJitterMain
# (carp-benchmarks) with -Xms/-Xmx = --heap, -XX:+AlwaysPreTouch, the collector, and
# -Xlog:gc*,safepoint to a file; its load is --alloc-mb-per-s of short-lived garbage plus a retained store growing to
# --old-mb over --old-grow-s seconds and then churning --churn-mb-per-s (see the class comment). The backup (host 2)
# is the same main class with no load, in a small JVM ($JVM_OPTS of lib.sh). The groups, master / backup:
#
#   carp-1s     CARP vhid 1, advbase 1, advskew 0 / 100        interval 1 s       master-down 3.391 s
#   carp-0.2s   CARP vhid 2, advbase 0, advskew 50 / 100       interval 0.195 s   master-down 1.172 s
#   carp-0.1s   CARP vhid 3, advbase 0, advskew 26 / 52        interval 0.102 s   master-down 0.609 s
#   carp-0.05s  CARP vhid 4, advbase 0, advskew 13 / 26        interval 0.051 s   master-down 0.305 s
#   vrrp-1s     VRRPv3 VRID 11, 1 s, priority 200 / 100                           master-down 3.609 s
#   vrrp-0.2s   VRRPv3 VRID 12, 0.2 s                                             master-down 0.722 s
#   vrrp-0.1s   VRRPv3 VRID 13, 0.1 s                                             master-down 0.361 s
#   vrrp-0.05s  VRRPv3 VRID 14, 0.05 s                                            master-down 0.180 s
#
# (master-down as the backup reports it, CarpStats.currentMasterDownNanos(), is used when available.) Once every
# group of the master is MASTER and every group of the backup is BACKUP, tcpdump captures the adverts on the bridge
# for --duration seconds. Figures (gcjitter.py): per group, interval jitter (interval - nominal; p50/p99/p99.9/max),
# max gap, margin (master-down - max gap), false takeovers (the backup's BACKUP -> MASTER transitions, and adverts from
# its address); per collector, the longest GC pause and the longest safepoint (stop) of the master in the window, and
# the smallest safe interval per protocol. The load average is printed every minute. Rows go to $BENCH_RESULTS.
# --keep DIR: write the capture, GC log and both JVMs' output straight into DIR/gc-<collector> and keep them (by
# default they live in the run's temporary directory and are deleted at the end).
# --collectors idle: the same master JVM (G1, same heap) with no load at all: a baseline of what the host itself
# (its scheduler, the other processes on it) does to the adverts.
source "$(dirname "$0")/lib.sh"

DURATION=600 COLLECTORS="g1 zgc" HEAP=4g ALLOC=600 OLD_MB=1536 OLD_GROW=60 CHURN=32 THREADS=2 KEEP=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --collectors) COLLECTORS=$2; shift 2 ;;
        --heap) HEAP=$2; shift 2 ;;
        --alloc-mb-per-s) ALLOC=$2; shift 2 ;;
        --old-mb) OLD_MB=$2; shift 2 ;;
        --old-grow-s) OLD_GROW=$2; shift 2 ;;
        --churn-mb-per-s) CHURN=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --keep) KEEP=$2; shift 2 ;;
        -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
        *) die "unknown option: $1" ;;
    esac
done
for c in $COLLECTORS; do [[ $c == g1 || $c == zgc || $c == idle ]] || die "--collectors: $c (expected: g1, zgc, idle)"; done
[[ -f "$BENCH_JAR" ]] || die "benchmarks jar not built: $BENCH_JAR (mvn -o -q -pl carp-benchmarks -am package -DskipTests)"
python3 -c "import sys, zipfile; sys.exit(0 if 'io/carp/benchmarks/GcJitterMain.class' in zipfile.ZipFile(sys.argv[1]).namelist() else 1)" \
    "$BENCH_JAR" || die "$BENCH_JAR has no GcJitterMain: rebuild carp-benchmarks"
command -v tcpdump >/dev/null || die "tcpdump not installed"

# label protocol id timing master-election backup-election nominal-interval-s master-down-s
GROUPS_TABLE="carp-1s carp 1 1 0 100 1 3.390625
carp-0.2s carp 2 0 50 100 0.1953125 1.171875
carp-0.1s carp 3 0 26 52 0.1015625 0.609375
carp-0.05s carp 4 0 13 26 0.05078125 0.3046875
vrrp-1s vrrp3 11 100 200 100 1 3.609375
vrrp-0.2s vrrp3 12 20 200 100 0.2 0.721875
vrrp-0.1s vrrp3 13 10 200 100 0.1 0.3609375
vrrp-0.05s vrrp3 14 5 200 100 0.05 0.18046875"
NGROUPS=$(wc -l <<<"$GROUPS_TABLE")

group_args() { # master|backup
    local label proto id timing me be nominal down
    while read -r label proto id timing me be nominal down; do
        printf -- '--group %s:%s:%s:%s ' "$proto" "$id" "$timing" "$([[ $1 == master ]] && echo "$me" || echo "$be")"
    done <<<"$GROUPS_TABLE"
}
group_specs() {
    local label proto id timing me be nominal down out=()
    while read -r label proto id timing me be nominal down; do out+=("$label:$proto:$id:$nominal:$down"); done <<<"$GROUPS_TABLE"
    local IFS=,; echo "${out[*]}"
}
all_vips_on() { # ns
    local label proto id rest
    while read -r label proto id rest; do has_addr "$1" "198.18.93.$id" || return 1; done <<<"$GROUPS_TABLE"
}
backup_ready() { grep -q "BACKUP=$NGROUPS " "$1" 2>/dev/null && grep -q '^masterdown_us' "$1"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

bench_init
netns_setup

run_collector() { # g1|zgc
    local c=$1 d="${KEEP:-$BENCH_TMP}/gc-$1" gcflag mp bp tp alloc=$ALLOC old=$OLD_MB
    rm -rf "$d" && mkdir -p "$d"
    [[ $c == zgc ]] && gcflag=-XX:+UseZGC || gcflag=-XX:+UseG1GC
    [[ $c == idle ]] && alloc=0 old=0
    host_reset "$NS_H1" "$H1_IP"
    host_reset "$NS_H2" "$H2_IP"
    log "gc-jitter $c: starting the master JVM (-Xms$HEAP -Xmx$HEAP $gcflag, load $alloc MB/s + $old MB retained)"
    # shellcheck disable=SC2046
    ip netns exec "$NS_H1" java -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch "$gcflag" \
        -Xlog:gc*=info,safepoint=info:file="$d/gc.log":utctime,uptime,level,tags \
        -cp "$BENCH_JAR" io.carp.benchmarks.GcJitterMain --interface eth0 --source "$H1_IP" --password "$PASS" \
        $(group_args master) --alloc-mb-per-s "$alloc" --old-mb "$old" --old-grow-s "$OLD_GROW" \
        --churn-mb-per-s "$CHURN" --threads "$THREADS" --status-every 5 >"$d/master.out" 2>&1 </dev/null &
    mp=$!; track $mp
    if ! wait_until 60 all_vips_on "$NS_H1"; then
        log "gc-jitter $c: the master did not hold every VIP within 60 s"; tail -5 "$d/master.out" >&2
        kill_quiet $mp; return 1
    fi
    log "gc-jitter $c: master holds all $NGROUPS VIPs; starting the backup JVM"
    # shellcheck disable=SC2046,SC2086
    ip netns exec "$NS_H2" java $JVM_OPTS -cp "$BENCH_JAR" io.carp.benchmarks.GcJitterMain --interface eth0 \
        --source "$H2_IP" --password "$PASS" $(group_args backup) --alloc-mb-per-s 0 --old-mb 0 --status-every 5 \
        >"$d/backup.out" 2>&1 </dev/null &
    bp=$!; track $bp
    if ! wait_until 60 backup_ready "$d/backup.out"; then
        log "gc-jitter $c: the backup's groups were not all BACKUP within 60 s"; tail -5 "$d/backup.out" >&2
        kill_quiet $bp; kill_quiet $mp; return 1
    fi
    ip netns exec "$NS_BR" tcpdump -i br0 -n -U -s 128 --time-stamp-precision=nano -w "$d/cap.pcap" 'ip proto 112' \
        2>"$d/cap.err" </dev/null &
    tp=$!; track $tp
    wait_until 5 grep -qs listening "$d/cap.err" || { log "gc-jitter $c: tcpdump did not start"; return 1; }
    log "gc-jitter $c: capturing for $DURATION s, load $(loadavg)"
    local left=$DURATION loads=()
    while ((left > 0)); do
        local step=$((left < 60 ? left : 60))
        sleep "$step"; left=$((left - step))
        loads+=("$(cut -d' ' -f1 /proc/loadavg)")
        log "gc-jitter $c: $((DURATION - left)) s, load $(loadavg), master: $(grep '^status' "$d/master.out" | tail -1 | cut -d' ' -f2-7)"
    done
    kill_quiet $tp INT
    kill_quiet $bp
    kill_quiet $mp
    echo "gc-jitter $c: load average (1 min) sampled every minute of the capture: ${loads[*]}"
    echo "gc-jitter $c: JVM $(java -version 2>&1 | head -1 | cut -d'"' -f2), master heap -Xms$HEAP -Xmx$HEAP $gcflag, load $alloc MB/s, retained $old MB (grown over $OLD_GROW s), churn $CHURN MB/s, $THREADS threads"
    record carp "gc.$c.load" "1-min avg" "-" "${loads[@]}"
    python3 "$BENCH_DIR/gcjitter.py" --pcap "$d/cap.pcap" --master-ip "$H1_IP" --backup-ip "$H2_IP" \
        --groups "$(group_specs)" --gc-log "$d/gc.log" --master-out "$d/master.out" --backup-out "$d/backup.out" \
        --collector "$c" --results "$RESULTS" || log "gc-jitter $c: analysis failed"
    [[ -z "$KEEP" ]] || log "gc-jitter $c: files kept in $d"
}

main() {
    echo "gc-jitter: $(date -u +%FT%TZ), $(uname -r), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load $(loadavg)"
    local c
    for c in $COLLECTORS; do run_collector "$c" || echo "!!! gc-jitter $c failed"; done
}

bench_run main
