#!/usr/bin/env bash
# VIP claim latency: from the instant a takeover is due to the backup's first gratuitous ARP on the wire.
#
#   claim-latency.sh [--trials N] [--addresses "1 32"] [--impls "carp ucarp"] [--advbase B] [--backup-skew S]
#                    [--settle S] [--name NAME]
#
# Per trial: a master (advskew 0) on host 1 and a backup (advskew S) on host 2 with the same N virtual addresses in
# one vhid; once the backup is BACKUP and has run for --settle seconds, tcpdump starts on the backup's eth0 (one
# capture, kernel timestamps in ns), the master gets SIGKILL at a random phase of its advert interval, and the
# capture stops once the backup holds every address. From that one capture (claimcap.py):
#
#   latency = backup's first gratuitous ARP - (master's last advert + master-down interval)
#
# where the master-down interval is deadratio (3) x advbase + advskew/256 s, the instant the protocol makes the
# takeover due. Also printed: the latency of the last address's GARP (latency_all) and of the backup's first advert
# as master. ucarp takes one address only (it keeps the last -a), so it runs only for --addresses 1.
# Figures: median/min/max over the trials, per implementation and address count (results.tsv: claim.<n>.latency).
source "$(dirname "$0")/lib.sh"

TRIALS=10 COUNTS="1 32" IMPLS="carp ucarp" ADVBASE=1 BSKEW=100 SETTLE=3 NAME=claim
while [[ $# -gt 0 ]]; do
    case "$1" in
        --trials) TRIALS=$2; shift 2 ;;
        --addresses) COUNTS=$2; shift 2 ;;
        --impls) IMPLS=$2; shift 2 ;;
        --advbase) ADVBASE=$2; shift 2 ;;
        --backup-skew) BSKEW=$2; shift 2 ;;
        --settle) SETTLE=$2; shift 2 ;;
        --name) NAME=$2; shift 2 ;;
        *) die "unknown option: $1" ;;
    esac
done
VHID=1
MASTER_DOWN=$(python3 -c "print(3 * $ADVBASE + $BSKEW / 256)")
INTERVAL=$(python3 -c "print(max($ADVBASE, 1/256))")

bench_init
netns_setup

vips() { # n -> comma-separated list: 198.18.90.200 ... (at most 50)
    local i out=()
    for ((i = 0; i < $1; i++)); do out+=("198.18.90.$((200 + i))"); done
    (IFS=,; echo "${out[*]}")
}
holds_all() { # ns n
    [[ $(ip -n "$1" -4 -o addr show dev eth0 | grep -c ' 198\.18\.90\.2[0-4][0-9]/') -ge $2 ]]
}
holds_none() { ! ip -n "$1" -4 -o addr show dev eth0 | grep -q ' 198\.18\.90\.2[0-4][0-9]/'; }
is_backup() { [[ $(count_states "$1" "$2" BACKUP) -ge 1 ]]; }
mac_of() { ip -n "$1" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

run_trial() { # impl count n -> key=value line, or failed=<why>
    local impl=$1 count=$2 n=$3 d="$BENCH_TMP/$impl-$count-$n" list flags=() v
    mkdir -p "$d"
    list=$(vips "$count")
    IFS=, read -r -a arr <<<"$list"
    for v in "${arr[@]}"; do flags+=(-a "$v"); done
    host_reset "$NS_H1" "$H1_IP"
    host_reset "$NS_H2" "$H2_IP"
    local a b cap
    # start_node passes one -a; the others come as extra flags (the library's CLI takes -a repeatedly).
    if [[ $count -eq 1 ]]; then
        a=$(start_node "$impl" "$NS_H1" "$H1_IP" $VHID "${arr[0]}" "$ADVBASE" 0 "$d/a.log")
    else
        a=$(start_node "$impl" "$NS_H1" "$H1_IP" $VHID "${arr[0]}" "$ADVBASE" 0 "$d/a.log" "${flags[@]:2}")
    fi
    if ! wait_until 30 holds_all "$NS_H1" "$count"; then
        kill_quiet "$a"; echo "failed=master-never-up"; return
    fi
    if [[ $count -eq 1 ]]; then
        b=$(start_node "$impl" "$NS_H2" "$H2_IP" $VHID "${arr[0]}" "$ADVBASE" "$BSKEW" "$d/b.log")
    else
        b=$(start_node "$impl" "$NS_H2" "$H2_IP" $VHID "${arr[0]}" "$ADVBASE" "$BSKEW" "$d/b.log" "${flags[@]:2}")
    fi
    if ! wait_until 30 is_backup "$impl" "$d/b.log"; then
        kill_quiet "$a"; kill_quiet "$b"; echo "failed=backup-never-backup"; return
    fi
    sleep "$SETTLE"
    ip netns exec "$NS_H2" tcpdump -i eth0 -n -U --immediate-mode --time-stamp-precision=nano -w "$d/cap.pcap" \
        'arp or ip proto 112' 2>"$d/cap.err" &
    cap=$!; track $cap
    wait_until 5 grep -qs listening "$d/cap.err" || { kill_quiet "$a"; kill_quiet "$b"; echo "failed=tcpdump"; return; }
    # at least one whole advert interval of capture before the kill, then a random phase
    sleep "$(python3 -c "import random; print(round(1.2 * $INTERVAL + random.random() * $INTERVAL, 3))")"
    kill_quiet "$a" KILL
    if ! wait_until $((10 + ${MASTER_DOWN%.*})) holds_all "$NS_H2" "$count"; then
        kill_quiet "$b"; kill_quiet "$cap" INT; echo "failed=backup-never-took-over"; return
    fi
    sleep 0.5 # the rest of the announcements
    kill_quiet "$cap" INT
    kill_quiet "$b" KILL
    python3 "$BENCH_DIR/claimcap.py" "$d/cap.pcap" --master-ip "$H1_IP" --backup-ip "$H2_IP" \
        --backup-mac "$(mac_of "$NS_H2")" --vips "$list" --master-down "$MASTER_DOWN"
}

field() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

main() {
    local impl count n line lat=() all=() adv=()
    for count in $COUNTS; do
        for impl in $IMPLS; do
            impl_available "$impl" || { log "$NAME: $impl not available, skipped"; continue; }
            if [[ $impl == ucarp && $count -ne 1 ]]; then
                log "$NAME: ucarp holds one address per process; skipped for $count addresses"
                continue
            fi
            lat=() all=() adv=()
            for ((n = 1; n <= TRIALS; n++)); do
                line=$(run_trial "$impl" "$count" "$n")
                log "$NAME $impl addresses=$count trial $n/$TRIALS (load $(cut -d' ' -f1 /proc/loadavg)): $line"
                if [[ $line == failed=* ]]; then continue; fi
                lat+=("$(field "$line" latency)")
                all+=("$(field "$line" latency_all)")
                adv+=("$(field "$line" advert_delta)")
            done
            for what in latency latency_all advert_delta; do
                local -n vals=$([[ $what == latency ]] && echo lat || { [[ $what == latency_all ]] && echo all || echo adv; })
                read -r med mn mx cnt <<<"$(python3 -c 'import statistics, sys
v = [float(x) for x in sys.argv[1:] if x not in ("NA", "")]
print("%.6f %.6f %.6f %d" % (statistics.median(v), min(v), max(v), len(v)) if v else "NA NA NA 0")' "${vals[@]}")"
                printf '%s %-5s addresses=%-2s %-12s median %8s s  min %8s  max %8s  n=%s\n' \
                    "$NAME" "$impl" "$count" "$what" "$med" "$mn" "$mx" "$cnt"
                target=-
                [[ $what == latency ]] && target="<= 0.001"
                # shellcheck disable=SC2068
                record "$impl" "$NAME.$count.$what" s "$target" ${vals[@]}
                unset -n vals
            done
        done
    done
}

bench_run main
