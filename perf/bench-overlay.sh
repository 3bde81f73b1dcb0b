#!/usr/bin/env bash
# End-to-end overlay throughput: Trellis `vxlan-tunnel` against Linux kernel VXLAN, in one run.
#
#   sudo perf/bench-overlay.sh [--duration 10] [--repeat 3] [--udp-duration 3]
#
# Two network namespaces (tperf-a-PID, tperf-b-PID) joined by a veth with its default offloads;
# underlay 192.0.2.0/24 (RFC 5737), overlay 198.51.100.0/24, VNI 42, UDP 4789, overlay MTU 1450.
# Single-stream iperf3 TCP over (a) the raw veth, (b) kernel VXLAN <-> kernel VXLAN, (c) Trellis in A
# <-> kernel VXLAN in B, both directions ("send": client in A, Trellis encapsulates; "receive":
# client in B, Trellis decapsulates), median of --repeat runs, with the ratio against kernel VXLAN
# measured in the same run. "receive-nic" repeats "receive" with the veth made to act
# like NICs (B segments before the wire, A runs GRO): with the veth's defaults a kernel VXLAN sender
# hands the receiving UDP socket un-segmented datagrams of up to 64 KB, which no NIC would deliver.
# Then 64-byte UDP packets/s at the receiver, and CPU
# seconds per GB moved: the Trellis JVM's utime+stime (/proc/PID/stat) and the whole host's busy
# jiffies (/proc/stat). If `trellis vxlan-tunnel` has --offloads, Trellis runs twice: --offloads off
# and --offloads on (or auto, where the command spells it so).
#
# Safety: every packet stays inside the two namespaces this script creates; nothing touches the
# host's interfaces; every wait is bounded; an EXIT trap stops what it started (by PID) and deletes
# both namespaces on success, failure or Ctrl-C. See perf/README.md.
set -euo pipefail

duration=10
repeat=3
udp_duration=3

# shellcheck source=lib/netns-bench.sh
. "$(dirname "$0")/lib/netns-bench.sh"
parse_args --duration=duration:1:300 --repeat=repeat:1:20 --udp-duration=udp_duration:1:300 -- "$@"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# ---------------------------------------------------------------- preconditions (one line each)
preconditions # root, ip, ss, java, timeout, ./trellis; iperf3 and jq installed when missing
install_pkg ethtool ethtool

./trellis --version >/dev/null || die "building the agent jar failed: run ./trellis --version to see why"
# ---------------------------------------------------------------- names, state, teardown
netns_state tperf # namespaces tperf-a-PID and tperf-b-PID, addresses, VNI 42, $work, $results
MTU=1450
tunnel_pid=""

cleanup() { # EXIT trap: stops iperf3 and the tunnel (by PID), deletes both namespaces and $work
  netns_cleanup "$server_pid" "$tunnel_pid"
}
trap cleanup EXIT
trap 'echo "bench-overlay: interrupted; cleaned up" >&2; exit 130' INT
trap 'echo "bench-overlay: terminated; cleaned up" >&2; exit 143' TERM

# The tunnel runs from a copy of the jar, not through ./trellis: a build started by anyone during
# the run (the launcher rebuilds when a source is newer) would otherwise rewrite the jar under the JVM.
jar="$work/trellis.jar"
cp "$root/agent/dist/target/trellis.jar" "$jar"

# ---------------------------------------------------------------- measurement helpers
# iperf NAME DIR REP CLIENT_NS SERVER_NS DST tcp|udp|warmup
# Appends "kind name dir rep value bytes sys_ticks jvm_ticks" to $results (value: Gb/s or pps).
iperf() {
  local name=$1 dir=$2 rep=$3 kind=$7 t args=() jq_value='.end.sum_received.bits_per_second / 1e9'
  case $kind in
    tcp) t=$duration ;;
    udp) t=$udp_duration; args=(-u -l 64 -b 0); jq_value='.end.sum_received | (.packets - .lost_packets) / .seconds' ;;
    warmup) t=2 ;;
  esac
  iperf_run "$4" "$5" "$6" "$t" "$name $dir" "$tunnel_pid" "${args[@]}" || return 1
  [[ $kind == warmup ]] && return 0
  iperf_record "$kind $name $dir" "$rep" "$jq_value" "$name $dir" || return 1
  if [[ $kind == tcp ]]; then
    printf '   %-14s %-11s run %d: %6.2f Gb/s\n' "$name" "$dir" "$rep" "$run_value"
  else
    printf '   %-14s %-11s run %d: %9.0f pps\n' "$name" "$dir" "$rep" "$run_value"
  fi
}

# nic_like on|off: "on" makes the veth act more like a pair of NICs for traffic from B to A: B's
# kernel segments tunnelled TCP before the wire (tso and tx-udp_tnl-segmentation off on vb), so only
# MTU-sized VXLAN packets cross, and A's side runs NAPI GRO on them (gro on on va; veth takes the
# NAPI path only for packets from a peer without TSO). "off" restores the veth defaults: tunnel GSO
# skbs of up to 64 KB cross whole, no GRO on va.
nic_like() {
  local seg=on gro=off
  [[ $1 == on ]] && seg=off gro=on
  ip netns exec "$B" ethtool -K vb tso "$seg" tx-udp_tnl-segmentation "$seg" tx-udp_tnl-csum-segmentation "$seg" \
    >/dev/null 2>&1 || die "ethtool -K vb tso $seg tx-udp_tnl-segmentation $seg failed in $B"
  ip netns exec "$A" ethtool -K va gro "$gro" >/dev/null 2>&1 || die "ethtool -K va gro $gro failed in $A"
}

# run_dir NAME DIR REP KIND: send = client in A (to B's overlay address), receive* = client in B
run_dir() {
  if [[ $2 == send ]]; then iperf "$1" "$2" "$3" "$A" "$B" "$OB" "$4" || true
  else iperf "$1" "$2" "$3" "$B" "$A" "$OA" "$4" || true; fi
}

# measure NAME: TCP send, receive, receive-nic, then UDP send and receive; --repeat times each.
measure() {
  local name=$1 dir rep
  if [[ $name == trellis* ]]; then # JIT warm-up of both paths, not recorded
    run_dir "$name" send 0 warmup
    nic_like on
    run_dir "$name" receive 0 warmup
    nic_like off
  fi
  for dir in send receive receive-nic; do
    [[ $dir == receive-nic ]] && nic_like on
    for ((rep = 1; rep <= repeat; rep++)); do run_dir "$name" "$dir" "$rep" tcp; done
    [[ $dir == receive-nic ]] && nic_like off
  done
  for dir in send receive; do
    for ((rep = 1; rep <= repeat; rep++)); do run_dir "$name" "$dir" "$rep" udp; done
  done
}

# ---------------------------------------------------------------- topology
veth_pair # namespaces $A and $B, veth va ($UA) - vb ($UB), checked with a ping

# Does vxlan-tunnel have --offloads, and is "enabled" spelled on or auto? Ask --help first. Where
# --help prints no usage (picocli then only reports the missing required options), probe with
# addresses that fail validation, so the command exits before it creates anything — and even so,
# inside namespace A, under a timeout.
tunnel_cli() { # tunnel_cli ARGS...: the command's combined output; never fails
  # shellcheck disable=SC2086
  timeout 30 ip netns exec "$A" java ${TRELLIS_JAVA_OPTS:-} -jar "$jar" vxlan-tunnel "$@" 2>&1 || true
}
tunnel_help="$(tunnel_cli --help)"
offloads_flag=""
if grep -q -- '--offloads' <<<"$tunnel_help"; then
  offloads_flag=1
elif ! grep -qi '^usage' <<<"$tunnel_help" &&
  ! grep -qi 'unknown option' <<<"$(tunnel_cli --vni 42 --local invalid --remote invalid --tap tperfprobe \
    --inner-addr invalid --offloads off)"; then
  offloads_flag=1
  echo "bench-overlay: note: 'trellis vxlan-tunnel --help' prints no usage; --offloads found by probing" >&2
fi
if [[ -n $offloads_flag ]]; then
  enabled=on
  if grep -A3 -- '--offloads' <<<"$tunnel_help" | grep -qw auto ||
    grep -qi 'offload.*auto' <<<"$(tunnel_cli --vni 42 --local invalid --remote invalid --tap tperfprobe \
      --inner-addr 203.0.113.1/24 --offloads on)"; then
    enabled=auto # the engine spells "enabled" as auto (auto|off)
  fi
  modes=(off "$enabled")
else
  modes=(none) # no flag yet: whatever the tunnel does by default
fi

load_start="$(load_avg)"
n_tcp=$((1 + 3 + 3 * ${#modes[@]}))
n_udp=$((2 + 2 * ${#modes[@]}))
est=$((n_tcp * repeat * (duration + 1) + n_udp * repeat * (udp_duration + 1) + 12 * ${#modes[@]}))
echo "bench-overlay: $(nproc) CPUs, $(uname -r), load average $load_start;" \
  "Trellis modes: ${modes[*]}; about $((est / 60)) min $((est % 60)) s"
echo "   (TCP: iperf3 -t $duration x $repeat; UDP: iperf3 -u -l 64 -b 0 -t $udp_duration x $repeat)"

# (a) the raw underlay, one direction (the veth is symmetric)
echo "== veth underlay"
for ((rep = 1; rep <= repeat; rep++)); do
  iperf veth send "$rep" "$A" "$B" "$UB" tcp || true
done

# (b) kernel VXLAN <-> kernel VXLAN
echo "== kernel VXLAN <-> kernel VXLAN (VNI $VNI, MTU $MTU)"
kernel_vxlan "$A" va "$UA" "$UB" "$OA" "$MTU"
kernel_vxlan "$B" vb "$UB" "$UA" "$OB" "$MTU"
ping_ok "$A" "$OB" || die "kernel VXLAN between the namespaces does not pass traffic"
measure kernel
ip -n "$A" link del vx0

# (c) Trellis in A <-> kernel VXLAN in B; B's device is recreated so it forgets A's old MAC.
start_tunnel() { # start_tunnel MODE LOG: the tunnel in A, $tunnel_pid; up to 30 s for it to come up
  local flags=()
  [[ $1 != none ]] && flags=(--offloads "$1")
  # shellcheck disable=SC2086
  ip netns exec "$A" java ${TRELLIS_JAVA_OPTS:-} -jar "$jar" vxlan-tunnel --vni "$VNI" --local "$UA" \
    --remote "$UB" --tap tv0 --inner-addr "$OA/24" --mtu "$MTU" "${flags[@]}" >"$2" 2>&1 &
  tunnel_pid=$!
  await_up "$2" "$tunnel_pid"
}
for mode in "${modes[@]}"; do
  [[ $mode == none ]] && name=trellis || name="trellis-$mode"
  echo "== Trellis vxlan-tunnel in A <-> kernel VXLAN in B ($([[ $mode == none ]] && echo "no --offloads flag yet" || echo "--offloads $mode"))"
  ip -n "$B" link del vx0
  kernel_vxlan "$B" vb "$UB" "$UA" "$OB" "$MTU"
  log="$work/tunnel-$mode.log"
  start_tunnel "$mode" "$log" || { cat "$log" >&2; die "trellis vxlan-tunnel did not come up (log above)"; }
  echo "   $(grep '^tunnel up' "$log")"
  ping_ok "$A" "$OB" || { stop_pid "$tunnel_pid" TERM; cat "$log" >&2; die "no ping through the Trellis tunnel (log above)"; }
  measure "$name"
  stop_pid "$tunnel_pid" TERM
  tunnel_pid=""
  echo "   counters after SIGTERM:"
  grep -E '^(tap->vtep|drops):' "$log" | sed 's/^/     /' || echo "     (the tunnel printed no counters)"
done

# ---------------------------------------------------------------- report
# stats KIND NAME DIR (the lib's) -> "median min max n sum_bytes sum_sys sum_jvm" over the successful runs
label() {
  case $1 in
    veth) echo "veth underlay" ;;
    kernel) echo "kernel VXLAN <-> kernel VXLAN" ;;
    trellis) echo "Trellis <-> kernel VXLAN" ;;
    trellis-*) echo "Trellis --offloads ${1#trellis-} <-> kernel" ;;
  esac
}
names=(veth kernel)
for mode in "${modes[@]}"; do
  [[ $mode == none ]] && names+=(trellis) || names+=("trellis-$mode")
done

echo
echo "TCP, one stream: iperf3 -t $duration, median of $repeat (min-max); ratio = median / kernel VXLAN median, same direction"
echo "send: iperf3 client in A (Trellis encapsulates); receive: client in B (Trellis decapsulates); receive-nic: the same"
echo "  with the veth made NIC-like for B->A: tso and tx-udp_tnl-segmentation off on B's side (only MTU-sized VXLAN"
echo "  packets cross) and GRO on A's side. With the veth's defaults B hands A unsegmented datagrams of up to 64 KB."
echo "CPU s/GB: host = /proc/stat busy jiffies / GB received (everything: iperf3, kernel, JVM); JVM = Trellis utime+stime / GB"
printf '%-34s %-11s %7s %15s %9s %10s %10s\n' path direction "Gb/s" "min-max" "vs kernel" "host s/GB" "JVM s/GB"
for name in "${names[@]}"; do
  for dir in send receive receive-nic; do
    [[ $name == veth && $dir != send ]] && continue
    read -r med lo hi cnt bytes sys jvm <<<"$(stats tcp "$name" "$dir")"
    read -r kmed _ <<<"$(stats tcp kernel "$dir")"
    if ((cnt == 0)); then
      printf '%-34s %-11s %7s\n' "$(label "$name")" "$dir" "FAIL"
      continue
    fi
    ratio=$(ratio_of "$med" "$kmed")
    hs=$(per_gb "$sys" "$bytes")
    js=$([[ $name == trellis* ]] && per_gb "$jvm" "$bytes" || echo "-")
    printf '%-34s %-11s %7.2f %15s %9s %10s %10s\n' "$(label "$name")" "$dir" "$med" \
      "$(printf '%.2f-%.2f' "$lo" "$hi")" "$ratio" "$hs" "$js"
  done
done

echo
echo "UDP, 64-byte payloads: iperf3 -u -l 64 -b 0 -t $udp_duration, packets/s counted at the receiver, median of $repeat (min-max)"
printf '%-34s %-8s %10s %21s %9s\n' path direction "pps" "min-max" "vs kernel"
for name in "${names[@]}"; do
  [[ $name == veth ]] && continue
  for dir in send receive; do
    read -r med lo hi cnt _ <<<"$(stats udp "$name" "$dir")"
    read -r kmed _ <<<"$(stats udp kernel "$dir")"
    if ((cnt == 0)); then
      printf '%-34s %-8s %10s\n' "$(label "$name")" "$dir" "FAIL"
      continue
    fi
    ratio=$(ratio_of "$med" "$kmed")
    printf '%-34s %-8s %10.0f %21s %9s\n' "$(label "$name")" "$dir" "$med" "$(printf '%.0f-%.0f' "$lo" "$hi")" "$ratio"
  done
done

echo
echo "load average at the end: $(load_avg) (at the start: $load_start)"
if grep -q ' FAIL ' "$results"; then
  echo
  die "$(grep -c ' FAIL ' "$results") iperf3 run(s) failed (see the lines marked FAILED above)"
fi
