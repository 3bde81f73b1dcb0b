#!/usr/bin/env bash
# Send-path A/B: several Trellis jars against kernel VXLAN, interleaved, in one session.
#
#   perf/ab-send.sh [--duration 5] [--rounds 4] JAR [JAR...]
#
# Same topology as bench-overlay.sh (namespaces spab-a-PID / spab-b-PID, a veth with its default
# offloads, kernel VXLAN VNI 42 in B, MTU 1450), send direction only (iperf3 client in A), each
# jar as `vxlan-tunnel --offloads auto`. One round = kernel VXLAN in A, then each jar in turn, 3 s
# of warm-up each; rounds repeat so that load from other work on the host falls on every
# candidate alike. Per run: Gb/s, ratio to the same round's kernel run, and CPU seconds per GB
# received of the whole Trellis JVM and of its TAP reader thread (utime+stime from
# /proc/PID/task/TID/stat; the TAP thread's stime includes the peer's receive softirq that runs
# inside its sendmsg). CPU per GB moves less than Gb/s on a busy host: compare that first.
# Then medians per jar. Copy jars out of agent/dist/target first, so a rebuild cannot change them.
#
# Safety as bench-overlay.sh: root only, everything inside the two namespaces, bounded waits, an
# EXIT trap kills the tunnel by PID and deletes both namespaces. Run it under the bench lock:
#   flock /tmp/trellis-bench.lock perf/ab-send.sh ...
set -euo pipefail

duration=5
rounds=4
die() {
  echo "ab-send: $*" >&2
  exit 1
}
while (($#)); do
  case $1 in
    --duration) [[ ${2-} =~ ^[0-9]+$ ]] && (($2 >= 1 && $2 <= 300)) || die "invalid --duration \"${2-}\": 1 to 300"; duration=$2; shift 2 ;;
    --rounds) [[ ${2-} =~ ^[0-9]+$ ]] && (($2 >= 1 && $2 <= 50)) || die "invalid --rounds \"${2-}\": 1 to 50"; rounds=$2; shift 2 ;;
    -h | --help) sed -n '4p' "$0" | sed 's/^#  *//'; exit 0 ;;
    -*) die "unknown option \"$1\"" ;;
    *) break ;;
  esac
done
(($# >= 1)) || die "name at least one trellis.jar"
jars=("$@")
for j in "${jars[@]}"; do [[ -f $j ]] || die "no such jar: $j"; done
((EUID == 0)) || die "must run as root (it creates network namespaces)"
for c in ip iperf3 jq java timeout; do command -v $c >/dev/null || die "'$c' is missing"; done

A="spab-a-$$" B="spab-b-$$"
UA=192.0.2.1 UB=192.0.2.2 OA=198.51.100.1 OB=198.51.100.2
work="$(mktemp -d /tmp/ab-send.XXXXXX)"
hz="$(getconf CLK_TCK)"
tunnel_pid=""
cleanup() {
  if [[ -n $tunnel_pid ]]; then kill "$tunnel_pid" 2>/dev/null || true; wait "$tunnel_pid" 2>/dev/null || true; fi
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$A"
ip netns add "$B"
ip link add va netns "$A" type veth peer name vb netns "$B"
for n in "$A" "$B"; do ip -n "$n" link set lo up; done
ip -n "$A" addr add "$UA/24" dev va
ip -n "$B" addr add "$UB/24" dev vb
ip -n "$A" link set va up
ip -n "$B" link set vb up
kernel_vxlan() { # NS DEV LOCAL REMOTE INNER
  ip -n "$1" link add vx0 type vxlan id 42 local "$3" remote "$4" dstport 4789 dev "$2"
  ip -n "$1" addr add "$5/24" dev vx0
  ip -n "$1" link set vx0 mtu 1450 up
}
ping_ok() { local i; for ((i = 0; i < 10; i++)); do ip netns exec "$A" ping -c 1 -W 1 "$OB" >/dev/null 2>&1 && return 0; done; return 1; }

# iperf_send SECONDS: one iperf3 TCP send from A to B; sets gbps and gbytes (0 when it failed)
iperf_send() {
  local sp
  ip netns exec "$B" iperf3 -s -1 >/dev/null 2>&1 &
  sp=$!
  sleep 0.3
  timeout $(($1 + 15)) ip netns exec "$A" iperf3 -c "$OB" --connect-timeout 3000 -t "$1" -J >"$work/iperf.json" 2>/dev/null || true
  kill "$sp" 2>/dev/null || true
  wait "$sp" 2>/dev/null || true
  gbps=$(jq -r '.end.sum_received.bits_per_second / 1e9 // 0' "$work/iperf.json" 2>/dev/null || echo 0)
  gbytes=$(jq -r '.end.sum_received.bytes / 1e9 // 0' "$work/iperf.json" 2>/dev/null || echo 0)
}
threads() { # tid name ticks, one line per thread of PID
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s %s %s\n' "${t##*/}" "$(tr ' ' _ <"$t/comm")" "$(sed 's/.*) //' "$t/stat" | awk '{print $12+$13}')"
  done | sort
}

kernel_vxlan "$B" vb "$UB" "$UA" "$OB"
: >"$work/results"
echo "ab-send: $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds of ${duration} s sends"
for ((r = 1; r <= rounds; r++)); do
  kernel_vxlan "$A" va "$UA" "$UB" "$OA"
  ping_ok || die "kernel VXLAN does not pass traffic"
  iperf_send "$duration"
  kernel=$gbps
  printf 'round %d: kernel VXLAN %.2f Gb/s\n' "$r" "$kernel"
  ip -n "$A" link del vx0
  for j in "${jars[@]}"; do
    ip -n "$B" link del vx0
    kernel_vxlan "$B" vb "$UB" "$UA" "$OB" # forget the previous tunnel's MAC
    # shellcheck disable=SC2086
    ip netns exec "$A" java ${TRELLIS_JAVA_OPTS:-} -jar "$j" vxlan-tunnel --vni 42 --local "$UA" --remote "$UB" \
      --tap tv0 --inner-addr "$OA/24" --mtu 1450 --offloads auto >"$work/tunnel.log" 2>&1 &
    tunnel_pid=$!
    for ((i = 0; i < 300; i++)); do grep -q '^tunnel up' "$work/tunnel.log" && break; sleep 0.1; done
    ping_ok || { cat "$work/tunnel.log" >&2; die "no ping through the tunnel of $j"; }
    iperf_send 3 # JIT warm-up, not recorded
    threads "$tunnel_pid" >"$work/t0"
    iperf_send "$duration"
    threads "$tunnel_pid" >"$work/t1"
    cpu=$(join "$work/t0" "$work/t1" | awk -v gb="$gbytes" -v hz="$hz" \
      '{all += $5 - $3} $2 ~ /^tap-/ {tap += $5 - $3}
       END {if (gb > 0) printf "%.2f %.2f", all / hz / gb, tap / hz / gb; else print "- -"}')
    read -r jvm tap <<<"$cpu"
    ratio=$(awk -v a="$gbps" -v b="$kernel" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')
    printf '  %-40s %6.2f Gb/s  %5sx kernel  JVM %s s/GB  TAP thread %s s/GB\n' "$j" "$gbps" "$ratio" "$jvm" "$tap"
    echo "$j $gbps $ratio $jvm $tap" >>"$work/results"
    kill "$tunnel_pid" 2>/dev/null || true
    wait "$tunnel_pid" 2>/dev/null || true
    tunnel_pid=""
    grep -E '^drops:' "$work/tunnel.log" | grep -E '=[1-9]' | sed 's/^/    /' || true
  done
done

echo
echo "medians over $rounds rounds (ratio = to the same round's kernel run)"
for j in "${jars[@]}"; do
  awk -v j="$j" '$1 == j {n++; g[n] = $2; q[n] = $3; c[n] = $4; t[n] = $5}
    function med(a, n,   i, k, x) {
      for (i = 1; i <= n; i++) for (k = i + 1; k <= n; k++) if (a[k] + 0 < a[i] + 0) { x = a[i]; a[i] = a[k]; a[k] = x }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END {printf "  %-40s %6.2f Gb/s  %5.2fx kernel  JVM %.2f s/GB  TAP thread %.2f s/GB\n", j, med(g, n), med(q, n), med(c, n), med(t, n)}' \
    "$work/results"
done
