#!/usr/bin/env bash
# VRRP failover and clean-stop handover, keepalived and the library's CLI side by side on the same namespaces.
#
#   vrrp-failover.sh [--mode kill|term] [--trials N] [--advert-int CS] [--version 3|2] [--impls "keepalived carp"]
#                    [--name NAME]
#
# Each trial runs a pair of the same implementation: master priority 200, backup priority 100, VRID 1, one VIP,
# the same advertisement interval (centiseconds: 100 = keepalived's advert_int 1, 5 = advert_int 0.05).
# kill: the master host dies -- SIGKILL of the process that sends the adverts (keepalived's VRRP child, or the JVM) and,
#       at the same instant, its veth link down (fault.py).
# term: clean stop -- SIGTERM of the master (keepalived and carp-cli both send priority 0 and release the VIP).
# A client probes the VIP every 10 ms; adverts are captured on the bridge. Per trial: outage, gap, the protocol bound
# (kill: master's last advert + Master_Down_Interval; term: its priority-0 advert + the backup's Skew_Time) and the
# overhead (the backup's first advert - bound); then median/min/max per implementation. Definitions: vrrp_trial.py.
source "$(dirname "$0")/lib.sh"

MODE=kill TRIALS=10 ADVINT=100 VERSION=3 IMPLS="keepalived carp" NAME=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --mode) MODE=$2; shift 2 ;;
        --trials) TRIALS=$2; shift 2 ;;
        --advert-int) ADVINT=$2; shift 2 ;;
        --version) VERSION=$2; shift 2 ;;
        --impls) IMPLS=$2; shift 2 ;;
        --name) NAME=$2; shift 2 ;;
        *) die "unknown option: $1" ;;
    esac
done
[[ "$MODE" == kill || "$MODE" == term ]] || die "--mode: $MODE (expected: kill or term)"
NAME=${NAME:-vrrp-$([[ $MODE == kill ]] && echo failover || echo clean-stop)-${ADVINT}cs}
VRID=1 MASTER_PRIO=200 BACKUP_PRIO=100
KEEPALIVED="${KEEPALIVED:-$(command -v keepalived || echo /usr/sbin/keepalived)}"

bench_init
netns_setup

INTERVAL=$(python3 -c "print($ADVINT / 100)")

# keepalived in the foreground, VRRP only, no respawn, its own pid files; the VIP is its virtual_ipaddress.
# prints "<parent pid> <vrrp child pid file>"
start_keepalived() { # ns srcip prio logfile
    local ns=$1 prio=$3 logf=$4 base
    base="$BENCH_TMP/keepalived-$ns-$RANDOM"
    cat >"$base.conf" <<CONF
global_defs {
    router_id $ns
    vrrp_garp_master_delay 0
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    version $VERSION
    virtual_router_id $VRID
    priority $prio
    advert_int $INTERVAL
    virtual_ipaddress {
        $VIP/24 dev eth0
    }
}
CONF
    ip netns exec "$ns" "$KEEPALIVED" -n -l -D -G -P -R -f "$base.conf" -p "$base.pid" -r "$base.vrrp.pid" \
        -c "$base.checkers.pid" >"$logf" 2>&1 </dev/null &
    local pid=$!
    track "$pid"
    echo "$pid $base.vrrp.pid"
}

start_carp_vrrp() { # ns srcip prio logfile -> pid
    local ns=$1 src=$2 prio=$3 logf=$4
    [[ -f "$CARP_CLI_JAR" ]] || die "library CLI not built: $CARP_CLI_JAR"
    # shellcheck disable=SC2086
    ip netns exec "$ns" java $JVM_OPTS -jar "$CARP_CLI_JAR" -i eth0 -s "$src" -v "$VRID" -a "$VIP" \
        --vrrp "$VERSION" --priority "$prio" --advert-int "$ADVINT" --manage-address >"$logf" 2>&1 </dev/null &
    local pid=$!
    track "$pid"
    echo "$pid"
}

# start impl ns src prio logfile -> "<pid to signal> <pid to clean up>"
start_vrrp() {
    local impl=$1; shift
    case "$impl" in
        keepalived)
            local parent pidfile
            read -r parent pidfile <<<"$(start_keepalived "$@")"
            wait_until 10 test -s "$pidfile" || { echo "0 $parent"; return; }
            echo "$(cat "$pidfile") $parent"
            ;;
        carp) local p; p=$(start_carp_vrrp "$@"); echo "$p $p" ;;
        *) die "unknown implementation: $impl" ;;
    esac
}

vrrp_state_regex() {
    case "$1" in
        keepalived) echo 'Entering (MASTER|BACKUP) STATE' ;;
        carp) printf '%s\n' '-> (MASTER|BACKUP)' ;;
    esac
}
is_state() { grep -Eq -e "$(vrrp_state_regex "$1" | sed "s/(MASTER|BACKUP)/$3/")" "$2" 2>/dev/null; }
not_has_addr() { ! has_addr "$@"; }
wait_first_reply() { grep -qs '^R ' "$1"; }
wait_restored() {
    awk -v f="$2" '$1 == "R" { if ($3 >= f && have && $2 - prev > 1) { found = 1; exit } prev = $2; have = 1 }
                   END { exit !found }' "$1"
}

vrrp_available() {
    case "$1" in
        keepalived) [[ -x "$KEEPALIVED" ]] ;;
        carp) [[ -f "$CARP_CLI_JAR" ]] && timeout 30 java -jar "$CARP_CLI_JAR" --help 2>&1 | grep -q -- --vrrp ;;
    esac
}

run_trial() { # impl n
    local impl=$1 n=$2 d="$BENCH_TMP/$impl-$n"
    mkdir -p "$d"
    host_reset "$NS_H1" "$H1_IP"
    host_reset "$NS_H2" "$H2_IP"
    ip -n "$NS_CL" neigh flush all 2>/dev/null || true
    ip netns exec "$NS_BR" tcpdump -i br0 -tt -n -l 'ip proto 112' >"$d/cap" 2>"$d/cap.err" &
    local cap=$!; track $cap
    wait_until 5 grep -qs listening "$d/cap.err" || { echo "failed=tcpdump"; return; }
    local a a_all b b_all probe
    read -r a a_all <<<"$(start_vrrp "$impl" "$NS_H1" "$H1_IP" $MASTER_PRIO "$d/a.log")"
    if [[ "$a" == 0 ]] || ! wait_until 20 has_addr "$NS_H1" "$VIP"; then
        kill_quiet "$a_all"; kill_quiet "$cap" TERM; echo "failed=master-never-up"; return
    fi
    read -r b b_all <<<"$(start_vrrp "$impl" "$NS_H2" "$H2_IP" $BACKUP_PRIO "$d/b.log")"
    if ! wait_until 20 is_state "$impl" "$d/b.log" BACKUP; then
        kill_quiet "$a_all"; kill_quiet "$b_all"; kill_quiet "$cap" TERM; echo "failed=backup-never-backup"; return
    fi
    ip netns exec "$NS_CL" python3 "$BENCH_DIR/probe.py" "$VIP" 0.01 >"$d/probe" &
    probe=$!; track $probe
    if ! wait_until 5 wait_first_reply "$d/probe"; then
        kill_quiet "$a_all"; kill_quiet "$b_all"; kill_quiet "$probe" TERM; kill_quiet "$cap" TERM
        echo "failed=vip-not-answering"; return
    fi
    sleep "$(python3 -c "import random; print(round(1.2 + random.random() * $INTERVAL, 3))")"
    if ! wait_until 5 not_has_addr "$NS_H2" "$VIP"; then
        kill_quiet "$a_all"; kill_quiet "$b_all"; kill_quiet "$probe" TERM; kill_quiet "$cap" TERM
        echo "failed=backup-held-vip-before-fault"; return
    fi
    local fault window
    if [[ $MODE == kill ]]; then
        read -r fault window <<<"$(python3 "$BENCH_DIR/fault.py" "$a" KILL "$NS_H1" eth0)"
    else
        read -r fault window <<<"$(python3 "$BENCH_DIR/fault.py" "$a_all" TERM)"
    fi
    wait_until "$(python3 -c "print(int($INTERVAL*3 + 6))")" wait_restored "$d/probe" "$fault" || true
    sleep 0.3
    kill_quiet "$probe" TERM
    kill_quiet "$cap" TERM
    kill_quiet "$a" KILL; kill_quiet "$a_all" KILL
    kill_quiet "$b" KILL; kill_quiet "$b_all" KILL
    echo "$(python3 "$BENCH_DIR/vrrp_trial.py" "$fault" "$d/cap" "$d/probe" "$H1_IP" "$H2_IP" $VRID "$VERSION" \
        "$ADVINT" $BACKUP_PRIO "$MODE") window=$window"
}

field() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

main() {
    declare -A OUT GAP OVER TAKE FAILS
    for impl in $IMPLS; do
        if ! vrrp_available "$impl"; then
            log "$NAME: $impl not available (not installed, or its CLI has no VRRP yet), skipped"
            continue
        fi
        OUT[$impl]="" GAP[$impl]="" TAKE[$impl]="" OVER[$impl]="" FAILS[$impl]=0
        for ((n = 1; n <= TRIALS; n++)); do
            r=$(run_trial "$impl" "$n")
            if [[ "$r" == failed=* || "$(field "$r" takeover)" == NA || "$(field "$r" pre_ok)" != 1 ]]; then
                FAILS[$impl]=$((FAILS[$impl] + 1))
                printf '%-24s %-10s trial %2d: FAILED (%s)\n' "$NAME" "$impl" "$n" "$r"
                continue
            fi
            printf '%-24s %-10s trial %2d: outage %6s s  gap %6s s  bound %6s s  takeover %6s s  overhead %6s s  (bow-out %s, window %s ms)\n' \
                "$NAME" "$impl" "$n" "$(field "$r" outage)" "$(field "$r" gap)" "$(field "$r" bound)" \
                "$(field "$r" takeover)" "$(field "$r" overhead)" "$(field "$r" bowout)" "$(field "$r" window)"
            OUT[$impl]+=" $(field "$r" outage)"
            GAP[$impl]+=" $(field "$r" gap)"
            TAKE[$impl]+=" $(field "$r" takeover)"
            OVER[$impl]+=" $(field "$r" overhead)"
        done
    done
    echo
    printf '%s (VRRPv%s, advert-int %s cs, priorities %s/%s, %s trials): median / min / max, seconds\n' \
        "$NAME" "$VERSION" "$ADVINT" "$MASTER_PRIO" "$BACKUP_PRIO" "$TRIALS"
    for impl in $IMPLS; do
        [[ -v "OUT[$impl]" ]] || continue
        for what in outage gap takeover overhead; do
            case $what in outage) vals=${OUT[$impl]} ;; gap) vals=${GAP[$impl]} ;;
                takeover) vals=${TAKE[$impl]} ;; overhead) vals=${OVER[$impl]} ;; esac
            read -r med min max cnt <<<"$(python3 "$BENCH_DIR/stats.py" $vals)"
            printf '  %-10s %-9s %8s %8s %8s  (n=%s, failed=%s)\n' "$impl" "$what" "$med" "$min" "$max" "$cnt" \
                "${FAILS[$impl]}"
            # shellcheck disable=SC2086
            record "$impl" "$NAME.$what" s "-" $vals
        done
        record "$impl" "$NAME.failed-trials" count "0" "${FAILS[$impl]}"
    done
}

bench_run main
