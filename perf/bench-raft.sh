#!/usr/bin/env bash
# Raft write throughput of the cluster store (issue 6 item 9), two ways, each reported on its own:
#
#   perf/bench-raft.sh [--seconds 10] [--warmup 3] [--in-flight 64] [--batches 16,64]
#                      [--lab] [--clients 1,4,16]
#
# (a) always: RaftWriteBench — three managers in one JVM exactly as `trellis agent` wires one
#     (ManagerNode: ClusterStore, EncryptedLog sealing each entry, Ratis over gRPC with mutual TLS on
#     127.0.0.1, log fsync'd under perf/target/raft-bench) — synchronous single writes, pipelined
#     single writes, and N ops per StoreBatch, via the leader and via a follower. Also the disk's
#     own append+fdatasync rate, the ceiling for synchronous writes.
# (b) with --lab (root): `trellis lab up --nodes 3 --managers 3`, then concurrent `service create`
#     (--replicas 0) requests on node1's admin socket (the leader, swarm init ran there) and on
#     node2's (a follower, which forwards to the leader); acknowledged writes/s. Holds
#     /tmp/trellis-lab.lock for the whole lab part and refuses to run if a lab is already up.
#
# Run it under the shared benchmark lock: `flock /tmp/trellis-bench.lock perf/bench-raft.sh --lab`.
# Builds perf/target/benchmarks.jar (and the agent jar) when stale. An EXIT trap removes the Raft
# logs, takes the lab down and deletes the private jar copy, also on Ctrl-C or error.
set -euo pipefail

# shellcheck source=lib/cluster-bench.sh
. "$(dirname "$0")/lib/cluster-bench.sh" # die, need_java, build_if_stale, run/stop_child, private_jars, host facts

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds=10 warmup=3 inflight=64 batches=16,64 lab=false clients=1,4,16
while (($#)); do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a value}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs a value}"; shift 2 ;;
    --in-flight) inflight="${2:?--in-flight needs a value}"; shift 2 ;;
    --batches) batches="${2:?--batches needs a value}"; shift 2 ;;
    --clients) clients="${2:?--clients needs a value}"; shift 2 ;;
    --lab) lab=true; shift ;;
    *) die "unknown option $1: allowed are --seconds, --warmup, --in-flight, --batches, --lab, --clients" ;;
  esac
done
need_java
if $lab; then
  [[ $EUID -eq 0 ]] || die "--lab needs root (the lab creates network namespaces)"
  command -v flock >/dev/null || die "'flock' is missing: apt-get install -y util-linux"
fi

build_if_stale # perf/target/benchmarks.jar and the agent jar, when a source is newer

work="$root/perf/target/raft-bench-$$"
lab_up=false
cleanup() {
  stop_child
  if $lab_up; then
    java -jar "$work/trellis.jar" lab down >/dev/null 2>&1 || echo "bench-raft: 'lab down' failed; run: trellis lab down" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# fd 3 is the script's own stderr: a trap runs under the redirections of the command it interrupted.
exec 3>&2
trap 'echo "bench-raft: interrupted; cleaned up" >&3; exit 130' INT
trap 'echo "bench-raft: terminated; cleaned up" >&3; exit 143' TERM
# Private copies: a build started by anyone during the run can neither rebuild nor rewrite the jars
# under the running JVMs (the lab's agents run from the jar that ran `lab up`).
private_jars

echo "## host"
echo
host_date_line
echo "- $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(systemd-detect-virt 2>/dev/null || echo 'virt: unknown'); kernel $(uname -r); $(java -version 2>&1 | head -1)"
echo "- disk under perf/target: $(df -T "$root/perf/target" | awk 'NR==2 {print $1, $2}')"
echo "- load average at the start: $(load_avg)"
echo
echo "## (a) store path, 3 managers in one JVM"
echo
run java -Xmx1g -cp "$work/benchmarks.jar" io.trellis.perf.raft.RaftWriteBench --dir "$work/raft" \
  --seconds "$seconds" --warmup "$warmup" --in-flight "$inflight" --batches "$batches" 2>"$work/raft.log" \
  || { tail -n 30 "$work/raft.log" >&2; die "RaftWriteBench failed (last lines above)"; }
echo
echo "load average after (a): $(load_avg)"

if $lab; then
  exec {lock}>/tmp/trellis-lab.lock
  flock -w 900 "$lock" || die "waited 15 min for /tmp/trellis-lab.lock; someone else is using the lab"
  if ip netns list | grep -q '^trellis-'; then
    die "a lab is already up ($(ip netns list | grep -o '^trellis-[a-z0-9-]*' | tr '\n' ' ')); not replacing it"
  fi
  echo
  echo "## (b) through the product: 3-manager lab, service create --replicas 0 over the admin socket"
  echo
  lab_up=true
  run java -jar "$work/trellis.jar" lab up --nodes 3 --managers 3 >"$work/lab.log" 2>&1 \
    || { cat "$work/lab.log" >&2; die "lab up failed (output above)"; }
  for node in node1 node2; do
    echo "via $node ($([[ $node == node1 ]] && echo 'leader: swarm init ran there' || echo 'follower: forwards to the leader')):"
    echo
    run java -cp "$work/benchmarks.jar" io.trellis.perf.cluster.ClusterBench writes \
      --hosts "unix:///run/trellis/lab/$node.sock" --clients "$clients" --seconds "$seconds" --warmup "$warmup" \
      2>>"$work/writes.log" || { tail -n 30 "$work/writes.log" >&2; die "the admin write load failed"; }
    echo
  done
  echo "node ls after the run (a leader change during the run would show here):"
  java -jar "$work/trellis.jar" node ls --host unix:///run/trellis/lab/node1.sock | sed 's/^/    /'
  echo "load average after (b): $(load_avg)"
fi
