#!/usr/bin/env bash
# Encrypted overlay throughput: Trellis ESP against plain Trellis, kernel VXLAN and wireguard-go, in one run.
#
#   sudo perf/bench-encrypted.sh [--duration 10] [--repeat 3]
#
# Two network namespaces (tenc-a-PID, tenc-b-PID) joined by one veth with its default offloads;
# underlay 192.0.2.0/24 (RFC 5737), overlay 198.51.100.0/24. Single-stream iperf3 TCP from A to B
# over, in turn: (1) kernel VXLAN <-> kernel VXLAN (VNI 42, MTU 1450), (2) plain Trellis <-> Trellis
# (`vxlan-tunnel`, UDP 4789, MTU 1450), (3) encrypted Trellis <-> Trellis (`vxlan-tunnel --key-file`,
# ESP in UDP 4500, AES-256-GCM, MTU 1408; AES-GCM from AWS-LC through ACCP where it loads), (3b) the
# same with -Dtrellis.esp.cipher=jdk (the JDK's SunJCE, the fallback), (4) wireguard-go <-> wireguard-go
# (MTU 1420). Median of
# --repeat runs, then the ratios encrypted/plain, encrypted/wireguard-go and encrypted/kernel from the
# same run. Both Trellis ends run with --offloads auto (TAP TSO, UDP GSO/GRO). Each
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

# shellcheck source=lib/netns-bench.sh
. "$(dirname "$0")/lib/netns-bench.sh"
parse_args --duration=duration:1:300 --repeat=repeat:1:20 -- "$@"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# ---------------------------------------------------------------- preconditions (one line each)
preconditions # root, ip, ss, java, timeout, ./trellis; iperf3 and jq installed when missing
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
netns_state tenc # namespaces tenc-a-PID and tenc-b-PID, addresses, VNI 42, $work, $results
pid_a="" pid_b=""

cleanup() { # EXIT trap: stops iperf3 and both tunnels (by PID), deletes both namespaces and $work
  netns_cleanup "$server_pid" "$pid_a" "$pid_b"
}
trap cleanup EXIT
trap 'echo "bench-encrypted: interrupted; cleaned up" >&2; exit 130' INT
trap 'echo "bench-encrypted: terminated; cleaned up" >&2; exit 143' TERM

# A private copy of the jar: a build started by anyone during the run cannot rewrite it under the JVMs.
jar="$work/trellis.jar"
cp "$root/agent/dist/target/trellis.jar" "$jar"

# ---------------------------------------------------------------- measurement helpers
# iperf NAME REP warmup|tcp: client in A to OB, server in B; appends "name rep gbps bytes sys_ticks proc_ticks"
iperf() {
  local name=$1 rep=$2 kind=$3 t=$duration
  [[ $kind == warmup ]] && t=2
  iperf_run "$A" "$B" "$OB" "$t" "$name" "$pid_a $pid_b" || return 1
  [[ $kind == warmup ]] && return 0
  iperf_record "$name" "$rep" '.end.sum_received.bits_per_second / 1e9' "$name" || return 1
  printf '   %-22s run %d: %6.2f Gb/s\n' "$name" "$rep" "$run_value"
}

measure() { # measure NAME [warm]: --repeat recorded runs, after a warm-up when asked
  local rep
  [[ ${2-} == warm ]] && { iperf "$1" 0 warmup || true; }
  for ((rep = 1; rep <= repeat; rep++)); do iperf "$1" "$rep" tcp || true; done
}

# ---------------------------------------------------------------- topology
veth_pair # namespaces $A and $B, veth va ($UA) - vb ($UB), checked with a ping

load_start="$(load_avg)"
rows=4
[[ -n $wireguard ]] && rows=5
est=$((rows * repeat * (duration + 1) + 2 * 3 + 20))
echo "bench-encrypted: $(nproc) CPUs, $(uname -r), load average $load_start; about $((est / 60)) min $((est % 60)) s"
echo "   (TCP A -> B: iperf3 -t $duration x $repeat, one stream)"

# (1) kernel VXLAN <-> kernel VXLAN
echo "== kernel VXLAN <-> kernel VXLAN (VNI $VNI, MTU 1450)"
kernel_vxlan "$A" va "$UA" "$UB" "$OA" 1450
kernel_vxlan "$B" vb "$UB" "$UA" "$OB" 1450
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
trellis_row() { # trellis_row NAME EXTRA...
  local name=$1 la="$work/$1-a.log" lb="$work/$1-b.log"
  shift
  start_tunnel "$A" "$UA" "$UB" "$OA" "$la" "$@"
  pid_a=$started
  start_tunnel "$B" "$UB" "$UA" "$OB" "$lb" "$@"
  pid_b=$started
  if ! { await_up "$la" "$pid_a" && await_up "$lb" "$pid_b"; }; then
    cat "$la" "$lb" >&2
    die "trellis vxlan-tunnel did not come up (logs above)"
  fi
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
echo "== Trellis <-> Trellis, encrypted, with the JDK's AES-GCM (-Dtrellis.esp.cipher=jdk: the fallback where ACCP does not load)"
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
# stats NAME (the lib's) -> "median min max n sum_bytes sum_sys sum_proc" over the successful runs
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
  hs=$(per_gb "$sys" "$bytes")
  ps=$([[ $name != kernel ]] && per_gb "$proc" "$bytes" || echo "-")
  printf '%-32s %7.2f %15s %10s %11s\n' "$(label "$name")" "$med" "$(printf '%.2f-%.2f' "$lo" "$hi")" "$hs" "$ps"
done

ratio() { # ratio A B: median[A] / median[B], or "-"
  ratio_of "${median[$1]-}" "${median[$2]-}"
}
echo
echo "ratios (medians of this run):"
printf '   encrypted / plain Trellis:  %6s   (target >= 0.6x)\n' "$(ratio trellis-esp trellis-plain)"
printf '   encrypted / wireguard-go:   %6s   (target >= 3x)\n' "$(ratio trellis-esp wireguard-go)"
printf '   encrypted / kernel VXLAN:   %6s   (product goal >= 0.5x)\n' "$(ratio trellis-esp kernel)"
printf '   encrypted with the JDK AES-GCM / plain Trellis: %6s\n' "$(ratio trellis-esp-jdk trellis-plain)"
echo
echo "load average at the end: $(load_avg) (at the start: $load_start)"
if grep -q ' FAIL ' "$results"; then
  die "$(grep -c ' FAIL ' "$results") iperf3 run(s) failed (see the lines marked FAILED above)"
fi
