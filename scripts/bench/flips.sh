#!/usr/bin/env bash
# Stability in sub-second mode: MASTER/BACKUP transitions of a healthy pair over a window with no fault.
#
#   flips.sh [--duration S] [--advbase B] [--master-skew S] [--backup-skew S] [--impls "ucarp carp"]
#
# Starts the master (advskew 26), waits until it holds the VIP, starts the backup (advskew 52), lets it settle
# (2 s after its first BACKUP line), then counts the state-change lines both nodes print during the window
# (ucarp: "Switching to state: X"; the library CLI: "vhid N@IF: A -> B (reason)"). Target: 0 for the library.
source "$(dirname "$0")/lib.sh"

DURATION=60 ADVBASE=0 MSKEW=26 BSKEW=52 IMPLS="ucarp carp"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --advbase) ADVBASE=$2; shift 2 ;;
        --master-skew) MSKEW=$2; shift 2 ;;
        --backup-skew) BSKEW=$2; shift 2 ;;
        --impls) IMPLS=$2; shift 2 ;;
        *) die "unknown option: $1" ;;
    esac
done

bench_init
netns_setup
wait_backup() { [[ $(count_states "$1" "$2" BACKUP) -ge 1 ]]; }

main() {
    for impl in $IMPLS; do
        if ! impl_available "$impl"; then
            log "flips: $impl not available, skipped"
            continue
        fi
        host_reset "$NS_H1" "$H1_IP"
        host_reset "$NS_H2" "$H2_IP"
        d="$BENCH_TMP/flips-$impl"; mkdir -p "$d"
        a=$(start_node "$impl" "$NS_H1" "$H1_IP" 1 "$VIP" "$ADVBASE" "$MSKEW" "$d/a.log")
        if ! wait_until 20 has_addr "$NS_H1" "$VIP"; then
            log "flips: $impl master never came up"; kill_quiet "$a"; record "$impl" subsecond.flips count 0 NA; continue
        fi
        b=$(start_node "$impl" "$NS_H2" "$H2_IP" 1 "$VIP" "$ADVBASE" "$BSKEW" "$d/b.log")
        wait_until 20 wait_backup "$impl" "$d/b.log" || log "flips: $impl backup printed no BACKUP line"
        sleep 2
        a0=$(count_states "$impl" "$d/a.log"); b0=$(count_states "$impl" "$d/b.log")
        sleep "$DURATION"
        a1=$(count_states "$impl" "$d/a.log"); b1=$(count_states "$impl" "$d/b.log")
        alive=1
        kill -0 "$a" 2>/dev/null && kill -0 "$b" 2>/dev/null || alive=0
        kill_quiet "$a"; kill_quiet "$b"
        flips=$(((a1 - a0) + (b1 - b0)))
        am=$(count_states "$impl" "$d/a.log" MASTER); bm=$(count_states "$impl" "$d/b.log" MASTER)
        printf 'subsecond flips %-6s: %d transitions in %d s (master node %d, backup node %d; both alive: %s; MASTER lines since start: master %d, backup %d)\n' \
            "$impl" "$flips" "$DURATION" $((a1 - a0)) $((b1 - b0)) "$([[ $alive == 1 ]] && echo yes || echo NO)" "$am" "$bm"
        if [[ $alive == 1 ]]; then
            record "$impl" subsecond.flips count 0 "$flips"
        else
            record "$impl" subsecond.flips count 0 NA
        fi
    done
}

bench_run main
