#!/bin/sh
# Deletes every network namespace left by the linux-root tests (names starting with ct-, and the older cit-, cnx-, uni-,
# flt-, bench- or fod-), after SIGKILLing the processes still inside them (ucarp, node JVMs, scripts: all started by the
# tests). The tests clean up after
# themselves and sweep leftovers of dead runs when they start; use this after a crashed run, or in CI as a last step.
# Do not run it while a test run is in progress: it would pull the namespaces from under it.
set -u
if [ "$(id -u)" -ne 0 ]; then
    echo "netns-cleanup: must run as root" >&2
    exit 1
fi
found=0
for ns in $(ip netns list | awk '{print $1}' | grep -E '^(ct|cit|cnx|uni|flt|bench|fod)-'); do
    found=$((found + 1))
    pids=$(ip netns pids "$ns" 2>/dev/null)
    if [ -n "$pids" ]; then
        echo "netns-cleanup: killing in $ns: $pids"
        kill -KILL $pids 2>/dev/null
        sleep 0.2
    fi
    ip netns del "$ns" && echo "netns-cleanup: deleted $ns"
done
rm -rf "${TMPDIR:-/tmp}"/cit-netns-owners
echo "netns-cleanup: $found namespace(s) removed"
