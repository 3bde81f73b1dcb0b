#!/usr/bin/env bash
# Footprint of an idle agent: VmRSS and threads of a single-node agent (own temporary data dir and
# socket, loopback advertise address) after `swarm init`, once its request pools have gone idle.
#
#   perf/bench-footprint.sh [--idle 40] [--lab]
#
# The agent runs through ./trellis (its daemon flags; TRELLIS_JAVA_OPTS is added after them).
# --lab (root, ~1 min) also brings up `trellis lab up --nodes 3 --managers 3`, sums the three
# agents' RSS and threads after the same idle time, and takes the lab down; it refuses to run when
# a lab is already up. An EXIT trap stops the single agent and the lab.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/single-agent.sh
. "$root/perf/lib/single-agent.sh"
idle=40 lab=false lab_started=false
while (($#)); do
  case "$1" in
    --idle) idle="${2:?--idle needs a value}"; shift 2 ;;
    --lab) lab=true; shift ;;
    *) echo "bench-footprint: unknown option $1: allowed are --idle SECONDS, --lab" >&2; exit 1 ;;
  esac
done
[[ $idle =~ ^[0-9]+$ ]] || { echo "bench-footprint: --idle must be a number of seconds" >&2; exit 1; }
cleanup() {
  stop_agent
  if $lab_started; then "$root/trellis" lab down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT INT TERM

status() { # status PID FIELD: a field of /proc/PID/status (VmRSS in kB, Threads)
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

"$root/trellis" --version >/dev/null # builds the jar first when stale
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GB RAM)"
start_agent
# Idle request pools let their threads go after 30 s; measure after that, as a node sits most of the time.
sleep "$idle"
echo "single-node agent, idle ${idle} s after swarm init: RSS $(($(status "$agent_pid" VmRSS) / 1024)) MB, $(status "$agent_pid" Threads) threads"
echo "  flags: $(tr '\0' ' ' <"/proc/$agent_pid/cmdline" | sed 's/ -jar .*//')"
stop_agent

if $lab; then
  [[ $EUID -eq 0 ]] || { echo "bench-footprint: --lab needs root" >&2; exit 1; }
  [[ ! -e /run/trellis/lab/lab.json ]] || { echo "bench-footprint: a lab is already up; not replacing it" >&2; exit 1; }
  lab_started=true
  "$root/trellis" lab up --nodes 3 --managers 3 >/dev/null
  sleep "$idle"
  rss=0 threads=0
  for pid in $("$root/trellis" lab status | grep -o 'pid [0-9]*' | awk '{print $2}'); do
    rss=$((rss + $(status "$pid" VmRSS))) threads=$((threads + $(status "$pid" Threads)))
  done
  echo "3-node lab (3 managers), idle ${idle} s: RSS $((rss / 1024)) MB, $threads threads in total"
  "$root/trellis" lab down >/dev/null
  lab_started=false
fi
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
