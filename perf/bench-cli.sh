#!/usr/bin/env bash
# CLI start-up: wall time of `trellis --version` and `trellis node ls` through ./trellis, against a
# single-node agent (its own temporary data dir and socket, loopback advertise address, after
# `swarm init`). No root, no namespaces.
#
#   perf/bench-cli.sh [--runs 10]
#
# Uses hyperfine when installed (apt-get install -y hyperfine), else a bash loop over date +%s%N;
# prints the median of each. An EXIT trap stops the agent and removes its directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/single-agent.sh
. "$root/perf/lib/single-agent.sh"
runs=10
while (($#)); do
  case "$1" in
    --runs) runs="${2:?--runs needs a value}"; shift 2 ;;
    *) echo "bench-cli: unknown option $1: allowed is --runs N" >&2; exit 1 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench-cli: --runs must be a positive integer" >&2; exit 1; }
trap stop_agent EXIT INT TERM

"$root/trellis" --version >/dev/null # builds the jar (and the archive) first when stale
start_agent

median_ms() { # median_ms COMMAND...: runs COMMAND $runs times (after one warm-up) and prints the median wall time in ms
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$agent_dir/h.json" "$*" >/dev/null 2>&1
    python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$agent_dir/h.json"
    return
  fi
  local i start times=()
  "$@" >/dev/null
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null
    times+=($((($(date +%s%N) - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
version=$(median_ms "$root/trellis" --version)
ls=$(median_ms "$root/trellis" node ls -H "$agent_host")
echo "trellis --version  median ${version} ms over $runs runs"
echo "trellis node ls    median ${ls} ms over $runs runs"
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(docker version / docker node ls, a Go binary, answer in some tens of ms on an idle host)"
