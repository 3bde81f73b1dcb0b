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
# measured in the same run (STYLE.md §4). "receive-nic" repeats "receive" with the veth made to act
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

usage() {
  sed -n '4p' "$0" | sed 's/^#  *//'
}
die() {
  echo "bench-overlay: $*" >&2
  exit 1
}
# shellcheck source=lib/netns-bench.sh
. "$(dirname "$0")/lib/netns-bench.sh"

while (($#)); do
  case $1 in
    --duration) int_arg --duration "${2-}" 1 300; duration=$2; shift 2 ;;
    --repeat) int_arg --repeat "${2-}" 1 20; repeat=$2; shift 2 ;;
    --udp-duration) int_arg --udp-duration "${2-}" 1 300; udp_duration=$2; shift 2 ;;
    -h | --help) echo "usage: $(usage)"; exit 0 ;;
    *) die "unknown argument \"$1\"; usage: $(usage)" ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# ---------------------------------------------------------------- preconditions (one line each)
((EUID == 0)) || die "must run as root (it creates network namespaces): sudo perf/bench-overlay.sh"
command -v ip >/dev/null || die "'ip' is missing: apt-get install -y iproute2"
command -v ss >/dev/null || die "'ss' is missing: apt-get install -y iproute2"
command -v java >/dev/null || die "'java' is missing: install a JDK 17 (apt-get install -y openjdk-17-jdk-headless)"
command -v timeout >/dev/null || die "'timeout' is missing: apt-get install -y coreutils"
[[ -x ./trellis ]] || die "./trellis is missing: run this from a Trellis checkout"
install_pkg() { # install_pkg COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  echo "bench-overlay: installing $2 (apt-get install -y $2)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "$2" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$2" >/dev/null 2>&1; } || true
  command -v "$1" >/dev/null || die "'$1' is missing and 'apt-get install -y $2' failed"
}
install_pkg iperf3 iperf3
install_pkg jq jq
install_pkg ethtool ethtool

./trellis --version >/dev/null || die "building the agent jar failed: run ./trellis --version to see why"
# ---------------------------------------------------------------- names, state, teardown
A="tperf-a-$$"
B="tperf-b-$$"
UA=192.0.2.1 UB=192.0.2.2        # underlay (veth)
OA=198.51.100.1 OB=198.51.100.2  # overlay
VNI=42
MTU=1450
work="$(mktemp -d /tmp/tperf.XXXXXX)"
results="$work/results"
: >"$results"
tunnel_pid=""
server_pid=""
cleaned=""

cleanup() {
  [[ -n $cleaned ]] && return 0
  cleaned=1
  stop_pid "$server_pid" TERM
  stop_pid "$tunnel_pid" TERM
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "bench-overlay: interrupted; cleaned up" >&2; exit 130' INT
trap 'echo "bench-overlay: terminated; cleaned up" >&2; exit 143' TERM

ip netns list | grep -q -e "^$A\b" -e "^$B\b" && die "network namespace $A or $B already exists"

# The tunnel runs from a copy of the jar, not through ./trellis: a build started by anyone during
# the run (the launcher rebuilds when a source is newer) would otherwise rewrite the jar under the JVM.
jar="$work/trellis.jar"
cp "$root/agent/target/trellis.jar" "$jar"

# ---------------------------------------------------------------- measurement helpers
clk_tck="$(getconf CLK_TCK)"

# iperf NAME DIR REP CLIENT_NS SERVER_NS DST tcp|udp|warmup
# Appends "kind name dir rep value bytes sys_ticks jvm_ticks" to $results (value: Gb/s or pps).
iperf() {
  local name=$1 dir=$2 rep=$3 cns=$4 sns=$5 dst=$6 kind=$7 t args=() out="$work/iperf.json"
  case $kind in
    tcp) t=$duration ;;
    udp) t=$udp_duration; args=(-u -l 64 -b 0) ;;
    warmup) t=2 ;;
  esac
  ip netns exec "$sns" iperf3 -s -1 >/dev/null 2>&1 &
  server_pid=$!
  wait_listen "$sns" || { stop_pid "$server_pid" TERM; server_pid=""; echo "   $name $dir: iperf3 server did not start" >&2; return 1; }
  local s0 j0 s1 j1 ok=1
  s0=$(sys_busy); j0=$(proc_ticks "$tunnel_pid")
  timeout $((t + 20)) ip netns exec "$cns" iperf3 -c "$dst" -t "$t" -J "${args[@]}" >"$out" 2>&1 || ok=""
  s1=$(sys_busy); j1=$(proc_ticks "$tunnel_pid")
  stop_pid "$server_pid" TERM
  server_pid=""
  [[ $kind == warmup ]] && return 0
  local value bytes
  if [[ -n $ok ]]; then
    if [[ $kind == tcp ]]; then
      value=$(jq -r '.end.sum_received.bits_per_second / 1e9' "$out" 2>/dev/null || true)
      bytes=$(jq -r '.end.sum_received.bytes' "$out" 2>/dev/null || true)
    else
      value=$(jq -r '.end.sum_received | (.packets - .lost_packets) / .seconds' "$out" 2>/dev/null || true)
      bytes=$(jq -r '.end.sum_received.bytes' "$out" 2>/dev/null || true)
    fi
  fi
  if [[ -z $ok || -z ${value:-} || $value == null ]]; then
    echo "   $name $dir run $rep: FAILED ($(jq -r '.error // empty' "$out" 2>/dev/null || head -c 200 "$out"))" >&2
    echo "$kind $name $dir $rep FAIL 0 0 0" >>"$results"
    return 1
  fi
  echo "$kind $name $dir $rep $value $bytes $((s1 - s0)) $((j1 - j0))" >>"$results"
  if [[ $kind == tcp ]]; then
    printf '   %-14s %-11s run %d: %6.2f Gb/s\n' "$name" "$dir" "$rep" "$value"
  else
    printf '   %-14s %-11s run %d: %9.0f pps\n' "$name" "$dir" "$rep" "$value"
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


kernel_vxlan() { # kernel_vxlan NS DEV LOCAL REMOTE INNER
  ip -n "$1" link add vx0 type vxlan id "$VNI" local "$3" remote "$4" dstport 4789 dev "$2"
  ip -n "$1" addr add "$5/24" dev vx0
  ip -n "$1" link set vx0 mtu "$MTU" up
}

# ---------------------------------------------------------------- topology
ip netns add "$A"
ip netns add "$B"
ip link add va netns "$A" type veth peer name vb netns "$B"
ip -n "$A" link set lo up
ip -n "$B" link set lo up
ip -n "$A" addr add "$UA/24" dev va
ip -n "$B" addr add "$UB/24" dev vb
ip -n "$A" link set va up
ip -n "$B" link set vb up
ping_ok "$A" "$UB" || die "the veth between $A and $B does not pass traffic"

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

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
n_tcp=$((1 + 3 + 3 * ${#modes[@]}))
n_udp=$((2 + 2 * ${#modes[@]}))
est=$((n_tcp * repeat * (duration + 1) + n_udp * repeat * (udp_duration + 1) + 12 * ${#modes[@]}))
echo "bench-overlay: $(nproc) CPUs, $(uname -r), load average $load_start; "\
"Trellis modes: ${modes[*]}; about $((est / 60)) min $((est % 60)) s"
echo "   (TCP: iperf3 -t $duration x $repeat; UDP: iperf3 -u -l 64 -b 0 -t $udp_duration x $repeat)"

# (a) the raw underlay, one direction (the veth is symmetric)
echo "== veth underlay"
for ((rep = 1; rep <= repeat; rep++)); do
  iperf veth send "$rep" "$A" "$B" "$UB" tcp || true
done

# (b) kernel VXLAN <-> kernel VXLAN
echo "== kernel VXLAN <-> kernel VXLAN (VNI $VNI, MTU $MTU)"
kernel_vxlan "$A" va "$UA" "$UB" "$OA"
kernel_vxlan "$B" vb "$UB" "$UA" "$OB"
ping_ok "$A" "$OB" || die "kernel VXLAN between the namespaces does not pass traffic"
measure kernel
ip -n "$A" link del vx0

# (c) Trellis in A <-> kernel VXLAN in B; B's device is recreated so it forgets A's old MAC.
start_tunnel() { # start_tunnel MODE LOG
  local flags=() i
  [[ $1 != none ]] && flags=(--offloads "$1")
  # shellcheck disable=SC2086
  ip netns exec "$A" java ${TRELLIS_JAVA_OPTS:-} -jar "$jar" vxlan-tunnel --vni "$VNI" --local "$UA" \
    --remote "$UB" --tap tv0 --inner-addr "$OA/24" --mtu "$MTU" "${flags[@]}" >"$2" 2>&1 &
  tunnel_pid=$!
  for ((i = 0; i < 300; i++)); do
    grep -q '^tunnel up' "$2" && return 0
    kill -0 "$tunnel_pid" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}
for mode in "${modes[@]}"; do
  [[ $mode == none ]] && name=trellis || name="trellis-$mode"
  echo "== Trellis vxlan-tunnel in A <-> kernel VXLAN in B ($([[ $mode == none ]] && echo "no --offloads flag yet" || echo "--offloads $mode"))"
  ip -n "$B" link del vx0
  kernel_vxlan "$B" vb "$UB" "$UA" "$OB"
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
# stats KIND NAME DIR -> "median min max n sum_bytes sum_sys sum_jvm" over the successful runs
stats() {
  awk -v k="$1" -v n="$2" -v d="$3" '$1==k && $2==n && $3==d && $5!="FAIL" {
      v[c++]=$5; b+=$6; s+=$7; j+=$8 }
    END {
      if (c==0) { print "- - - 0 0 0 0"; exit }
      for (i=0;i<c;i++) for (x=i+1;x<c;x++) if (v[x]<v[i]) { t=v[i]; v[i]=v[x]; v[x]=t }
      med = (c%2) ? v[int(c/2)] : (v[c/2-1]+v[c/2])/2
      printf "%s %s %s %d %.0f %.0f %.0f\n", med, v[0], v[c-1], c, b, s, j }' "$results"
}
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
    ratio=$(awk -v a="$med" -v b="$kmed" 'BEGIN{ if (b=="-"||b==0) print "-"; else printf "%.2fx", a/b }')
    hs=$(awk -v t="$sys" -v b="$bytes" -v hz="$clk_tck" 'BEGIN{ printf "%.2f", (t/hz)/(b/1e9) }')
    js=$([[ $name == trellis* ]] && awk -v t="$jvm" -v b="$bytes" -v hz="$clk_tck" 'BEGIN{ printf "%.2f", (t/hz)/(b/1e9) }' || echo "-")
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
    ratio=$(awk -v a="$med" -v b="$kmed" 'BEGIN{ if (b=="-"||b==0) print "-"; else printf "%.2fx", a/b }')
    printf '%-34s %-8s %10.0f %21s %9s\n' "$(label "$name")" "$dir" "$med" "$(printf '%.0f-%.0f' "$lo" "$hi")" "$ratio"
  done
done

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (at the start: $load_start)"
if grep -q ' FAIL ' "$results"; then
  echo
  die "$(grep -c ' FAIL ' "$results") iperf3 run(s) failed (see the lines marked FAILED above)"
fi
