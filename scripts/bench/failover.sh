#!/usr/bin/env bash
# Failover and graceful-handover outage, library and ucarp side by side on the same namespaces.
#
#   failover.sh [--mode kill|term] [--trials N] [--advbase B] [--master-skew S] [--backup-skew S]
#               [--impls "ucarp carp"] [--name NAME]
#
# kill: the master HOST dies -- SIGKILL of the node and, at the same instant, its veth link down.
# term: graceful -- SIGTERM of the master (ucarp runs with -z), link stays up.
# A client probes the VIP every 10 ms; adverts are captured on the bridge. Per trial prints the outage (fault ->
# first reply after the first lost probe; with the link down, the first reply to a probe sent after the fault), the
# gap (how long the VIP did not answer), the protocol bound (master's last regular advert + master-down, relative to
# the fault) and the overhead (outage - bound); then median/min/max per implementation. Definitions: trial.py.
source "$(dirname "$0")/lib.sh"

MODE=kill TRIALS=10 ADVBASE=1 MSKEW=0 BSKEW=100 IMPLS="ucarp carp" NAME=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --mode) MODE=$2; shift 2 ;;
        --trials) TRIALS=$2; shift 2 ;;
        --advbase) ADVBASE=$2; shift 2 ;;
        --master-skew) MSKEW=$2; shift 2 ;;
        --backup-skew) BSKEW=$2; shift 2 ;;
        --impls) IMPLS=$2; shift 2 ;;
        --name) NAME=$2; shift 2 ;;
        *) die "unknown option: $1" ;;
    esac
done
[[ "$MODE" == kill || "$MODE" == term ]] || die "--mode: $MODE (expected: kill or term)"
NAME=${NAME:-$([[ $MODE == kill ]] && echo failover || echo graceful)}
VHID=1

bench_init
netns_setup

# The advert interval of the master, to pick the fault's phase at random within it.
INTERVAL=$(python3 -c "print(max($ADVBASE + $MSKEW/256, 1/256))")

# True once the VIP answers again after a lost probe sent after the fault (a hole in the answered sequence numbers).
wait_restored() {
    awk -v f="$2" '$1 == "R" { if ($3 >= f && have && $2 - prev > 1) { found = 1; exit } prev = $2; have = 1 }
                   END { exit !found }' "$1"
}
not_has_addr() { ! has_addr "$@"; }
wait_first_reply() { grep -qs '^R ' "$1"; }
wait_state() { [[ $(count_states "$1" "$2" BACKUP) -ge 1 ]]; }

run_trial() { # impl n -> prints the key=value line of trial.py, or "failed=<why>"
    local impl=$1 n=$2 d="$BENCH_TMP/$impl-$n"
    mkdir -p "$d"
    host_reset "$NS_H1" "$H1_IP"
    host_reset "$NS_H2" "$H2_IP"
    ip -n "$NS_CL" neigh flush all 2>/dev/null || true
    ip netns exec "$NS_BR" tcpdump -i br0 -tt -n -l -T carp 'ip proto 112' >"$d/cap" 2>"$d/cap.err" &
    local cap=$!; track $cap
    wait_until 5 grep -qs listening "$d/cap.err" || { echo "failed=tcpdump"; return; }
    local a b probe fault
    a=$(start_node "$impl" "$NS_H1" "$H1_IP" $VHID "$VIP" "$ADVBASE" "$MSKEW" "$d/a.log" -z)
    if ! wait_until 20 has_addr "$NS_H1" "$VIP"; then
        kill_quiet "$a"; kill_quiet "$cap" TERM; echo "failed=master-never-up"; return
    fi
    b=$(start_node "$impl" "$NS_H2" "$H2_IP" $VHID "$VIP" "$ADVBASE" "$BSKEW" "$d/b.log" -z)
    if ! wait_until 20 wait_state "$impl" "$d/b.log"; then
        kill_quiet "$a"; kill_quiet "$b"; kill_quiet "$cap" TERM; echo "failed=backup-never-backup"; return
    fi
    ip netns exec "$NS_CL" python3 "$BENCH_DIR/probe.py" "$VIP" 0.01 >"$d/probe" &
    probe=$!; track $probe
    if ! wait_until 5 wait_first_reply "$d/probe"; then
        kill_quiet "$a"; kill_quiet "$b"; kill_quiet "$probe" TERM; kill_quiet "$cap" TERM
        echo "failed=vip-not-answering"; return
    fi
    # Settle, then fault at a random phase of the advert interval, at a moment when the backup is backup (an
    # implementation that flaps may hold the VIP on both hosts: wait up to 5 s for the backup to let it go).
    sleep "$(python3 -c "import random; print(round(1.2 + random.random() * $INTERVAL, 3))")"
    if ! wait_until 5 not_has_addr "$NS_H2" "$VIP"; then
        kill_quiet "$a"; kill_quiet "$b"; kill_quiet "$probe" TERM; kill_quiet "$cap" TERM
        echo "failed=backup-held-vip-for-5s-before-fault"; return
    fi
    local window
    if [[ $MODE == kill ]]; then
        read -r fault window <<<"$(python3 "$BENCH_DIR/fault.py" "$a" KILL "$NS_H1" eth0)"
    else
        read -r fault window <<<"$(python3 "$BENCH_DIR/fault.py" "$a" TERM)"
    fi
    local limit
    limit=$(python3 -c "print(int($ADVBASE*3 + 8))")
    wait_until "$limit" wait_restored "$d/probe" "$fault" || true
    sleep 0.3
    kill_quiet "$probe" TERM
    kill_quiet "$cap" TERM
    kill_quiet "$a" KILL
    kill_quiet "$b" KILL
    echo "$(python3 "$BENCH_DIR/trial.py" "$impl" "$fault" "$d/cap" "$d/probe" "$H1_IP" "$H2_IP" $VHID "$ADVBASE" \
        "$BSKEW") window=$window"
}

field() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

main() {
    declare -A OUT GAP OVER BOUND TAKE FAILS
    for impl in $IMPLS; do
        if ! impl_available "$impl"; then
            log "$NAME: $impl not available, skipped"
            continue
        fi
        OUT[$impl]="" GAP[$impl]="" TAKE[$impl]="" OVER[$impl]="" BOUND[$impl]="" FAILS[$impl]=0
        for ((n = 1; n <= TRIALS; n++)); do
            r=$(run_trial "$impl" "$n")
            if [[ "$r" == failed=* || "$(field "$r" outage)" == NA || "$(field "$r" pre_ok)" != 1 ]]; then
                FAILS[$impl]=$((FAILS[$impl] + 1))
                printf '%-9s %-6s trial %2d: FAILED (%s)\n' "$NAME" "$impl" "$n" "$r"
                continue
            fi
            printf '%-9s %-6s trial %2d: outage %6s s  gap %6s s  bound %6s s  overhead %6s s  (last advert %s, takeover advert %s, bow-out %s, fault window %s ms)\n' \
                "$NAME" "$impl" "$n" "$(field "$r" outage)" "$(field "$r" gap)" "$(field "$r" bound)" "$(field "$r" overhead)" \
                "$(field "$r" last_adv)" "$(field "$r" takeover)" "$(field "$r" bowout)" "$(field "$r" window)"
            OUT[$impl]+=" $(field "$r" outage)"
            GAP[$impl]+=" $(field "$r" gap)"
            TAKE[$impl]+=" $(field "$r" takeover)"
            OVER[$impl]+=" $(field "$r" overhead)"
            BOUND[$impl]+=" $(field "$r" bound)"
        done
    done

    T_OUT="-" T_GAP="-" T_OVER="-"
    case "$NAME" in
        failover) T_OVER="<= 0.050" ;;
        graceful) T_GAP="< 0.100" ;;
        subsecond) T_OUT="< 0.400" ;;
    esac
    echo
    printf '%s (advbase %s, master advskew %s, backup advskew %s, %s trials): median / min / max, seconds\n' \
        "$NAME" "$ADVBASE" "$MSKEW" "$BSKEW" "$TRIALS"
    for impl in $IMPLS; do
        [[ -v "OUT[$impl]" ]] || continue
        for what in outage gap bound overhead takeover; do
            case $what in outage) vals=${OUT[$impl]} t=$T_OUT ;; gap) vals=${GAP[$impl]} t=$T_GAP ;;
                takeover) vals=${TAKE[$impl]} t="-" ;;
                bound) vals=${BOUND[$impl]} t="-" ;;
                overhead) vals=${OVER[$impl]} t=$T_OVER ;; esac
            read -r med min max cnt <<<"$(python3 "$BENCH_DIR/stats.py" $vals)"
            printf '  %-6s %-9s %8s %8s %8s  (n=%s, failed=%s)\n' "$impl" "$what" "$med" "$min" "$max" "$cnt" "${FAILS[$impl]}"
            # shellcheck disable=SC2086
            record "$impl" "$NAME.$what" s "$t" $vals
        done
        record "$impl" "$NAME.failed-trials" count "0" "${FAILS[$impl]}"
    done
}

bench_run main
