#!/usr/bin/env bash
# Removes what a crashed benchmark run may have left (normally the scripts' traps do it): the processes inside
# bench-* namespaces, then the namespaces. Only namespaces named bench-* are touched.
set -o nounset
for ns in $(ip netns list | awk '$1 ~ /^bench-/ {print $1}'); do
    for pid in $(ip netns pids "$ns"); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" && echo "removed $ns"
done
