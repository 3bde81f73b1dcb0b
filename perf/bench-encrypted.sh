#!/usr/bin/env bash
# Encrypted overlay throughput: Trellis ESP against plain Trellis, kernel VXLAN and wireguard-go, in one run.
#
#   sudo perf/bench-encrypted.sh [--duration 10] [--repeat 3]
#
# Two network namespaces (tenc-a-PID, tenc-b-PID) joined by one veth with its default offloads;
# underlay 192.0.2.0/24 (RFC 5737), overlay 198.51.100.0/24. Single-stream iperf3 TCP from A to B
# over, in turn: (1) kernel VXLAN <-> kernel VXLAN (VNI 42, MTU 1450), (2) plain Trellis <-> Trellis
# (`vxlan-tunnel`, UDP 4789, MTU 1450), (3) encrypted Trellis <-> Trellis (`vxlan-tunnel --key-file`,
# ESP in UDP 4500, AES-256-GCM, MTU 1408; the native AES-GCM where the CPU has AVX-512 VAES), (3b) the
# same with -Dtrellis.esp.cipher=jdk (SunJCE, as on CPUs without it), (4) wireguard-go <-> wireguard-go
# (MTU 1420). Median of
# --repeat runs, then the ratios encrypted/plain, encrypted/wireguard-go and encrypted/kernel from the
# same run (STYLE.md §4). Both Trellis ends run with --offloads auto (TAP TSO, UDP GSO/GRO). Each
# Trellis row first runs 2 s of TCP, unrecorded, to warm the JIT. After each Trellis row both tunnels
# get SIGTERM and their counter lines (ESP drops by reason included) are printed.
#
# wireguard-go and wg come from Debian's wireguard-go and wireguard-tools packages, installed with
# apt-get (--no-install-recommends: the tools recommend a kernel image) when missing; if that fails,
# one line says so and the row is skipped.
#
# Safety: every packet stays inside the two namespaces this script creates; nothing touches the
# host's interfaces; every wait is bounded; an EXIT trap stops what it started (by PID) and deletes
# both namespaces on success, failure or Ctrl-C. Run it under `flock /tmp/trellis-bench.lock` on a
# shared machine, so no two benchmarks overlap.
set -euo pipefail

duration=10
repeat=3

usage() {
  sed -n '4p' "$0" | sed 's/^#  *//'
}
die() {
  echo "bench-encrypted: $*" >&2
  exit 1
}
# shellcheck source=lib/netns-bench.sh
. "$(dirname "$0")/lib/netns-bench.sh"

while (($#)); do
  case $1 in
    --duration) int_arg --duration "${2-}" 1 300; duration=$2; shift 2 ;;
    --repeat) int_arg --repeat "${2-}" 1 20; repeat=$2; shift 2 ;;
    -h | --help) echo "usage: $(usage)"; exit 0 ;;
    *) die "unknown argument \"$1\"; usage: $(usage)" ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# ---------------------------------------------------------------- preconditions (one line each)
((EUID == 0)) || die "must run as root (it creates network namespaces): sudo perf/bench-encrypted.sh"
command -v ip >/dev/null || die "'ip' is missing: apt-get install -y iproute2"
command -v ss >/dev/null || die "'ss' is missing: apt-get install -y iproute2"
command -v java >/dev/null || die "'java' is missing: install a JDK 17 (apt-get install -y openjdk-17-jdk-headless)"
command -v timeout >/dev/null || die "'timeout' is missing: apt-get install -y coreutils"
[[ -x ./trellis ]] || die "./trellis is missing: run this from a Trellis checkout"
apt_install() { # apt_install PACKAGE...: quietly, without recommends; never fails
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; } || true
}
install_pkg() { # install_pkg COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  echo "bench-encrypted: installing $2 (apt-get install -y $2)..." >&2
  apt_install "$2"
  command -v "$1" >/dev/null || die "'$1' is missing and 'apt-get install -y $2' failed"
}
install_pkg iperf3 iperf3
install_pkg jq jq
wireguard=1
if ! command -v wireguard-go >/dev/null || ! command -v wg >/dev/null; then
  echo "bench-encrypted: installing wireguard-go wireguard-tools (apt-get install --no-install-recommends)..." >&2
  apt_install wireguard-go wireguard-tools
  if ! command -v wireguard-go >/dev/null || ! command -v wg >/dev/null; then
    echo "bench-encrypted: wireguard-go/wg not installable here (apt-get failed): skipping the wireguard-go row" >&2
    wireguard=""
  fi
fi

./trellis --version >/dev/null || die "building the agent jar failed: run ./trellis --version to see why"

# ---------------------------------------------------------------- names, state, teardown
A="tenc-a-$$"
B="tenc-b-$$"
UA=192.0.2.1 UB=192.0.2.2        # underlay (veth)
OA=198.51.100.1 OB=198.51.100.2  # overlay
VNI=42
work="$(mktemp -d /tmp/tenc.XXXXXX)"
results="$work/results"
: >"$results"
pid_a="" pid_b="" server_pid="" cleaned=""

cleanup() {
  [[ -n $cleaned ]] && return 0
  cleaned=1
  stop_pid "$server_pid" TERM
  stop_pid "$pid_a" TERM
  stop_pid "$pid_b" TERM
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "bench-encrypted: interrupted; cleaned up" >&2; exit 130' INT
trap 'echo "bench-encrypted: terminated; cleaned up" >&2; exit 143' TERM

ip netns list | grep -q -e "^$A\b" -e "^$B\b" && die "network namespace $A or $B already exists"

# A private copy of the jar: a build started by anyone during the run cannot rewrite it under the JVMs.
jar="$work/trellis.jar"
cp "$root/agent/target/trellis.jar" "$jar"

# ---------------------------------------------------------------- measurement helpers
clk_tck="$(getconf CLK_TCK)"

# iperf NAME REP warmup|tcp: client in A to OB, server in B; appends "name rep gbps bytes sys_ticks proc_ticks"
iperf() {
  local name=$1 rep=$2 kind=$3 t=$duration out="$work/iperf.json" s0 j0 s1 j1 ok=1 value bytes
  [[ $kind == warmup ]] && t=2
  ip netns exec "$B" iperf3 -s -1 >/dev/null 2>&1 &
  server_pid=$!
  wait_listen "$B" || { stop_pid "$server_pid" TERM; server_pid=""; echo "   $name: iperf3 server did not start" >&2; return 1; }
  s0=$(sys_busy); j0=$(proc_ticks "$pid_a" "$pid_b")
  timeout $((t + 20)) ip netns exec "$A" iperf3 -c "$OB" -t "$t" -J >"$out" 2>&1 || ok=""
  s1=$(sys_busy); j1=$(proc_ticks "$pid_a" "$pid_b")
  stop_pid "$server_pid" TERM
  server_pid=""
  [[ $kind == warmup ]] && return 0
  if [[ -n $ok ]]; then
    value=$(jq -r '.end.sum_received.bits_per_second / 1e9' "$out" 2>/dev/null || true)
    bytes=$(jq -r '.end.sum_received.bytes' "$out" 2>/dev/null || true)
  fi
  if [[ -z $ok || -z ${value:-} || $value == null ]]; then
    echo "   $name run $rep: FAILED ($(jq -r '.error // empty' "$out" 2>/dev/null || head -c 200 "$out"))" >&2
    echo "$name $rep FAIL 0 0 0" >>"$results"
    return 1
  fi
  echo "$name $rep $value $bytes $((s1 - s0)) $((j1 - j0))" >>"$results"
  printf '   %-22s run %d: %6.2f Gb/s\n' "$name" "$rep" "$value"
}

measure() { # measure NAME [warm]: --repeat recorded runs, after a warm-up when asked
  local rep
  [[ ${2-} == warm ]] && { iperf "$1" 0 warmup || true; }
  for ((rep = 1; rep <= repeat; rep++)); do iperf "$1" "$rep" tcp || true; done
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

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
rows=4
[[ -n $wireguard ]] && rows=5
est=$((rows * repeat * (duration + 1) + 2 * 3 + 20))
echo "bench-encrypted: $(nproc) CPUs, $(uname -r), load average $load_start; about $((est / 60)) min $((est % 60)) s"
echo "   (TCP A -> B: iperf3 -t $duration x $repeat, one stream)"

# (1) kernel VXLAN <-> kernel VXLAN
echo "== kernel VXLAN <-> kernel VXLAN (VNI $VNI, MTU 1450)"
for side in "$A $UA $UB $OA va" "$B $UB $UA $OB vb"; do
  read -r ns l r o dev <<<"$side"
  ip -n "$ns" link add vx0 type vxlan id "$VNI" local "$l" remote "$r" dstport 4789 dev "$dev"
  ip -n "$ns" addr add "$o/24" dev vx0
  ip -n "$ns" link set vx0 mtu 1450 up
done
ping_ok "$A" "$OB" || die "kernel VXLAN between the namespaces does not pass traffic"
measure kernel
ip -n "$A" link del vx0
ip -n "$B" link del vx0

# (2), (3) Trellis <-> Trellis, plain then encrypted
key="$work/tunnel.key"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$key" # 64 hex characters: AES-256-GCM
echo >>"$key"
chmod 600 "$key"

start_tunnel() { # start_tunnel NS LOCAL REMOTE INNER LOG EXTRA...: sets $started to the PID
  local ns=$1 l=$2 r=$3 o=$4 log=$5
  shift 5
  # shellcheck disable=SC2086
  ip netns exec "$ns" java ${TRELLIS_JAVA_OPTS:-} ${row_java_opts:-} -jar "$jar" vxlan-tunnel --vni "$VNI" --local "$l" --remote "$r" \
    --tap tv0 --inner-addr "$o/24" --offloads auto "$@" >"$log" 2>&1 &
  started=$!
}
await_up() { # await_up LOG PID: up to 30 s
  local i
  for ((i = 0; i < 300; i++)); do
    grep -q '^tunnel up' "$1" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}
trellis_row() { # trellis_row NAME EXTRA...
  local name=$1 la="$work/$1-a.log" lb="$work/$1-b.log"
  shift
  start_tunnel "$A" "$UA" "$UB" "$OA" "$la" "$@"
  pid_a=$started
  start_tunnel "$B" "$UB" "$UA" "$OB" "$lb" "$@"
  pid_b=$started
  await_up "$la" "$pid_a" && await_up "$lb" "$pid_b" || { cat "$la" "$lb" >&2; die "trellis vxlan-tunnel did not come up (logs above)"; }
  echo "   A: $(grep '^tunnel up' "$la")"
  ping_ok "$A" "$OB" || { cat "$la" "$lb" >&2; die "no ping through the Trellis tunnels (logs above)"; }
  measure "$name" warm
  stop_pid "$pid_a" TERM
  stop_pid "$pid_b" TERM
  pid_a="" pid_b=""
  echo "   counters after SIGTERM (A, then B):"
  grep -hE '^(tap->vtep|drops|esp):|^esp drops:' "$la" "$lb" | sed 's/^/     /' || echo "     (no counters printed)"
}
echo "== Trellis <-> Trellis, plain VXLAN (UDP 4789, MTU 1450)"
trellis_row trellis-plain --mtu 1450
echo "== Trellis <-> Trellis, encrypted (ESP in UDP 4500, AES-256-GCM, MTU 1450 - ESP overhead = 1408)"
trellis_row trellis-esp --mtu 1450 --key-file "$key"
echo "== Trellis <-> Trellis, encrypted, with the JDK's AES-GCM (-Dtrellis.esp.cipher=jdk: CPUs without AVX-512 VAES)"
row_java_opts="-Dtrellis.esp.cipher=jdk" trellis_row trellis-esp-jdk --mtu 1450 --key-file "$key"

# (4) wireguard-go <-> wireguard-go
if [[ -n $wireguard ]]; then
  echo "== wireguard-go <-> wireguard-go ($(wireguard-go --version 2>/dev/null | head -1 || echo version unknown), MTU 1420)"
  umask 077
  wg genkey >"$work/a.priv"
  wg genkey >"$work/b.priv"
  wg pubkey <"$work/a.priv" >"$work/a.pub"
  wg pubkey <"$work/b.priv" >"$work/b.pub"
  # Foreground (the default is to daemonize), so the EXIT trap can stop it by PID. Two names: the
  # UAPI socket /var/run/wireguard/NAME.sock lives in the file system, which namespaces share.
  WA="wga$$" WB="wgb$$"
  WA=${WA:0:15} WB=${WB:0:15}
  WG_PROCESS_FOREGROUND=1 WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 \
    ip netns exec "$A" wireguard-go "$WA" >"$work/wg-a.log" 2>&1 &
  pid_a=$!
  WG_PROCESS_FOREGROUND=1 WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 \
    ip netns exec "$B" wireguard-go "$WB" >"$work/wg-b.log" 2>&1 &
  pid_b=$!
  up=""
  for ((i = 0; i < 50; i++)); do
    ip -n "$A" link show "$WA" >/dev/null 2>&1 && ip -n "$B" link show "$WB" >/dev/null 2>&1 && { up=1; break; }
    sleep 0.1
  done
  if [[ -z $up ]]; then
    echo "bench-encrypted: wireguard-go did not create its interfaces ($(head -c 200 "$work/wg-a.log"; head -c 200 "$work/wg-b.log")): skipping the row" >&2
    wireguard=""
  else
    ip netns exec "$A" wg set "$WA" private-key "$work/a.priv" listen-port 51820 \
      peer "$(cat "$work/b.pub")" allowed-ips "$OB/32" endpoint "$UB:51820"
    ip netns exec "$B" wg set "$WB" private-key "$work/b.priv" listen-port 51820 \
      peer "$(cat "$work/a.pub")" allowed-ips "$OA/32" endpoint "$UA:51820"
    ip -n "$A" addr add "$OA/24" dev "$WA"
    ip -n "$B" addr add "$OB/24" dev "$WB"
    ip -n "$A" link set "$WA" mtu 1420 up
    ip -n "$B" link set "$WB" mtu 1420 up
    ping_ok "$A" "$OB" || die "no ping through wireguard-go"
    measure wireguard-go warm
  fi
  stop_pid "$pid_a" TERM
  stop_pid "$pid_b" TERM
  pid_a="" pid_b=""
fi

# ---------------------------------------------------------------- report
# stats NAME -> "median min max n sum_bytes sum_sys sum_proc" over the successful runs
stats() {
  awk -v n="$1" '$1==n && $3!="FAIL" { v[c++]=$3; b+=$4; s+=$5; j+=$6 }
    END {
      if (c==0) { print "- - - 0 0 0 0"; exit }
      for (i=0;i<c;i++) for (x=i+1;x<c;x++) if (v[x]<v[i]) { t=v[i]; v[i]=v[x]; v[x]=t }
      med = (c%2) ? v[int(c/2)] : (v[c/2-1]+v[c/2])/2
      printf "%s %s %s %d %.0f %.0f %.0f\n", med, v[0], v[c-1], c, b, s, j }' "$results"
}
label() {
  case $1 in
    kernel) echo "kernel VXLAN <-> kernel VXLAN" ;;
    trellis-plain) echo "Trellis <-> Trellis, plain" ;;
    trellis-esp) echo "Trellis <-> Trellis, ESP" ;;
    trellis-esp-jdk) echo "Trellis <-> Trellis, ESP (JDK)" ;;
    wireguard-go) echo "wireguard-go <-> wireguard-go" ;;
  esac
}
names=(kernel trellis-plain trellis-esp trellis-esp-jdk)
[[ -n $wireguard ]] && names+=(wireguard-go)

echo
echo "TCP A -> B, one stream: iperf3 -t $duration, median of $repeat (min-max)"
echo "CPU s/GB: host = /proc/stat busy jiffies / GB received (iperf3, kernel and tunnels); tunnels = utime+stime of both"
echo "  tunnel processes (JVMs or wireguard-go) / GB"
printf '%-32s %7s %15s %10s %11s\n' path "Gb/s" "min-max" "host s/GB" "tunnel s/GB"
declare -A median
for name in "${names[@]}"; do
  read -r med lo hi cnt bytes sys proc <<<"$(stats "$name")"
  if ((cnt == 0)); then
    printf '%-32s %7s\n' "$(label "$name")" "FAIL"
    continue
  fi
  median[$name]=$med
  hs=$(awk -v t="$sys" -v b="$bytes" -v hz="$clk_tck" 'BEGIN{ printf "%.2f", (t/hz)/(b/1e9) }')
  ps=$([[ $name != kernel ]] && awk -v t="$proc" -v b="$bytes" -v hz="$clk_tck" 'BEGIN{ printf "%.2f", (t/hz)/(b/1e9) }' || echo "-")
  printf '%-32s %7.2f %15s %10s %11s\n' "$(label "$name")" "$med" "$(printf '%.2f-%.2f' "$lo" "$hi")" "$hs" "$ps"
done

ratio() { # ratio A B: median[A] / median[B], or "-"
  local a=${median[$1]-} b=${median[$2]-}
  [[ -n $a && -n $b ]] && awk -v a="$a" -v b="$b" 'BEGIN{ if (b==0) print "-"; else printf "%.2fx", a/b }' || echo "-"
}
echo
echo "ratios (medians of this run):"
printf '   encrypted / plain Trellis:  %6s   (target >= 0.6x)\n' "$(ratio trellis-esp trellis-plain)"
printf '   encrypted / wireguard-go:   %6s   (target >= 3x)\n' "$(ratio trellis-esp wireguard-go)"
printf '   encrypted / kernel VXLAN:   %6s   (product goal >= 0.5x)\n' "$(ratio trellis-esp kernel)"
printf '   encrypted with the JDK AES-GCM / plain Trellis: %6s\n' "$(ratio trellis-esp-jdk trellis-plain)"
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (at the start: $load_start)"
if grep -q ' FAIL ' "$results"; then
  die "$(grep -c ' FAIL ' "$results") iperf3 run(s) failed (see the lines marked FAILED above)"
fi
