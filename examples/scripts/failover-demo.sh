#!/usr/bin/env bash
# Failover demo: two FailoverHttpServer nodes share a virtual address; a client polls it every 10 ms; the master is
# killed with SIGKILL; the client's view (requests lost, outage length) is printed.
#
#   fod-a (198.18.70.1, advskew 0)  --\
#   fod-b (198.18.70.2, advskew 100) --+-- bridge br0 in fod-sw
#   fod-client (198.18.70.10)        --/     virtual address 198.18.70.100, vhid 70, HTTP port 8080
#
# Everything lives in network namespaces created here (prefix fod-) and is removed on exit, also on error or Ctrl-C.
# Needs root, iproute2 and the jar: mvn -q -DskipTests package (it makes examples/target/carp-examples.jar).
#
# Environment: JAVA (default java), JAR, PORT (8080), ADVBASE (1; 0 selects sub-second mode together with the
# advskews below), PROBE_SECONDS (12), KILL_AFTER (4 s after the client starts).
set -euo pipefail

readonly NS_A=fod-a NS_B=fod-b NS_C=fod-client NS_SW=fod-sw
readonly ADDR_A=198.18.70.1 ADDR_B=198.18.70.2 ADDR_C=198.18.70.10 VIP=198.18.70.100
readonly VHID=70 PASS=fod-demo
readonly PORT=${PORT:-8080}
readonly ADVBASE=${ADVBASE:-1}
readonly SKEW_A=${SKEW_A:-0} SKEW_B=${SKEW_B:-100}
readonly PROBE_SECONDS=${PROBE_SECONDS:-12}
readonly KILL_AFTER=${KILL_AFTER:-4}
readonly JAVA=${JAVA:-java}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
readonly JAR=${JAR:-$ROOT/examples/target/carp-examples.jar}

die() {
    echo "failover-demo: $*" >&2
    exit 1
}

[[ $EUID -eq 0 ]] || die "run as root: it creates network namespaces"
command -v ip >/dev/null || die "iproute2 (ip) is needed"
command -v "$JAVA" >/dev/null || die "java not found (set JAVA=/path/to/java)"
[[ -f $JAR ]] || die "$JAR not found; build it first: mvn -q -DskipTests package"
for ns in "$NS_A" "$NS_B" "$NS_C" "$NS_SW"; do
    if ip netns list | grep -qw -- "$ns"; then
        die "namespace $ns already exists (left by an earlier run? remove it: ip netns del $ns)"
    fi
done

LOGDIR=$(mktemp -d /tmp/fod-demo.XXXXXX)
readonly LOGDIR

cleanup() {
    local status=$? ns pids
    set +e
    trap - EXIT INT TERM
    for ns in "$NS_A" "$NS_B" "$NS_C"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        if [[ -n $pids ]]; then
            # shellcheck disable=SC2086 # one pid per word
            kill -9 $pids 2>/dev/null
        fi
    done
    for ns in "$NS_A" "$NS_B" "$NS_C" "$NS_SW"; do
        ip netns del "$ns" 2>/dev/null
    done
    echo "cleaned up the fod- namespaces; logs are in $LOGDIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() {
    printf '\n== %s\n' "$*"
}

# ---------------------------------------------------------------------------------------------------- network

step "network: namespaces $NS_A $NS_B $NS_C joined by bridge br0 in $NS_SW"
ip netns add "$NS_SW"
ip -n "$NS_SW" link set lo up
ip -n "$NS_SW" link add br0 type bridge mcast_snooping 0
ip -n "$NS_SW" link set br0 up
attach() { # namespace address
    local ns=$1 addr=$2 port="p-${1#fod-}"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$NS_SW" link add "$port" type veth peer name eth0 netns "$ns"
    ip -n "$NS_SW" link set "$port" master br0 up
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up
}
attach "$NS_A" "$ADDR_A"
attach "$NS_B" "$ADDR_B"
attach "$NS_C" "$ADDR_C"
if command -v ping >/dev/null; then
    ip netns exec "$NS_C" ping -c 1 -W 2 "$ADDR_A" >/dev/null || die "no connectivity from $NS_C to $ADDR_A"
fi

# ---------------------------------------------------------------------------------------------------- servers

declare -A node_pid
start_node() { # namespace name advskew
    ip netns exec "$1" "$JAVA" -cp "$JAR" io.carp.examples.FailoverHttpServer \
        --interface eth0 --vhid "$VHID" --pass "$PASS" --addr "$VIP" --port "$PORT" \
        --advbase "$ADVBASE" --advskew "$3" --name "$2" >"$LOGDIR/$2.log" 2>&1 &
    node_pid[$2]=$!
    disown "$!" # no "Killed" job message when it is killed on purpose
}

running() { # name
    kill -0 "${node_pid[$1]}" 2>/dev/null
}

show_logs() {
    local f
    for f in "$LOGDIR"/fod-a.log "$LOGDIR"/fod-b.log; do
        [[ -f $f ]] || continue
        echo "--- $(basename "$f")"
        tail -n 25 "$f"
    done
}

answer() { # prints the node that answers on the VIP, or nothing
    ip netns exec "$NS_C" curl -s --max-time 0.5 "http://$VIP:$PORT/" 2>/dev/null | cut -d' ' -f1
}

wait_for_answer_from() { # node seconds
    local deadline=$((SECONDS + $2))
    while ((SECONDS < deadline)) && running "$1"; do
        [[ $(answer) == "$1" ]] && return 0
        sleep 0.2
    done
    return 1
}

step "starting fod-a (advskew $SKEW_A) and waiting for it to serve http://$VIP:$PORT/"
start_node "$NS_A" fod-a "$SKEW_A"
if ! wait_for_answer_from fod-a 30; then
    echo "fod-a never served on $VIP:$PORT ($(running fod-a && echo "still running" || echo "it exited")). Its log:"
    show_logs
    die "no master: the demo cannot go on (see the log above)"
fi
echo "fod-a is MASTER and serving"

step "starting fod-b (advskew $SKEW_B): it should stay BACKUP"
start_node "$NS_B" fod-b "$SKEW_B"
deadline=$((SECONDS + 30))
until grep -q 'BACKUP' "$LOGDIR/fod-b.log" 2>/dev/null; do
    if ((SECONDS >= deadline)) || ! running fod-b; then
        show_logs
        die "fod-b did not reach BACKUP"
    fi
    sleep 0.2
done
[[ $(answer) == fod-a ]] || die "fod-a stopped answering after fod-b joined"
echo "fod-b is BACKUP; fod-a still serves"

# ---------------------------------------------------------------------------------------------------- failover

step "client polls http://$VIP:$PORT/ every 10 ms for $PROBE_SECONDS s; fod-a is killed with SIGKILL after $KILL_AFTER s"
ip netns exec "$NS_C" "$JAVA" -cp "$JAR" io.carp.examples.FailoverProbe "$VIP" "$PORT" "$PROBE_SECONDS" 10 \
    >"$LOGDIR/probe.log" 2>&1 &
probe=$!
sleep "$KILL_AFTER"
pids_a=$(ip netns pids "$NS_A")
echo "$(date +%T.%3N) kill -9 fod-a (pids: ${pids_a//$'\n'/ })"
# shellcheck disable=SC2086 # one pid per word
kill -9 $pids_a
wait "$probe" || true

step "what the client saw"
cat "$LOGDIR/probe.log"
result=$(grep '^RESULT' "$LOGDIR/probe.log" || true)
[[ -n $result ]] || die "the probe printed no result"
lost=$(sed -E 's/.* lost=([0-9]+).*/\1/' <<<"$result")
outage=$(sed -E 's/.* longest_outage_ms=([0-9]+).*/\1/' <<<"$result")
final=$(answer)

step "summary"
echo "requests lost: $lost"
echo "outage seen by the client: $outage ms (advbase $ADVBASE s, fod-b advskew $SKEW_B, dead ratio 3)"
echo "now served by: ${final:-nobody}"
echo "fod-b log:"
tail -n 8 "$LOGDIR/fod-b.log"
[[ $final == fod-b ]] || die "fod-b did not take over"
