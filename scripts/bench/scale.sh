#!/usr/bin/env bash
# Scale: N vhids at advbase 1 on one interface -- one JVM (io.carp.benchmarks.ManyGroupsMain on NettyCarpRuntime,
# manageAddresses(true): the library adds the VIPs itself) against N ucarp processes (VIPs added by up-scripts).
#
#   scale.sh [--count N] [--duration S] [--impls "ucarp carp"] [--manage-addresses true|false] [--settle S]
#            [--align-adverts true|false]
#
# --impls may also name "floor", "floor-mmsg" and "floor-spread": the kernel's floor on this testbed,
# scripts/bench/floor.c (built with gcc into the run's directory): one process per host, the same raw sockets as the
# library, the master host sending COUNT prebuilt adverts in one burst a second (one sendto() each; one sendmmsg()
# for "floor-mmsg"; "floor-spread": COUNT wake-ups a second, one sendto() each, as masters started at different
# instants are -- the library's default; the other two are the floor of its alignAdverts), the backup host reading
# them (epoll_wait, recvfrom until EAGAIN). No HMAC, no state machine, no addresses: what the packets alone cost
# here, so the library's own share is its figure minus this one. "jvm-idle": the library's JVM
# with the same flags and no group (ManyGroupsMain --count 0: the runtime built, nothing to do): what the JVM itself
# costs (HotSpot's periodic tasks, the harness's status line).
#
# --align-adverts true: the library's groups are built with alignAdverts(true) (opt-in: each master's adverts on the
# grid of its interval, so that the 255 groups advertise in one wake-up); its figures are recorded as
# scale.aligned.*. Default false (the library's defaults).
# --manage-addresses false (library only, for diagnosis): the JVM does not touch addresses at all -- no VIPs
# are added and no kernel lifetime is renewed after each advert; the VIP sanity line then reads 0.
#
# Host 1 runs the N masters (advskew 0), host 2 the N backups (advskew 100), so both roles are measured: the masters
# send N adverts/s, the backups receive them. Over the window: CPU share of one core (utime+stime deltas from
# /proc/PID/stat, summed over the processes of a role) and memory at the end (VmRSS summed, and Pss). VIP of vhid
# i+1: 198.18.(91 + i/200).(1 + i%200). Targets (library, per JVM): <= 0.5 % of a core, <= 64 MB RSS.
source "$(dirname "$0")/lib.sh"

COUNT=255 DURATION=60 IMPLS="ucarp carp" SETTLE=5 MANAGE=true ALIGN=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --count) COUNT=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --impls) IMPLS=$2; shift 2 ;;
        --settle) SETTLE=$2; shift 2 ;;
        --manage-addresses) MANAGE=$2; shift 2 ;;
        --align-adverts) ALIGN=$2; shift 2 ;;
        *) die "unknown option: $1" ;;
    esac
done
((COUNT >= 1 && COUNT <= 255)) || die "--count: $COUNT (expected: 1-255)"
CLK_TCK=$(getconf CLK_TCK)

bench_init
netns_setup

vip() { echo "198.18.$((91 + $1 / 200)).$((1 + $1 % 200))"; }
vip_count() { ip -n "$1" -4 -o addr show dev eth0 | grep -c ' 198\.18\.9[12]\.' || true; }
has_all() { [[ $(vip_count "$1") -ge $COUNT ]]; }
has_none() { [[ $(vip_count "$1") -eq 0 ]]; }
status_is() { grep 'status ' "$1" 2>/dev/null | tail -1 | grep -q "$2=$COUNT "; }

start_set() { # impl ns srcip advskew dir -> pids on stdout (one line)
    local impl=$1 ns=$2 src=$3 skew=$4 dir=$5 i pids=()
    mkdir -p "$dir"
    case "$impl" in
        floor|floor-mmsg|floor-spread)
            local ifindex
            ifindex=$(ip netns exec "$ns" cat /sys/class/net/eth0/ifindex)
            if [[ $skew == 0 ]]; then
                ip netns exec "$ns" "$BENCH_TMP/floor" send "$src" "$ifindex" "$COUNT" \
                    "$(case $impl in floor-mmsg) echo sendmmsg ;; floor-spread) echo spread ;; *) echo sendto ;; esac)" \
                    >"$dir/out.log" 2>&1 </dev/null &
            else
                ip netns exec "$ns" "$BENCH_TMP/floor" recv "$src" "$ifindex" >"$dir/out.log" 2>&1 </dev/null &
            fi
            pids+=($!); track $!
            ;;
        ucarp)
            for ((i = 0; i < COUNT; i++)); do
                ip netns exec "$ns" "$UCARP" -i eth0 -s "$src" -v $((i + 1)) -p "$PASS" -a "$(vip $i)" -b 1 -k "$skew" \
                    -u "$BENCH_TMP/vip-up.sh" -d "$BENCH_TMP/vip-down.sh" >"$dir/$i.log" 2>&1 </dev/null &
                pids+=($!); track $!
            done
            ;;
        carp|jvm-idle)
            [[ -f "$BENCH_JAR" ]] || die "benchmarks jar not built: $BENCH_JAR"
            # shellcheck disable=SC2086
            ip netns exec "$ns" java $JVM_OPTS -cp "$BENCH_JAR" io.carp.benchmarks.ManyGroupsMain --interface eth0 \
                --count "$([[ $impl == jvm-idle ]] && echo 0 || echo "$COUNT")" --advbase 1 --advskew "$skew" --password "$PASS" --source "$src" \
                --manage-addresses "$MANAGE" --align-adverts "$ALIGN" --status-every 1 >"$dir/out.log" 2>&1 </dev/null &
            pids+=($!); track $!
            ;;
    esac
    echo "${pids[*]}"
}

scale_available() {
    case "$1" in
        floor|floor-mmsg|floor-spread) [[ -x "$BENCH_TMP/floor" ]] || gcc -O2 -o "$BENCH_TMP/floor" "$BENCH_DIR/floor.c" ;;
        ucarp) [[ -x "$UCARP" ]] ;;
        carp|jvm-idle) [[ -f "$BENCH_JAR" ]] && python3 -c "import sys, zipfile; names = zipfile.ZipFile(sys.argv[1]).namelist()
sys.exit(0 if 'io/carp/benchmarks/ManyGroupsMain.class' in names and 'io/carp/netty/NettyCarpRuntime.class' in names else 1)" "$BENCH_JAR" ;;
    esac
}

field() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }
# Packets the kernel dropped at the CARP sockets of a namespace (receive buffer full): the last column of
# /proc/net/raw for protocol 112 (0x70), summed. A burst of N adverts must fit in the backup's receive buffer.
raw_drops() { ip netns exec "$1" awk '$2 ~ /:0070$/ { n += $NF } END { print n + 0 }' /proc/net/raw; }

main() {
    for impl in $IMPLS; do
        if ! scale_available "$impl"; then
            log "scale: $impl not available, skipped"
            continue
        fi
        host_reset "$NS_H1" "$H1_IP"
        host_reset "$NS_H2" "$H2_IP"
        d="$BENCH_TMP/scale-$impl"
        log "scale: $impl: starting $COUNT masters"
        mp=$(start_set "$impl" "$NS_H1" "$H1_IP" 0 "$d/m")
        if [[ $impl == floor* || $impl == jvm-idle ]]; then
            sleep 1
        elif [[ $impl == carp && $MANAGE != true ]]; then
            wait_until 30 status_is "$d/m/out.log" MASTER || log "scale: carp: masters not all MASTER"
        elif ! wait_until $((30 + COUNT / 5)) has_all "$NS_H1"; then
            log "scale: $impl: only $(vip_count "$NS_H1")/$COUNT VIPs on the master host"
        fi
        log "scale: $impl: starting $COUNT backups"
        bp=$(start_set "$impl" "$NS_H2" "$H2_IP" 100 "$d/b")
        if [[ $impl == carp ]]; then
            wait_until 30 status_is "$d/b/out.log" BACKUP || log "scale: carp: backups not all BACKUP"
        elif [[ $impl == floor* || $impl == jvm-idle ]]; then
            sleep 2
        else
            sleep 4 # ucarp starts in BACKUP; 4 s > its master-down, so a backup that missed the master would show up
        fi
        sleep "$SETTLE"
        # shellcheck disable=SC2086
        m0=$(python3 "$BENCH_DIR/procstat.py" $mp); b0=$(python3 "$BENCH_DIR/procstat.py" $bp)
        if [[ $impl != ucarp ]]; then
            d0=$(raw_drops "$NS_H2")
            python3 "$BENCH_DIR/threadstat.py" snap "$mp" >"$d/m.threads0"
            python3 "$BENCH_DIR/threadstat.py" snap "$bp" >"$d/b.threads0"
        fi
        t0=$(date +%s.%N)
        log "scale: $impl: measuring for $DURATION s"
        sleep "$DURATION"
        # shellcheck disable=SC2086
        m1=$(python3 "$BENCH_DIR/procstat.py" $mp); b1=$(python3 "$BENCH_DIR/procstat.py" $bp)
        t1=$(date +%s.%N)
        if [[ $impl != ucarp ]]; then
            d1=$(raw_drops "$NS_H2")
            log "scale: $impl backup host: CARP socket drops (receive buffer full): $((d1 - d0)) in the window, $d1 since start"
            python3 "$BENCH_DIR/threadstat.py" snap "$mp" >"$d/m.threads1"
            python3 "$BENCH_DIR/threadstat.py" snap "$bp" >"$d/b.threads1"
            for role in m b; do
                log "scale: $impl $([[ $role == m ]] && echo master || echo backup) JVM, CPU by thread:"
                python3 "$BENCH_DIR/threadstat.py" diff "$d/$role.threads0" "$d/$role.threads1" \
                    "$(python3 -c "print($t1 - $t0)")" >&2
            done
        fi
        if [[ $impl == floor* ]]; then # the reader's count, so that a run shows the packets did arrive
            log "scale: $impl backup: $(tail -1 "$d/b/out.log" 2>/dev/null || echo 'no count printed')"
        fi
        vm=$(vip_count "$NS_H1"); vb=$(vip_count "$NS_H2")
        # shellcheck disable=SC2086
        for p in $mp $bp; do kill -KILL "$p" 2>/dev/null || true; done
        # shellcheck disable=SC2086
        for p in $mp $bp; do wait "$p" 2>/dev/null || true; done
        for role in master backup; do
            if [[ $role == master ]]; then s0=$m0 s1=$m1 n=$(wc -w <<<"$mp"); else s0=$b0 s1=$b1 n=$(wc -w <<<"$bp"); fi
            # CPU % of one core over the window; memory at its end, in MB.
            read -r cpu rss pss <<<"$(python3 -c 'import sys
t0, t1, k0, k1, hz, r, p = map(float, sys.argv[1:])
print("%.3f %.1f %.1f" % (100.0 * (k1 - k0) / hz / (t1 - t0), r / 1024.0, p / 1024.0))' \
                "$t0" "$t1" "$(field "$s0" ticks)" "$(field "$s1" ticks)" "$CLK_TCK" "$(field "$s1" rss_kb)" \
                "$(field "$s1" pss_kb)")" || true
            note=""
            [[ $impl == carp && $ALIGN == true ]] && note=" (alignAdverts)"
            if [[ -z "${pss:-}" ]]; then
                log "scale: $impl $role: measurement failed ($s0 / $s1)"
                cpu=NA rss=NA pss=NA
            fi
            printf 'scale %-6s %-6s: %3d vhids, %3d processes (%s alive at the end): CPU %7s %% of one core, RSS %7s MB, PSS %7s MB%s\n' \
                "$impl" "$role" "$COUNT" "$n" "$(field "$s1" alive)" "$cpu" "$rss" "$pss" "$note"
            tc="<= 0.5" tr="<= 64" # issue 14 targets (were < 2 % and < 128 MB)
            m=scale
            # the burst floors are the reference of the aligned masters; floor-spread and jvm-idle of the defaults
            [[ ($impl == carp && $ALIGN == true) || $impl == floor || $impl == floor-mmsg ]] && m=scale.aligned
            record "$impl" "$m.$role.cpu" "% core" "$tc" "$cpu"
            record "$impl" "$m.$role.rss" MB "$tr" "$rss"
            record "$impl" "$m.$role.pss" MB "-" "$pss"
        done
        printf 'scale %-6s sanity: VIPs held at the end: master host %d/%d, backup host %d (expected 0)\n' "$impl" "$vm" "$COUNT" "$vb"
        record "$impl" scale.vips-on-backup count 0 "$vb"
    done
}

bench_run main
