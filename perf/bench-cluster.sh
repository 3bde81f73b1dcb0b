#!/usr/bin/env bash
# Control-plane failure timings with real agent processes (issue 6 item 9):
#
#   sudo perf/bench-cluster.sh [--rounds 5] [--resched-rounds 3] [--heartbeats 500ms,5s] [--skip-failover]
#
# - leader failover: 3 managers (`trellis agent` processes on 127.78.X.1-3, formed with swarm init /
#   join over mutual TLS); clients keep creating services through the two followers; kill -9 of the
#   leader's agent; time to the first acknowledged write submitted after the kill, and to a
#   survivor's `node ls` naming a new Leader. The killed manager is restarted and rejoins between
#   rounds. Median, min, max over --rounds.
# - task reschedule: 3 managers + 2 workers per heartbeat period (`trellis agent --heartbeat-period`),
#   a 5-replica service (one task per node), kill -9 of a worker running a replica; time to the
#   worker showing Down in `node ls` (3 missed heartbeats) and to all replicas Running on other nodes.
#   Replacement needs the orchestrator to replace tasks of Down nodes; without it the second figure
#   reads "not observed".
#
# Needs root (tasks run in their own network namespaces). Run it under the shared benchmark lock:
# `flock /tmp/trellis-bench.lock perf/bench-cluster.sh`. Uses no lab namespace. Everything lives under
# perf/target/cluster-bench-PID; an EXIT trap stops every agent it started (by the PID each one wrote,
# checked against its command line), kills task processes left by killed agents, deletes their task
# namespaces and the directory, also on Ctrl-C or error.
set -euo pipefail

# shellcheck source=lib/cluster-bench.sh
. "$(dirname "$0")/lib/cluster-bench.sh" # die, need_java, build_if_stale, run/stop_child, private_jars, host facts

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds=5 resched_rounds=3 heartbeats=500ms,5s failover=true
while (($#)); do
  case "$1" in
    --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
    --resched-rounds) resched_rounds="${2:?--resched-rounds needs a value}"; shift 2 ;;
    --heartbeats) heartbeats="${2:?--heartbeats needs a value}"; shift 2 ;;
    --skip-failover) failover=false; shift ;;
    *) die "unknown option $1: allowed are --rounds, --resched-rounds, --heartbeats, --skip-failover" ;;
  esac
done
[[ $EUID -eq 0 ]] || die "needs root: tasks run in network namespaces"
need_java

build_if_stale # perf/target/benchmarks.jar and the agent jar, when a source is newer

work="$root/perf/target/cluster-bench-$$"
cleanup() {
  stop_child
  if [[ -d $work/run ]]; then
    java -cp "$work/benchmarks.jar" io.trellis.perf.cluster.ClusterBench cleanup --dir "$work/run" >&2 \
      || echo "bench-cluster: cleanup of $work/run failed; agents may still run (see $work/run/*/agent.pid)" >&2
  fi
  [[ -d $work/run ]] || rm -rf "$work"
}
trap cleanup EXIT
# fd 3 is the script's own stderr: a trap runs under the redirections of the command it interrupted.
exec 3>&2
trap 'echo "bench-cluster: interrupted; cleaned up" >&3; exit 130' INT
trap 'echo "bench-cluster: terminated; cleaned up" >&3; exit 143' TERM
# Private copies, so a concurrent build cannot change the jars under the running JVMs.
private_jars

echo "## host"
echo
host_date_line
echo "- $(nproc) CPUs; $(systemd-detect-virt 2>/dev/null || echo 'virt: unknown'); kernel $(uname -r); $(java -version 2>&1 | head -1)"
echo "- agents: $(unzip -p "$work/trellis.jar" META-INF/MANIFEST.MF 2>/dev/null | grep -i '^Implementation-Version' | tr -d '\r' || true) JVM flags -XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1 (the lab's); Raft election timeout 400–800 ms (RaftConfiguration defaults)"
echo "- load average at the start: $(load_avg)"
if $failover; then
  echo
  echo "## leader failover (3 managers, kill -9 of the leader while writing)"
  echo
  run java -cp "$work/benchmarks.jar" io.trellis.perf.cluster.ClusterBench failover --jar "$work/trellis.jar" \
    --dir "$work/run/failover" --rounds "$rounds" 2>>"$work/cluster.log" \
    || { grep -v 'level=info' "$work/cluster.log" | tail -n 30 >&2; die "failover failed (last lines above)"; }
  echo
  echo "load average after failover: $(load_avg)"
fi
echo
echo "## task reschedule (3 managers + 2 workers, kill -9 of a worker running a replica)"
echo
run java -cp "$work/benchmarks.jar" io.trellis.perf.cluster.ClusterBench reschedule --jar "$work/trellis.jar" \
  --dir "$work/run/reschedule" --rounds "$resched_rounds" --heartbeats "$heartbeats" 2>>"$work/cluster.log" \
  || { grep -v 'level=info' "$work/cluster.log" | tail -n 30 >&2; die "reschedule failed (last lines above)"; }
echo
echo "load average at the end: $(load_avg)"
rm -rf "$work/run"
