#!/usr/bin/env bash
# What the executors cost, against Docker in the same run: wall time of
#   - `trellis exec TASK -- true` into a sandboxed process task (CLI → manager → node port → the task's sandbox),
#   - `trellis exec TASK -- true` into a docker-runtime task (the same relay, then `docker exec`),
#   - `docker exec CONTAINER true` straight to the Engine (the peer),
#   - a task started: `service create` of a process task until it runs, against `docker run -d` until it runs.
# Needs root (task namespaces) and a running dockerd with the test image `trellis-test/busybox:1`
# (built by the docker-runtime tests; see README); without Docker only the Trellis numbers are printed.
#
#   perf/bench-exec.sh [--runs 10]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/single-agent.sh
. "$root/perf/lib/single-agent.sh"
runs=10
while (($#)); do
  case "$1" in
    --runs) runs="${2:?--runs needs a value}"; shift 2 ;;
    *) echo "bench-exec: unknown option $1: allowed is --runs N" >&2; exit 1 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench-exec: --runs must be a positive integer" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "bench-exec: needs root (task namespaces)" >&2; exit 1; }
image=trellis-test/busybox:1
docker_ok=0
docker image inspect "$image" >/dev/null 2>&1 && docker_ok=1
peer=""
cleanup() { # the services' containers first: an agent leaves its tasks running when it stops
  [[ -n $peer ]] && docker rm -f "$peer" >/dev/null 2>&1
  if [[ -n $agent_pid ]]; then
    for s in proc started box; do # one by one: an unknown name would refuse the whole removal
      "$root/trellis" service rm -H "$agent_host" "$s" >/dev/null 2>&1 || true
    done
    for _ in $(seq 1 100); do # tasks stop within their grace period
      [[ -z $(docker ps -aq --filter label=io.trellis.service.name=box 2>/dev/null) ]] \
        && ! pgrep -f 'exec sleep 600' >/dev/null && break
      sleep 0.1
    done
  fi
  stop_agent
}
trap cleanup EXIT INT TERM

"$root/trellis" --version >/dev/null # builds the jar first when stale
start_agent
t() { local noun=$1 verb=$2; shift 2; "$root/trellis" "$noun" "$verb" -H "$agent_host" "$@"; } # -H before IMAGE

median_ms() { # median_ms COMMAND...: one warm-up, then $runs runs; the median wall time in ms
  local i start times=()
  "$@" >/dev/null 2>&1
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "bench-exec: $* failed" >&2; exit 1; }
    times+=($((($(date +%s%N) - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'
}

wait_running() { # wait_running SERVICE: up to 60 s
  local i
  for ((i = 0; i < 600; i++)); do
    t service ps "$1" 2>/dev/null | grep -q ' Running ' && return 0
    sleep 0.1
  done
  echo "bench-exec: $1 did not run within 60 s" >&2
  exit 1
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
t service create -d --name proc --runtime process img sh -c 'exec sleep 600' >/dev/null
wait_running proc
exec_proc=$(median_ms "$root/trellis" exec -H "$agent_host" proc.1 -- true)
echo "trellis exec, process task   median ${exec_proc} ms over $runs runs"

start=$(date +%s%N)
t service create -d --name started --runtime process img sh -c 'exec sleep 600' >/dev/null
wait_running started
start_proc=$((($(date +%s%N) - start) / 1000000))
echo "service create → running, process task: ${start_proc} ms (polled every 100 ms)"

if ((docker_ok)); then
  t service create -d --name box --runtime docker "$image" sh -c 'exec sleep 600' >/dev/null
  wait_running box
  exec_box=$(median_ms "$root/trellis" exec -H "$agent_host" box.1 -- true)
  peer=$(docker run -d --network none "$image" sh -c 'exec sleep 600')
  exec_peer=$(median_ms docker exec "$peer" true)
  echo "trellis exec, docker task    median ${exec_box} ms over $runs runs"
  echo "docker exec (peer)           median ${exec_peer} ms over $runs runs"
  start=$(date +%s%N)
  second=$(docker run -d --network none "$image" sh -c 'exec sleep 600')
  until [[ $(docker inspect -f '{{.State.Running}}' "$second") == true ]]; do sleep 0.1; done
  start_peer=$((($(date +%s%N) - start) / 1000000))
  docker rm -f "$second" >/dev/null
  echo "docker run -d → running (peer): ${start_peer} ms"
  awk -v a="$exec_proc" -v b="$exec_peer" -v c="$start_proc" -v d="$start_peer" 'BEGIN {
    printf "ratios (Trellis / Docker): exec %.2fx, task start %.2fx (lower is faster)\n", a / b, c / d }'
else
  echo "no Docker image $image: the Docker peer is not measured"
fi
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
