#!/usr/bin/env bash
# The cluster's overlay path between two lab nodes, against kernel VXLAN between the same nodes, in one run.
#
#   sudo perf/bench-overlay-cluster.sh [--duration 10] [--repeat 3] [--concurrency 8]
#
# `trellis lab up --nodes 2 --managers 1` (namespaces trellis-node1/2 on the lab's bridge), overlay
# networks benchnet and benchenc (-o encrypted), and services pinned with
# --constraint node.hostname==...: `iperf3 -s` on node2 and `sleep 3600` on node1 on each network,
# and `trellis workload http --port 80` on node2 on benchnet. Measured, interleaved per repeat so
# that load from other work on the host falls on every path alike:
#   - TCP Gb/s, one iperf3 stream from the node1 task (nsenter) to the node2 task, both directions
#     (-R), plain and encrypted, and kernel VXLAN between the nodes' own namespaces (VNI 99, UDP
#     4790, MTU 1450, 198.51.100.0/24) as the reference: median of --repeat, ratio Trellis/kernel.
#   - new HTTP connections/s (ab -c C, no keep-alive, GET /healthz) from the node1 task to the
#     service's VIP and to the backend task's address directly: median, ratio VIP/direct.
# Host and lab-agent CPU per GB (per 1,000 requests) from /proc, the load average at both ends.
#
# Safety: it holds /tmp/trellis-lab.lock and refuses to run when a lab is already up; every packet
# stays inside the lab's namespaces; every wait is bounded; an EXIT trap stops what it started,
# takes the lab down (`trellis lab down`: agents, tasks, namespaces) and removes its temporary
# directory, on success, failure or Ctrl-C. See perf/README.md.
set -euo pipefail

duration=10
repeat=3
concurrency=8

# shellcheck source=lib/netns-bench.sh
. "$(dirname "$0")/lib/netns-bench.sh" # die, parse_args, preconditions, install_pkg, stop_pid, iperf_run/record, stats
# shellcheck source=lib/cluster-bench.sh
. "$(dirname "$0")/lib/cluster-bench.sh" # run/stop_child (traps fire at once), host_date_line
parse_args --duration=duration:1:300 --repeat=repeat:1:20 --concurrency=concurrency:1:64 -- "$@"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# ---------------------------------------------------------------- preconditions (one line each)
preconditions # root, ip, ss, java, timeout, ./trellis; iperf3 and jq installed when missing
command -v nsenter >/dev/null || die "'nsenter' is missing: apt-get install -y util-linux"
command -v flock >/dev/null || die "'flock' is missing: apt-get install -y util-linux"
install_pkg ab apache2-utils
./trellis --version >/dev/null || die "building the agent jar failed: run ./trellis --version to see why"

# ---------------------------------------------------------------- state and teardown
N1=trellis-node1 N2=trellis-node2 # the lab's node namespaces
KVNI=99 KPORT=4790 KMTU=1450      # kernel reference: not Trellis's 4789
KA=198.51.100.1 KB=198.51.100.2
work="$(mktemp -d "/tmp/$bench.XXXXXX")"
results="$work/results"
: >"$results"
jar="$work/trellis.jar"
server_pid=""
lab_up=false
cleanup() { # EXIT trap: stops the running client and the kernel-path iperf3 server, takes the lab down, removes $work
  stop_child
  stop_pid "$server_pid" TERM
  if $lab_up; then
    timeout 120 java -jar "$jar" lab down >/dev/null 2>&1 ||
      echo "$bench: 'lab down' failed; run: trellis lab down" >&3
  fi
  rm -rf "$work"
}
# fd 3 is the script's own stderr: a trap runs under the redirections of the command it interrupted.
exec 3>&2
trap cleanup EXIT
trap 'echo "$bench: interrupted; cleaned up" >&3; exit 130' INT
trap 'echo "$bench: terminated; cleaned up" >&3; exit 143' TERM

# The lab's agents run from the jar that ran `lab up`: a private copy, so that a build started by
# anyone during the run can neither rebuild nor rewrite it under them.
cp "$root/agent/dist/target/trellis.jar" "$jar"

tcli() { # tcli ARG...: the CLI from the private jar, with the launcher's flags for a short client call
  java -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC -Xmx64m -Xss512k -XX:-UsePerfData \
    -jar "$jar" "$@"
}

exec {lock}>/tmp/trellis-lab.lock
flock -w 900 "$lock" || die "waited 15 min for /tmp/trellis-lab.lock; someone else is using the lab"
if ip netns list | grep -q '^trellis-' || [[ -e /run/trellis/lab/lab.json ]]; then
  die "a lab is already up ($(ip netns list | grep -o '^trellis-[a-z0-9-]*' | tr '\n' ' ')); not replacing it"
fi

load_start="$(load_avg)"
est=$((30 + repeat * 8 * (duration + 1) + 22)) # lab and services, the rounds, the warm-ups
echo "## $bench"
echo
host_date_line
echo "- $(nproc) CPUs, kernel $(uname -r), $(java -version 2>&1 | head -1), $(iperf3 --version | head -1 | cut -d' ' -f1-2)," \
  "$(ab -V | head -1 | sed 's/^This is //; s/ <.*//')"
echo "- load average at the start: $load_start"
echo "- TCP: iperf3 -t $duration x $repeat; HTTP: ab -c $concurrency -t $duration x $repeat;" \
  "about $((est / 60)) min $((est % 60)) s"
echo

# ---------------------------------------------------------------- the lab and its services
echo "== trellis lab up --nodes 2 --managers 1"
lab_up=true
run timeout 300 java -jar "$jar" lab up --nodes 2 --managers 1 >"$work/lab.log" 2>&1 ||
  { cat "$work/lab.log" >&2; die "lab up failed (output above)"; }
# The table at its end: NODE ROLE ADDRESS AGENT-PID SOCKET (unix:///run/trellis/lab/NODE.sock).
lab_row() { # lab_row NODE: "address agent-pid socket" from lab up's table
  awk -v n="$1" '$1 == n { for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/) { print $i, $(i + 1), $NF; exit } }' \
    "$work/lab.log"
}
read -r U1 pid1 sock1 <<<"$(lab_row node1)"
read -r U2 pid2 sock2 <<<"$(lab_row node2)"
[[ -n ${U1:-} && -n ${U2:-} && ${sock1:-} == unix:///* && ${sock2:-} == unix:///* ]] ||
  { cat "$work/lab.log" >&2; die "could not read the nodes' addresses and sockets from lab up's table (above)"; }
H1=$sock1 # node1's agent: the manager, and the node whose agent translates the client's VIP traffic
agent_pids=()
for p in "${pid1:-}" "${pid2:-}"; do
  if [[ $p =~ ^[0-9]+$ ]]; then agent_pids+=("$p"); fi
done
echo "   node1 $U1 (agent pid ${pid1:-?}), node2 $U2 (agent pid ${pid2:-?})"

echo "== networks and services"
tcli network create -H "$H1" -d overlay benchnet >/dev/null || die "network create benchnet failed"
tcli network create -H "$H1" -d overlay --opt encrypted benchenc >/dev/null || die "network create benchenc failed"
pinned_service() { # pinned_service NAME NODE NETWORK CMD...: a 1-replica service pinned to NODE, created without waiting
  local name=$1 node=$2 net=$3
  shift 3
  tcli service create -H "$H1" -d --name "$name" --constraint "node.hostname==$node" --network "$net" \
    bench "$@" >/dev/null || die "service create $name failed"
}
pinned_service srv node2 benchnet iperf3 -s
pinned_service cli node1 benchnet sleep 3600
pinned_service srv-enc node2 benchenc iperf3 -s
pinned_service cli-enc node1 benchenc sleep 3600
pinned_service web node2 benchnet trellis workload http --port 80

running_task() { # running_task SERVICE: "pid node address" of its running task (address on its one network); empty when none runs
  tcli service ps --format json -H "$H1" "$1" 2>/dev/null | jq -r '[.[] | select(.state == "Running"
    and .desiredState == "Running" and .pid > 0)][0] // empty | "\(.pid) \(.node) \(.networks[0].address // "")"' \
    2>/dev/null || true
}
await_task() { # await_task SERVICE NODE: up to 90 s for its task to run on NODE; sets $t_pid and $t_addr
  local deadline=$((SECONDS + 90)) node
  while ((SECONDS < deadline)); do
    read -r t_pid node t_addr <<<"$(running_task "$1")"
    if [[ -n ${t_pid:-} && -n ${t_addr:-} ]]; then
      [[ $node == "$2" ]] || die "service $1 runs on $node, not on $2"
      t_addr=${t_addr%%/*}
      return 0
    fi
    sleep 0.5
  done
  die "service $1 has no running task after 90 s: trellis service ps $1 -H $H1"
}
task_listens() { # task_listens PID PORT: up to 20 s for a TCP listener on PORT in the task's namespace
  local i
  for ((i = 0; i < 200; i++)); do
    [[ -n "$(nsenter -t "$1" -n ss -Hltn "sport = :$2" 2>/dev/null)" ]] && return 0
    sleep 0.1
  done
  return 1
}
task_ping() { # task_ping PID DST: up to 30 tries from the task's namespace (the agents program the path)
  local i
  for ((i = 0; i < 30; i++)); do
    nsenter -t "$1" -n ping -c 1 -W 1 "$2" >/dev/null 2>&1 && return 0
  done
  return 1
}
task_link() { # task_link PID ADDR: "dev NAME mtu N" of the task's interface holding ADDR
  local dev
  dev=$(nsenter -t "$1" -n ip -o -4 addr show | awk -v a="$2" '{ split($4, p, "/") } p[1] == a { print $2; exit }')
  # From ip, not /sys: sysfs shows the namespace of whoever mounted it, not the reader's.
  echo "dev ${dev:-?} mtu $(nsenter -t "$1" -n ip -o link show dev "${dev:-none}" 2>/dev/null |
    awk '{ for (i = 1; i < NF; i++) if ($i == "mtu") print $(i + 1) }')"
}
declare -A pid addr
for s in srv:node2 cli:node1 srv-enc:node2 cli-enc:node1 web:node2; do
  await_task "${s%%:*}" "${s#*:}"
  pid[${s%%:*}]=$t_pid addr[${s%%:*}]=$t_addr
  echo "   ${s%%:*} on ${s#*:}: pid $t_pid, ${t_addr} ($(task_link "$t_pid" "$t_addr"))"
done
task_listens "${pid[srv]}" 5201 || die "iperf3 -s in task srv does not listen on 5201"
task_listens "${pid[srv-enc]}" 5201 || die "iperf3 -s in task srv-enc does not listen on 5201"
task_listens "${pid[web]}" 80 || die "trellis workload http in task web does not listen on 80"
task_ping "${pid[cli]}" "${addr[srv]}" || die "no ping from cli (node1) to srv (node2) over benchnet"
task_ping "${pid[cli-enc]}" "${addr[srv-enc]}" || die "no ping from cli-enc (node1) to srv-enc (node2) over benchenc"

# The VIP from the service, checked against node1's table (the client's node translates it).
vip=$(tcli service inspect -H "$H1" web | jq -r '.[0].virtualIps[] | select(.network == "benchnet") | .address' | head -1 || true)
vip=${vip%%/*}
[[ -n $vip ]] || die "service web has no VIP on benchnet: trellis service inspect web -H $H1"
deadline=$((SECONDS + 30))
until tcli vip ls --format json -H "$H1" 2>/dev/null |
  jq -e --arg v "$vip" '[.[] | select(.service == "web" and (.vip | split("/")[0]) == $v) | .backends[]] | length >= 1' >/dev/null 2>&1; do
  ((SECONDS < deadline)) || die "node1's VIP table has no backend for web ($vip) after 30 s: trellis vip ls -H $H1"
  sleep 0.5
done
echo "   web: VIP $vip on benchnet, backend ${addr[web]}"

# Each new connection takes a source port; the client task's namespace (made by this run) gets the
# whole range, and neither it nor the web task's keeps TIME_WAIT sockets. With them, whichever ab run
# came second in a round reused ports whose 4-tuples the server still held in TIME_WAIT from the first
# run (~45,000 connections): each such SYN costs a challenge ACK, an RST and a retry, and the second
# run made about 1,750 req/s against 4,800 for the first, VIP or direct alike. That measured the two
# kernels' TIME_WAIT handling, not the path.
nsenter -t "${pid[cli]}" -n sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1 \
  net.ipv4.tcp_max_tw_buckets=0 ||
  die "could not set the client task's port range (sysctl in its namespace)"
nsenter -t "${pid[web]}" -n sysctl -qw net.ipv4.tcp_max_tw_buckets=0 ||
  die "could not set the web task's TIME_WAIT limit (sysctl in its namespace)"

# ---------------------------------------------------------------- the kernel reference
echo "== kernel VXLAN kvx0 in $N1 ($U1) and $N2 ($U2): VNI $KVNI, UDP $KPORT, MTU $KMTU"
kvx() { # kvx NS LOCAL REMOTE INNER
  ip -n "$1" link add kvx0 type vxlan id "$KVNI" local "$2" remote "$3" dstport "$KPORT" dev eth0 ||
    die "ip link add kvx0 type vxlan failed in $1 (is the vxlan module available?)"
  ip -n "$1" addr add "$4/24" dev kvx0
  ip -n "$1" link set kvx0 mtu "$KMTU" up
}
kvx "$N1" "$U1" "$U2" "$KA"
kvx "$N2" "$U2" "$U1" "$KB"
ping_ok "$N1" "$KB" || die "kernel VXLAN between $N1 and $N2 does not pass traffic"

# ---------------------------------------------------------------- measurement helpers
# tcp NAME DIR REP: one iperf3 run, client on node1, DIR n1-n2 (client sends) or n2-n1 (-R); REP 0
# is a 2 s warm-up, not recorded. Records "tcp NAME DIR REP Gb/s bytes host-jiffies agent-jiffies".
tcp() {
  local name=$1 dir=$2 rep=$3 t=$duration args=() s0 j0
  ((rep == 0)) && t=2
  [[ $dir == n2-n1 ]] && args=(-R)
  if [[ $name == kernel ]]; then
    run_ok=""
    iperf_run "$N1" "$N2" "$KB" "$t" "$name $dir" "${agent_pids[*]}" "${args[@]}" || true
  else
    local c=cli s=srv
    [[ $name == encrypted ]] && c=cli-enc s=srv-enc
    run_ok=1
    s0=$(sys_busy) j0=$(proc_ticks "${agent_pids[@]}")
    run timeout $((t + 20)) nsenter -t "${pid[$c]}" -n -m -- iperf3 -c "${addr[$s]}" -t "$t" -J "${args[@]}" \
      >"$work/iperf.json" 2>&1 || run_ok=""
    run_sys=$(($(sys_busy) - s0)) run_proc=$(($(proc_ticks "${agent_pids[@]}") - j0))
  fi
  ((rep == 0)) && return 0
  iperf_record "tcp $name $dir" "$rep" '.end.sum_received.bits_per_second / 1e9' "$name $dir" || return 0
  printf '   %-10s %-6s run %d: %6.2f Gb/s\n' "$name" "$dir" "$rep" "$run_value"
}

# http TARGET REP: ab from the cli task to the VIP or to the web task directly, $duration s (REP 0: 2 s,
# not recorded). Records "http TARGET REP req/s completed host-jiffies agent-jiffies failed".
http() {
  local target=$1 rep=$2 t=$duration dst s0 j0 ok=1 rps completed failed
  ((rep == 0)) && t=2
  [[ $target == vip ]] && dst=$vip || dst=${addr[web]}
  s0=$(sys_busy) j0=$(proc_ticks "${agent_pids[@]}")
  # -t before -n: -t sets -n to 50000, the -n after it lifts that so that the time limit ends the run.
  run timeout $((t + 30)) nsenter -t "${pid[cli]}" -n -m -- ab -q -r -s 5 -c "$concurrency" -t "$t" \
    -n $((50000 * t)) "http://$dst:80/healthz" >"$work/ab.out" 2>"$work/ab.err" || ok=""
  run_sys=$(($(sys_busy) - s0)) run_proc=$(($(proc_ticks "${agent_pids[@]}") - j0))
  ((rep == 0)) && return 0
  rps=$(awk '/^Requests per second:/ { print $4 }' "$work/ab.out")
  completed=$(awk '/^Complete requests:/ { print $3 }' "$work/ab.out")
  failed=$(awk '/^Failed requests:/ { f = $3 } /^Non-2xx responses:/ { n = $3 } END { print f + n }' "$work/ab.out")
  if [[ -z $ok || -z $rps ]]; then
    echo "   http $target run $rep: FAILED ($(tail -n 1 "$work/ab.err" 2>/dev/null))" >&2
    echo "http $target $rep FAIL 0 0 0 0" >>"$results"
    return 0
  fi
  echo "http $target $rep $rps $completed $run_sys $run_proc $failed" >>"$results"
  printf '   http %-7s run %d: %8.0f req/s (%s failed)\n' "$target" "$rep" "$rps" "$failed"
}

# ---------------------------------------------------------------- measurement
echo "== warm-up (2 s each, not recorded: the agents' JIT)"
for name in plain encrypted; do
  tcp "$name" n1-n2 0
  tcp "$name" n2-n1 0
done
http direct 0
http vip 0
echo "== $repeat round(s): kernel, plain, encrypted (both directions), then HTTP direct and VIP (order alternates)"
for ((rep = 1; rep <= repeat; rep++)); do
  for name in kernel plain encrypted; do
    tcp "$name" n1-n2 "$rep"
    tcp "$name" n2-n1 "$rep"
  done
  if ((rep % 2)); then http direct "$rep"; http vip "$rep"; else http vip "$rep"; http direct "$rep"; fi
done

# ---------------------------------------------------------------- report
label() {
  case $1 in
    kernel) echo "kernel VXLAN (VNI $KVNI, UDP $KPORT)" ;;
    plain) echo "Trellis overlay (benchnet)" ;;
    encrypted) echo "Trellis encrypted (benchenc)" ;;
    direct) echo "backend task ${addr[web]}" ;;
    vip) echo "service VIP $vip" ;;
  esac
}
hz=$(getconf CLK_TCK)
per_k() { # per_k JIFFIES REQUESTS: CPU milliseconds per 1,000 requests
  awk -v j="$1" -v n="$2" -v hz="$hz" 'BEGIN { printf "%.1f", (j / hz * 1000) / (n / 1000) }'
}
echo
echo "TCP, one stream: iperf3 -t $duration, median of $repeat (min-max); vs kernel = median / kernel VXLAN median, same run and direction"
echo "node1->node2: client task on node1 sends; node2->node1: the same client with -R. Task to task through both lab"
echo "  agents; kernel: node1's namespace to node2's over kvx0. Underlay: the lab's veths and bridge, default offloads."
echo "CPU s/GB: host = /proc/stat busy jiffies / GB received; agents = both lab agents' utime+stime / GB"
printf '%-36s %-13s %7s %13s %9s %9s %11s\n' path direction "Gb/s" "min-max" "vs kernel" "host s/GB" "agents s/GB"
for name in kernel plain encrypted; do
  for dir in n1-n2 n2-n1; do
    read -r med lo hi cnt bytes sys proc <<<"$(stats tcp "$name" "$dir")"
    read -r kmed _ <<<"$(stats tcp kernel "$dir")"
    d=$([[ $dir == n1-n2 ]] && echo "node1->node2" || echo "node2->node1")
    if ((cnt == 0)); then
      printf '%-36s %-13s %7s\n' "$(label "$name")" "$d" "FAIL"
      continue
    fi
    as=$( ((${#agent_pids[@]})) && per_gb "$proc" "$bytes" || echo "-")
    printf '%-36s %-13s %7.2f %13s %9s %9s %11s\n' "$(label "$name")" "$d" "$med" \
      "$(printf '%.2f-%.2f' "$lo" "$hi")" "$(ratio_of "$med" "$kmed")" "$(per_gb "$sys" "$bytes")" "$as"
  done
done

echo
echo "HTTP, a new connection per request: ab -c $concurrency -t $duration (no keep-alive, GET /healthz), client task on"
echo "  node1, the web task on node2; req/s median of $repeat (min-max); vs direct = median / direct median"
echo "CPU ms per 1,000 requests: host = /proc/stat busy jiffies; agents = both lab agents' utime+stime"
printf '%-36s %9s %15s %9s %7s %9s %10s\n' target "req/s" "min-max" "vs direct" failed "host ms" "agents ms"
for target in direct vip; do
  read -r med lo hi cnt completed sys proc <<<"$(stats http "$target")"
  read -r dmed _ <<<"$(stats http direct)"
  if ((cnt == 0)); then
    printf '%-36s %9s\n' "$(label "$target")" "FAIL"
    continue
  fi
  failed=$(awk -v t="$target" '$1 == "http" && $2 == t && $4 != "FAIL" { f += $8 } END { print f + 0 }' "$results")
  as=$( ((${#agent_pids[@]})) && per_k "$proc" "$completed" || echo "-")
  printf '%-36s %9.0f %15s %9s %7s %9s %10s\n' "$(label "$target")" "$med" "$(printf '%.0f-%.0f' "$lo" "$hi")" \
    "$(ratio_of "$med" "$dmed")" "$failed" "$(per_k "$sys" "$completed")" "$as"
done

echo
echo "load average at the end: $(load_avg) (at the start: $load_start)"
if grep -q ' FAIL ' "$results"; then
  echo
  die "$(grep -c ' FAIL ' "$results") run(s) failed (see the lines marked FAILED above)"
fi
