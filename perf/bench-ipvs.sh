#!/usr/bin/env bash
# A published port through IPVS (--lb ipvs) against the user-space relay (--lb userspace), same run.
#
#   sudo perf/bench-ipvs.sh [--duration 15] [--warmup 5] [--connections 16] [--rounds 1] [--reconnect] [--where auto|host|vm]
#
# The same port (192.168.60.1:8080, two one-worker nginx tasks behind it) is served in turn through
# the kernel's IPVS, programmed by the agent's own IpvsBalancer (IngressLink into the ingress sandbox,
# then IpvsPublishedPorts), and through the agent's RoutingMesh with backend sockets made in the
# sandbox. `trellis loadtest -c C` from a client namespace measures each: req/s, p50/p99, errors, and
# the ratio IPVS / user space. Keep-alive connections by default (the per-packet path); --reconnect
# makes a new connection per request (IPVS's connection setup against the relay's accept + connect).
# perf/lib/ipvs-paths.sh builds the namespaces and measures.
#
# Where: --where auto (the default) runs on this host when its kernel has IPVS (/sys/module/ip_vs,
# or `modprobe ip_vs` succeeds): that is the real benchmark. Otherwise it runs inside Debian's kernel
# under QEMU (io.trellis.perf.ipvs.InKernelVm, the testing module's KernelVm): without KVM that is
# TCG emulation, where the numbers say that both paths work under the same load and nothing about
# a real host. --where host insists on the host, --where vm on the VM. About 3.5 min in the VM with
# the defaults on a busy 2-core host (the boot, the driver's cold JVM and four load-test JVMs).
#
# Safety: everything happens in network namespaces named tipvs-*-PID (on the host too, so neither the
# host's IPVS table nor its addresses are touched; only the ip_vs module may get loaded); every wait
# is bounded; EXIT traps stop nginx and the JVMs by PID, delete the namespaces and the private jar
# copies, on success, failure or Ctrl-C.
set -euo pipefail

duration=15
warmup=5
connections=16
rounds=1
reconnect=0
where=auto

# shellcheck source=lib/netns-bench.sh
. "$(dirname "$0")/lib/netns-bench.sh" # die, parse_args, install_pkg
# shellcheck source=lib/cluster-bench.sh
. "$(dirname "$0")/lib/cluster-bench.sh" # build_if_stale, private_jars, run/stop_child, host_date_line, load_avg
rest=() # the numeric options, for parse_args
while (($#)); do
  case "$1" in
    --reconnect) reconnect=1 ;;
    --where)
      [[ ${2-} =~ ^(auto|host|vm)$ ]] || die "--where must be auto, host or vm; usage: $(usage)"
      where="$2"
      shift
      ;;
    *) rest+=("$1") ;;
  esac
  shift
done
parse_args --duration=duration:1:120 --warmup=warmup:0:60 --connections=connections:1:1000 \
  --rounds=rounds:1:9 -- "${rest[@]}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

((EUID == 0)) || die "must run as root (it creates network namespaces and programs IPVS): sudo perf/$bench.sh"
command -v ip >/dev/null || die "'ip' is missing: apt-get install -y iproute2"
need_java
install_pkg jq jq
install_pkg nginx nginx # the two tasks (perf/lib/ipvs-paths.sh says why not a JVM)

host_has_ipvs() { # host_has_ipvs: true when this kernel has IPVS, loading the module if it is one
  [[ -d /sys/module/ip_vs ]] || modprobe -q ip_vs 2>/dev/null
}
in_vm=1
if [[ $where != vm ]] && host_has_ipvs; then
  in_vm=0
elif [[ $where == host ]]; then
  die "this kernel has no IPVS (no /sys/module/ip_vs, modprobe ip_vs fails): run it where it has, or without --where host"
fi

build_if_stale
work="$root/perf/target/ipvs-bench-$$" # on the root file system: the VM sees it through its read-only share
trap 'stop_child; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
private_jars

echo "## Published port: IPVS against the user-space relay"
echo
host_date_line
echo "- host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), kernel $(uname -r)," \
  "$(systemd-detect-virt 2>/dev/null || echo "virt unknown"), $(java -version 2>&1 | head -1)"
echo "- host load average before: $(load_avg)"
echo "- busiest processes before: $(ps -eo pcpu,comm --sort=-pcpu | sed -n '2,5p' | awk '{printf "%s%s %s%%", (NR > 1 ? ", " : ""), $2, $1}')"

args=(--jars "$work" --duration "$duration" --warmup "$warmup" --connections "$connections" --rounds "$rounds"
  --reconnect "$reconnect")
if ((in_vm)); then
  kvm="no KVM: TCG emulation, the guest's kernel and JVMs run emulated"
  [[ -w /dev/kvm ]] && grep -qwE 'vmx|svm' /proc/cpuinfo && kvm="KVM"
  echo "- where: inside Debian's kernel $(ls /boot | sed -n 's/^vmlinuz-//p' | sort -V | tail -1) under QEMU (2 vCPUs, 2 GB; $kvm)"
  echo "  — this host's kernel has no IPVS. The real benchmark needs a host whose kernel has IPVS."
  # C1 only: C2's compilations under emulation would take most of the run (the VM tests use the same flags).
  args+=(--jvm "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m ${TRELLIS_JAVA_OPTS:-}")
  timeout=$((180 + rounds * 2 * (duration + warmup + 60)))
  rc=0
  run java -cp "$work/benchmarks.jar" io.trellis.perf.ipvs.InKernelVm --timeout "$timeout" -- \
    bash perf/lib/ipvs-paths.sh "${args[@]}" --progress /dev/console || rc=$?
  ((rc != 3)) || die "no VM can start here (line above) and this kernel has no IPVS"
else
  echo "- where: this host's kernel ($(uname -r)), in network namespaces"
  args+=(--jvm "${TRELLIS_JAVA_OPTS:-}")
  rc=0
  run bash perf/lib/ipvs-paths.sh "${args[@]}" || rc=$?
fi
echo
echo "- host load average after: $(load_avg)"
((rc == 0)) || die "the measurement failed (exit $rc, output above)"
