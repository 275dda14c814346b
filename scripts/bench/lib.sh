#!/usr/bin/env bash
# Shared helpers for the side-by-side benchmarks: the bench-* namespaces, starting ucarp and the library's CLI,
# tracking what we start so that traps can clean up even on failure. Source it; do not run it.
#
# Topology (one per run, names carry the run id so two runs cannot collide):
#
#   bench-<id>-h1 (eth0 198.18.90.1) --veth--+
#   bench-<id>-h2 (eth0 198.18.90.2) --veth--+-- br0 in bench-<id>-br
#   bench-<id>-cl (eth0 198.18.90.100) -veth-+
#
# Every address is in 198.18.90.0/24 (VIPs of the scale test: 198.18.91.0/24 and 198.18.92.0/24).

set -o errexit -o nounset -o pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/../.." && pwd)"
BENCH_ID="${BENCH_ID:-$$}"
NS_BR="bench-${BENCH_ID}-br"
NS_H1="bench-${BENCH_ID}-h1"
NS_H2="bench-${BENCH_ID}-h2"
NS_CL="bench-${BENCH_ID}-cl"
H1_IP=198.18.90.1
H2_IP=198.18.90.2
CL_IP=198.18.90.100
VIP=198.18.90.200
PASS=benchpass
UCARP="${UCARP:-/usr/sbin/ucarp}"
CARP_CLI_JAR="${CARP_CLI_JAR:-$REPO_DIR/carp-cli/target/carp-cli.jar}"
BENCH_JAR="${BENCH_JAR:-$REPO_DIR/carp-benchmarks/target/benchmarks.jar}"
# JVM flags for every library process (CLI and ManyGroupsMain). Stated in docs/PERFORMANCE.md.
JVM_OPTS="${JVM_OPTS:--XX:+UseSerialGC -Xms16m -Xmx64m -XX:TieredStopAtLevel=1 -Xshare:auto}"
RESULTS="${BENCH_RESULTS:-/dev/null}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }

need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces, raw sockets)"; }

# --- cleanup -----------------------------------------------------------------------------------------------------

BENCH_TMP=""
_cleaned=0
bench_cleanup() {
    [[ $_cleaned -eq 1 ]] && return 0
    _cleaned=1
    set +o errexit
    local ns pid
    for ns in "$NS_H1" "$NS_H2" "$NS_CL" "$NS_BR"; do
        ip netns list 2>/dev/null | grep -qw "^$ns" || continue
        # Only our own processes live in our namespaces: end them by id.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
    done
    sleep 0.3
    for ns in "$NS_H1" "$NS_H2" "$NS_CL" "$NS_BR"; do
        ip netns list 2>/dev/null | grep -qw "^$ns" || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    done
    if [[ -n "$BENCH_TMP" && -f "$BENCH_TMP/pids" ]]; then
        while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$BENCH_TMP/pids"
    fi
    sleep 0.1
    for ns in "$NS_H1" "$NS_H2" "$NS_CL" "$NS_BR"; do
        ip netns del "$ns" 2>/dev/null
    done
    if [[ -n "$BENCH_TMP" && -d "$BENCH_TMP" && "${BENCH_KEEP_TMP:-0}" != 1 ]]; then rm -rf "$BENCH_TMP"; fi
    return 0
}

bench_init() {
    need_root
    BENCH_TMP="$(mktemp -d /tmp/carp-bench.XXXXXX)"
    : >"$BENCH_TMP/pids"
    trap 'bench_cleanup' EXIT
    trap 'bench_interrupted' INT TERM
    write_ucarp_scripts
}

# Runs the script's body ("$@", usually a function) in the background and waits for it. Bash runs a trap only after
# the foreground command ends; `wait` is interrupted at once, so a signal cleans up now rather than after the
# current trial.
BENCH_MAIN=""
bench_run() {
    "$@" &
    BENCH_MAIN=$!
    local rc=0
    wait "$BENCH_MAIN" || rc=$?
    BENCH_MAIN=""
    return $rc
}

bench_interrupted() {
    log "interrupted: cleaning up"
    if [[ -n "$BENCH_MAIN" ]]; then
        local child
        for child in $(ps -o pid= --ppid "$BENCH_MAIN" 2>/dev/null); do kill -TERM "$child" 2>/dev/null; done
        kill -TERM "$BENCH_MAIN" 2>/dev/null
    fi
    bench_cleanup
    exit 130
}

track() { echo "$1" >>"$BENCH_TMP/pids"; }

# --- topology ----------------------------------------------------------------------------------------------------

netns_setup() {
    local ns
    for ns in "$NS_BR" "$NS_H1" "$NS_H2" "$NS_CL"; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    done
    ip -n "$NS_BR" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
    ip -n "$NS_BR" link set br0 up
    _attach "$NS_H1" p-h1 "$H1_IP"
    _attach "$NS_H2" p-h2 "$H2_IP"
    _attach "$NS_CL" p-cl "$CL_IP"
}

_attach() { # ns port ip
    ip link add eth0 netns "$1" type veth peer name "$2" netns "$NS_BR"
    ip -n "$NS_BR" link set "$2" master br0 up
    ip -n "$1" addr add "$3/24" dev eth0
    ip -n "$1" link set eth0 up
}

# Removes every address but the host's own from eth0 and brings the link up: the state a trial starts from.
host_reset() { # ns own-ip
    local a
    ip -n "$1" link set eth0 up
    for a in $(ip -n "$1" -4 -o addr show dev eth0 | awk '{print $4}'); do
        [[ "$a" == "$2/24" ]] || ip -n "$1" addr del "$a" dev eth0 2>/dev/null || true
    done
}

has_addr() { ip -n "$1" -4 -o addr show dev eth0 | grep -q " $2/"; }

wait_until() { # timeout-seconds command...
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.05
    done
}

# --- nodes -------------------------------------------------------------------------------------------------------

# ucarp does not own the address: its up/down scripts add and remove it (as in production ucarp setups).
write_ucarp_scripts() {
    cat >"$BENCH_TMP/vip-up.sh" <<'S'
#!/bin/sh
exec ip addr add "$2/24" dev "$1"
S
    cat >"$BENCH_TMP/vip-down.sh" <<'S'
#!/bin/sh
exec ip addr del "$2/24" dev "$1" 2>/dev/null
S
    chmod +x "$BENCH_TMP/vip-up.sh" "$BENCH_TMP/vip-down.sh"
}

# start_node impl ns srcip vhid vip advbase advskew logfile [extra flags...] -> prints the pid
# impl: ucarp | carp (the library's ucarp-compatible CLI, which adds/removes the VIP itself).
start_node() {
    local impl=$1 ns=$2 src=$3 vhid=$4 vip=$5 advbase=$6 advskew=$7 logf=$8; shift 8
    local -a common=(-i eth0 -s "$src" -v "$vhid" -p "$PASS" -a "$vip" -b "$advbase" -k "$advskew" "$@")
    case "$impl" in
        ucarp)
            ip netns exec "$ns" "$UCARP" "${common[@]}" -u "$BENCH_TMP/vip-up.sh" -d "$BENCH_TMP/vip-down.sh" \
                >"$logf" 2>&1 </dev/null &
            ;;
        carp)
            [[ -f "$CARP_CLI_JAR" ]] || die "library CLI not built: $CARP_CLI_JAR"
            # shellcheck disable=SC2086
            ip netns exec "$ns" java $JVM_OPTS -jar "$CARP_CLI_JAR" "${common[@]}" --manage-address \
                >"$logf" 2>&1 </dev/null &
            ;;
        *) die "unknown implementation: $impl" ;;
    esac
    local pid=$!
    track "$pid"
    echo "$pid"
}

# The line each implementation prints on a MASTER/BACKUP transition.
#   ucarp:   "[WARNING] Switching to state: MASTER"
#   library: "vhid 1@eth0: BACKUP -> MASTER (master timed out)"
state_regex() {
    case "$1" in
        ucarp) echo 'Switching to state: (MASTER|BACKUP)' ;;
        carp) echo 'vhid [0-9]+@[^:]+: [A-Z]+ -> (MASTER|BACKUP)' ;;
    esac
}
count_states() { # impl logfile [state]
    local re; re="$(state_regex "$1")"
    [[ -n "${3:-}" ]] && re="${re/(MASTER|BACKUP)/$3}"
    grep -Ec "$re" "$2" 2>/dev/null || true
}

kill_quiet() { kill "-${2:-KILL}" "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

impl_available() {
    case "$1" in
        ucarp) [[ -x "$UCARP" ]] ;;
        carp) [[ -f "$CARP_CLI_JAR" ]] && timeout 30 java -jar "$CARP_CLI_JAR" --help 2>&1 | grep -q -- --manage-address ;;
    esac
}

# record impl metric unit target value... : one line per metric in the results file, read by report.py.
record() {
    local impl=$1 metric=$2 unit=$3 target=$4; shift 4
    printf '%s\t%s\t%s\t%s\t%s\n' "$impl" "$metric" "$unit" "$target" "$*" >>"$RESULTS"
}
