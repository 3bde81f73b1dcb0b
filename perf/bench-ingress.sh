#!/usr/bin/env bash
# A published port: the routing mesh's proxy against HAProxy 2.6 on the same backends and the same core,
# and the published-port path through a lab, in one run.
#
#   sudo perf/bench-ingress.sh [--duration 10] [--repeat 3]
#
# Part 1, proxy against proxy (no lab), inside a network namespace of its own (tingress-PID: only its
# loopback, so the mesh's wildcard listener is reachable from nowhere else, and its port range is
# this run's):
#   - backends: two nginx on 127.0.0.1:18081 and :18082, one worker each, answering "ok" to any GET.
#     nginx rather than `trellis workload http`: it is no JVM, so it needs no warm-up and never pauses
#     for GC on the core it shares with wrk, and it leaves wrk more of that core (straight to one
#     backend: ~175,000 req/s against 75,000-140,000 for the Netty workload, same pinning).
#   - Trellis: io.trellis.perf.ingress.PublishedPortProxy, the agent's code for a published port
#     (RoutingMesh, one PortPlan in ingress mode, round robin over both backends, BackendSockets.HERE)
#     on ONE io_uring event loop, port 18090, with the agent's JVM flags (SelfLauncher.AGENT_JVM_FLAGS;
#     TRELLIS_JAVA_OPTS is added after them).
#   - HAProxy: mode tcp, nbthread 1, balance roundrobin, the same backends, 127.0.0.1:18091, the
#     mesh's timeouts (connect 2 s, idle 2 h), no logging.
#   - direct: 127.0.0.1:18081, no proxy: the ceiling.
#   Loads: wrk -t1 -c64 (keep-alive GET /healthz) and wrk -t1 -c1000 -H 'Connection: close' (a new
#   connection per request); req/s, p99 (wrk --latency), and the proxy's CPU per request (utime+stime
#   of its process, /proc/PID/stat).
#   Pinning, for fairness on this 2-CPU host: the proxy under test (Trellis's JVM, all its threads, or
#   HAProxy) on CPU 0; wrk and both nginx on CPU 1. Each proxy has one core and one event loop; the
#   idle one waits on CPU 0 while the other is measured.
# Part 2, the real path: `trellis lab up --nodes 2 --managers 1`, service web (2 replicas pinned to
#   node2, --publish 8080:80, `trellis workload http --port 80`), then wrk -t1 -c64 from node1's
#   namespace to node1's address:8080 (node1 relays over the ingress overlay to node2's tasks) and to
#   node2's address:8080 (tasks on the listening node: the proxy dials inside each task's namespace).
#   Not pinned: agents, tasks and wrk go where the kernel puts them.
# Every target first runs unrecorded (the JITs); then each repeat runs every part-1 target under both
# loads, in an order that rotates per repeat, and both lab targets, alternating: load from other work
# on the host falls on every path alike. Medians of --repeat, ratios from the same run, the load
# average at both ends.
#
# Safety: it holds /tmp/trellis-bench.lock for the whole run (do not wrap it in flock) and
# /tmp/trellis-lab.lock while it uses the lab; a lab already up is waited for (every 30 s, at most
# 20 min), never replaced. Part 1's traffic stays in its namespace, part 2's in the lab's; every wait
# is bounded; an EXIT trap stops wrk, both proxies and both nginx by PID, takes the lab down, deletes
# the namespace and its temporary directory, on success, failure or Ctrl-C. See perf/README.md.
set -euo pipefail

duration=10
repeat=3

# shellcheck source=lib/netns-bench.sh
. "$(dirname "$0")/lib/netns-bench.sh" # die, parse_args, install_pkg, stop_pid, proc_ticks, stats, ratio_of
# shellcheck source=lib/cluster-bench.sh
. "$(dirname "$0")/lib/cluster-bench.sh" # build_if_stale, run/stop_child (traps fire at once), host_date_line
parse_args --duration=duration:1:300 --repeat=repeat:1:20 -- "$@"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# ---------------------------------------------------------------- preconditions (one line each)
((EUID == 0)) || die "must run as root (it creates network namespaces and a lab): sudo perf/$bench.sh"
(($(nproc) >= 2)) || die "needs 2 CPUs (the proxy on CPU 0, wrk and the backends on CPU 1); this host has $(nproc)"
command -v ip >/dev/null || die "'ip' is missing: apt-get install -y iproute2"
command -v ss >/dev/null || die "'ss' is missing: apt-get install -y iproute2"
need_java
command -v timeout >/dev/null || die "'timeout' is missing: apt-get install -y coreutils"
command -v taskset >/dev/null || die "'taskset' is missing: apt-get install -y util-linux"
command -v flock >/dev/null || die "'flock' is missing: apt-get install -y util-linux"
[[ -x ./trellis ]] || die "./trellis is missing: run this from a Trellis checkout"
install_pkg jq jq
install_pkg wrk wrk
install_pkg haproxy haproxy
install_pkg nginx nginx
haproxy -v 2>/dev/null | grep -q 'version 2\.6\.' ||
  echo "$bench: note: $(haproxy -v 2>/dev/null | head -1) is not HAProxy 2.6, the version this compares against" >&2
# wrk -c1000 and each proxy (two sockets per connection; HAProxy sizes itself for maxconn 4096) need
# more descriptors than the usual 1024: as many as the hard limit allows, at least 10,000.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[[ $(ulimit -n) == unlimited ]] || (($(ulimit -n) >= 10000)) ||
  die "the open-file limit is $(ulimit -n) (hard $(ulimit -Hn)); wrk -c1000 and both proxies need 10,000: raise it (ulimit -Hn)"

exec {bench_lock}>/tmp/trellis-bench.lock
flock -w 1200 "$bench_lock" || die "waited 20 min for /tmp/trellis-bench.lock; another benchmark is running"
build_if_stale # perf/target/benchmarks.jar and the agent jar, when a source is newer

# ---------------------------------------------------------------- state and teardown
NS="tingress-$$"
ip netns list | grep -q "^$NS\b" && die "network namespace $NS already exists"
N1=trellis-node1 # the lab's node1 namespace: part 2's client runs there
work="$(mktemp -d "/tmp/$bench.XXXXXX")"
results="$work/results"
: >"$results"
trellis_pid="" haproxy_pid="" nginx1_pid="" nginx2_pid=""
ns_made=false lab_up=false
cleanup() { # EXIT trap: stops wrk, the proxies and nginx by PID, takes the lab down, deletes $NS and $work
  stop_child
  stop_pid "$trellis_pid" TERM
  stop_pid "$haproxy_pid" TERM
  stop_pid "$nginx1_pid" TERM
  stop_pid "$nginx2_pid" TERM
  if $lab_up; then
    timeout 120 java -jar "$work/trellis.jar" lab down >/dev/null 2>&1 ||
      echo "$bench: 'lab down' failed; run: trellis lab down" >&3
  fi
  if $ns_made; then ip netns del "$NS" 2>/dev/null || true; fi
  rm -rf "$work"
}
# fd 3 is the script's own stderr: a trap runs under the redirections of the command it interrupted.
exec 3>&2
trap cleanup EXIT
trap 'echo "$bench: interrupted; cleaned up" >&3; exit 130' INT
trap 'echo "$bench: terminated; cleaned up" >&3; exit 143' TERM

# Private copies: a build started by anyone during the run can neither rebuild nor rewrite the jars
# under the running JVMs (the lab's agents run from the jar that ran `lab up`).
private_jars
jar="$work/trellis.jar"

tcli() { # tcli ARG...: the CLI from the private jar, with the launcher's flags for a short client call
  java -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC -Xmx64m -Xss512k -XX:-UsePerfData \
    -jar "$jar" "$@"
}

busiest() { # busiest: the 4 processes using most CPU over one second, "name N%, ..."
  top -b -n 2 -d 1 -o %CPU 2>/dev/null |
    awk '/^ *PID/ { n++; next } n == 2 && c < 4 && NF >= 12 { printf "%s%s %s%%", (c++ ? ", " : ""), $12, $9 }'
}
warmup=10 # seconds of each target and load before the first recorded repeat
est=$((120 + 4 * 2 * warmup + 10 + repeat * 8 * (duration + 1)))
load_start="$(load_avg)"
echo "## $bench"
echo
host_date_line
echo "- $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(systemd-detect-virt 2>/dev/null || echo 'virt: unknown');" \
  "kernel $(uname -r); $(java -version 2>&1 | head -1)"
echo "- $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-3), $(haproxy -v | head -1 | cut -d' ' -f1-3), $(nginx -v 2>&1 | sed 's/^nginx version: //')"
echo "- load average at the start: $load_start; busiest processes now: $(busiest)"
echo "- Trellis proxy JVM: the agent's flags (-Xms16m -Xmx128m, serial GC)${TRELLIS_JAVA_OPTS:+, then TRELLIS_JAVA_OPTS=$TRELLIS_JAVA_OPTS}"
echo "- wrk -d $duration x $repeat per target and load (after ${warmup} s unrecorded each); about $((est / 60)) min $((est % 60)) s"
echo

# ---------------------------------------------------------------- part 2's lab, first: it may have to wait
exec {lab_lock}>/tmp/trellis-lab.lock
flock -w 1200 "$lab_lock" || die "waited 20 min for /tmp/trellis-lab.lock; someone else is using the lab"
lab_in_use() { # lab_in_use: true while a lab is up (its state file, or a node namespace)
  [[ -e /run/trellis/lab/lab.json ]] || ip netns list | grep -q '^trellis-'
}
deadline=$((SECONDS + 1200))
while lab_in_use; do
  ((SECONDS < deadline)) || die "a lab has been up for 20 min (/run/trellis/lab/lab.json); not replacing it"
  echo "$bench: a lab is up (another developer's?); waiting for it to go (every 30 s, at most 20 min)" >&2
  sleep 30
done

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
read -r U2 pid2 _ <<<"$(lab_row node2)"
[[ -n ${U1:-} && -n ${U2:-} && ${sock1:-} == unix:///* ]] ||
  { cat "$work/lab.log" >&2; die "could not read the nodes' addresses and sockets from lab up's table (above)"; }
H1=$sock1
agent_pids=()
for p in "${pid1:-}" "${pid2:-}"; do
  if [[ $p =~ ^[0-9]+$ ]]; then agent_pids+=("$p"); fi
done
echo "   node1 $U1 (agent pid ${pid1:-?}), node2 $U2 (agent pid ${pid2:-?})"

echo "== service web: 2 replicas on node2, --publish 8080:80"
tcli service create -H "$H1" -d --name web --replicas 2 --constraint node.hostname==node2 --publish 8080:80 \
  bench trellis workload http --port 80 >/dev/null || die "service create web failed"
running_tasks() { # running_tasks: how many tasks of web run on node2 and are meant to
  tcli service ps --format json -H "$H1" web 2>/dev/null | jq -r '[.[] | select(.state == "Running"
    and .desiredState == "Running" and .node == "node2")] | length' 2>/dev/null || echo 0
}
deadline=$((SECONDS + 90))
until (($(running_tasks) == 2)); do
  ((SECONDS < deadline)) || die "service web has not 2 running tasks on node2 after 90 s: trellis service ps web -H $H1"
  sleep 0.5
done
# As the lab tests wait: a fetch through the port until both tasks have answered (each fetch is a new
# connection, balanced anew), through node1 (relayed) and node2 (local tasks).
answering() { # answering ADDRESS: how many distinct tasks answered 6 fetches of ADDRESS:8080 from node1's namespace
  timeout 30 ip netns exec "$N1" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m -XX:-UsePerfData -jar "$jar" \
    workload fetch "http://$1:8080/" --count 6 --timeout-ms 2000 2>/dev/null |
    awk '/^[0-9]+: web\./ { print $2 }' | sort -u | wc -l || true
}
for a in "$U1" "$U2"; do
  deadline=$((SECONDS + 60))
  until (($(answering "$a") == 2)); do
    ((SECONDS < deadline)) || die "$a:8080 did not answer from both tasks of web within 60 s (from $N1)"
    sleep 0.5
  done
done
echo "   both tasks answer on $U1:8080 (relayed by node1) and $U2:8080 (node2, local tasks)"

# ---------------------------------------------------------------- part 1: namespace, backends, proxies
echo "== namespace $NS: nginx on 127.0.0.1:18081/18082 (CPU 1), Trellis on :18090 and HAProxy on 127.0.0.1:18091 (CPU 0)"
ip netns add "$NS"
ns_made=true
ip -n "$NS" link set lo up
# Its own port range, all of it: 1,000 short connections at a time leave many ports in TIME_WAIT.
ip netns exec "$NS" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" ||
  die "could not set the port range in $NS (sysctl)"

listens() { # listens PORT: up to 10 s for a TCP listener on PORT in $NS
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -n "$(ip netns exec "$NS" ss -Hltn "sport = :$1" 2>/dev/null)" ]] && return 0
    sleep 0.1
  done
  return 1
}
answers() { # answers PORT: true when GET /healthz on 127.0.0.1:PORT in $NS is answered 200
  timeout 5 ip netns exec "$NS" bash -c 'exec 5<>"/dev/tcp/127.0.0.1/$1" && printf "GET /healthz HTTP/1.0\r\n\r\n" >&5 &&
    head -c 15 <&5' _ "$1" 2>/dev/null | grep -q '^HTTP/1\.[01] 200'
}

nginx_conf() { # nginx_conf PORT: a one-worker nginx answering "ok" on 127.0.0.1:PORT, nothing written but its pid
  local d="$work/nginx-$1"
  mkdir -p "$d"
  cat >"$d/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 8192;
pid $d/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $d/body;
  proxy_temp_path $d/proxy;
  fastcgi_temp_path $d/fastcgi;
  uwsgi_temp_path $d/uwsgi;
  scgi_temp_path $d/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$1 backlog=4096;
    location / { return 200 "ok\n"; }
  }
}
EOF
  echo "$d"
}
d=$(nginx_conf 18081)
ip netns exec "$NS" taskset -c 1 nginx -e stderr -p "$d" -c "$d/nginx.conf" >"$d/out.log" 2>&1 &
nginx1_pid=$!
d=$(nginx_conf 18082)
ip netns exec "$NS" taskset -c 1 nginx -e stderr -p "$d" -c "$d/nginx.conf" >"$d/out.log" 2>&1 &
nginx2_pid=$!
for p in 18081 18082; do
  listens "$p" || { cat "$work/nginx-$p/out.log" >&2; die "nginx does not listen on 127.0.0.1:$p in $NS (output above)"; }
done

cat >"$work/haproxy.cfg" <<EOF
global
    nbthread 1
    maxconn 4096
defaults
    mode tcp
    timeout connect 2s
    timeout client 2h
    timeout server 2h
frontend published
    bind 127.0.0.1:18091
    default_backend tasks
backend tasks
    balance roundrobin
    server t1 127.0.0.1:18081
    server t2 127.0.0.1:18082
EOF
haproxy -c -q -f "$work/haproxy.cfg" || die "haproxy rejects the generated configuration ($work/haproxy.cfg)"
ip netns exec "$NS" taskset -c 0 haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
listens 18091 || { cat "$work/haproxy.log" >&2; die "haproxy does not listen on 127.0.0.1:18091 (output above)"; }

# The agent's JVM flags (SelfLauncher.AGENT_JVM_FLAGS, less the Ratis ones), as a node runs its proxies.
agent_java=(-Xms16m -Xmx128m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=40 -XX:+UseSerialGC
  -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:-UsePerfData)
# shellcheck disable=SC2086 # TRELLIS_JAVA_OPTS is a list of flags
MALLOC_ARENA_MAX=2 ip netns exec "$NS" taskset -c 0 java "${agent_java[@]}" ${TRELLIS_JAVA_OPTS:-} \
  -cp "$work/benchmarks.jar" io.trellis.perf.ingress.PublishedPortProxy --port 18090 --threads 1 \
  --transport io_uring --backend 127.0.0.1:18081 --backend 127.0.0.1:18082 >"$work/trellis.log" 2>&1 &
trellis_pid=$!
for ((i = 0; i < 300; i++)); do
  grep -q '^proxy up:' "$work/trellis.log" && break
  kill -0 "$trellis_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q '^proxy up:' "$work/trellis.log" ||
  { cat "$work/trellis.log" >&2; die "the Trellis proxy did not start listening within 30 s (output above)"; }
echo "   $(grep '^proxy up:' "$work/trellis.log")"
for p in 18081 18082 18090 18091; do
  answers "$p" || die "GET /healthz on 127.0.0.1:$p in $NS is not answered 200"
done

# ---------------------------------------------------------------- measurement
to_ms() { # to_ms VALUE: wrk's latency (850.00us, 1.20ms, 2.00s, 1.00m) in milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    printf "%.3f", (u == "us") ? n / 1000 : (u == "s") ? n * 1000 : (u == "m") ? n * 60000 : n }'
}

# measure LOAD TARGET REP: one wrk run; LOAD ka (-c64 keep-alive) or close (-c1000, Connection: close);
# TARGET trellis, haproxy, direct (part 1) or node1, node2 (part 2); REP 0 is the warm-up, not recorded.
# Records "rps LOAD TARGET REP req/s requests 0 cpu-ticks", "p99 LOAD TARGET REP ms 0 0 0" and
# "err LOAD TARGET REP errors 0 0 0"; cpu-ticks are the proxy's (part 1) or both agents' (part 2).
measure() {
  local load=$1 target=$2 rep=$3 t=$duration url cmd args=(-t1 --latency) pids=() j0 ticks ok=1 out rps p99 n errs
  ((rep == 0)) && t=$warmup
  case $load in
    ka) args+=(-c64) ;;
    close) args+=(-c1000 -H 'Connection: close') ;;
  esac
  case $target in
    trellis) url=http://127.0.0.1:18090/healthz pids=("$trellis_pid") ;;
    haproxy) url=http://127.0.0.1:18091/healthz pids=("$haproxy_pid") ;;
    direct) url=http://127.0.0.1:18081/healthz ;;
    node1) url=http://$U1:8080/healthz pids=("${agent_pids[@]}") ;;
    node2) url=http://$U2:8080/healthz pids=("${agent_pids[@]}") ;;
  esac
  case $target in
    node1 | node2) cmd=(ip netns exec "$N1" wrk) ;;
    *) cmd=(ip netns exec "$NS" taskset -c 1 wrk) ;;
  esac
  out="$work/wrk.out"
  j0=$(proc_ticks "${pids[@]}")
  run timeout $((t + 30)) "${cmd[@]}" "${args[@]}" -d "${t}s" "$url" >"$out" 2>&1 || ok=""
  ticks=$(($(proc_ticks "${pids[@]}") - j0))
  ((rep == 0)) && return 0
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  n=$(awk '/ requests in / { print $1 }' "$out")
  p99=$(awk '$1 == "99%" { print $2; exit }' "$out")
  errs=$(awk '/Socket errors:/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 } /Non-2xx or 3xx/ { e += $NF } END { print e + 0 }' "$out")
  if [[ -z $ok || -z $rps || -z $p99 || -z $n ]]; then
    echo "   $load $target run $rep: FAILED ($(tail -n 1 "$out" 2>/dev/null))" >&2
    echo "rps $load $target $rep FAIL 0 0 0" >>"$results"
    return 0
  fi
  p99=$(to_ms "$p99")
  echo "rps $load $target $rep $rps $n 0 $ticks" >>"$results"
  echo "p99 $load $target $rep $p99 0 0 0" >>"$results"
  echo "err $load $target $rep $errs 0 0 0" >>"$results"
  printf '   %-5s %-8s run %d: %9.0f req/s  p99 %8.2f ms  errors %s\n' "$load" "$target" "$rep" "$rps" "$p99" "$errs"
}

echo "== warm-up, ${warmup} s each, not recorded (the JITs; nginx and HAProxy alike)"
for load in ka close; do
  for target in trellis haproxy direct; do measure "$load" "$target" 0; done
done
measure ka node1 0
measure ka node2 0

echo "== $repeat round(s): Trellis, HAProxy, direct under both loads (order rotates), then node1 and node2 (alternating)"
part1=(trellis haproxy direct)
for ((rep = 1; rep <= repeat; rep++)); do
  for load in ka close; do
    for ((k = 0; k < 3; k++)); do measure "$load" "${part1[(k + rep - 1) % 3]}" "$rep"; done
  done
  if ((rep % 2)); then measure ka node1 "$rep"; measure ka node2 "$rep"; else measure ka node2 "$rep"; measure ka node1 "$rep"; fi
done
load_end="$(load_avg)"

# ---------------------------------------------------------------- report
hz=$(getconf CLK_TCK)
us_per_req() { # us_per_req TICKS REQUESTS: CPU microseconds per request, "-" without requests
  awk -v j="$1" -v n="$2" -v hz="$hz" 'BEGIN { if (n > 0) printf "%.1f", j / hz * 1e6 / n; else print "-" }'
}
errors_of() { # errors_of LOAD TARGET: errors summed over the recorded runs
  awk -v l="$1" -v t="$2" '$1 == "err" && $2 == l && $3 == t { e += $5 } END { print e + 0 }' "$results"
}
label() {
  case $1 in
    trellis) echo "Trellis RoutingMesh, 1 io_uring loop" ;;
    haproxy) echo "HAProxy, mode tcp, nbthread 1" ;;
    direct) echo "direct to one backend" ;;
    node1) echo "node1:8080, relayed to node2's tasks" ;;
    node2) echo "node2:8080, tasks on that node" ;;
  esac
}
load_label() {
  case $1 in
    ka) echo "keep-alive, -c64" ;;
    close) echo "Connection: close, -c1000" ;;
  esac
}
declare -A med p99med
row() { # row LOAD TARGET CPU-COLUMN-TITLE: one line of a table; sets med[LOAD TARGET] and p99med[LOAD TARGET]
  local load=$1 target=$2 m lo hi cnt n ticks p dmed cpu
  read -r m lo hi cnt n _ ticks <<<"$(stats rps "$load" "$target")"
  read -r p _ <<<"$(stats p99 "$load" "$target")"
  if ((cnt == 0)); then
    printf '%-27s %-38s %9s\n' "$(load_label "$load")" "$(label "$target")" FAIL
    return 0
  fi
  med[$load $target]=$m p99med[$load $target]=$p
  dmed=${med[$load direct]:-}
  cpu="-"
  [[ $target != direct ]] && cpu=$(us_per_req "$ticks" "$n")
  printf '%-27s %-38s %9.0f %15s %9.2f %9s %9s %7s\n' "$(load_label "$load")" "$(label "$target")" "$m" \
    "$(printf '%.0f-%.0f' "$lo" "$hi")" "$p" "$( [[ -n $dmed ]] && ratio_of "$m" "$dmed" || echo -)" "$cpu" \
    "$(errors_of "$load" "$target")"
}
echo
echo "Part 1: one published port, proxy against proxy. wrk -t1 -d $duration, GET /healthz, median of $repeat (min-max);"
echo "  p99 = median of the runs' p99; vs direct = req/s / direct median; proxy CPU = the proxy process's"
echo "  utime+stime per request over all runs. Proxy on CPU 0; wrk and both nginx backends on CPU 1."
printf '%-27s %-38s %9s %15s %9s %9s %9s %7s\n' load target "req/s" "min-max" "p99 ms" "vs direct" "CPU us/rq" errors
for load in ka close; do
  for target in direct trellis haproxy; do row "$load" "$target"; done
done
echo
echo "Trellis / HAProxy, same run (req/s: higher is better; p99: lower is better):"
for load in ka close; do
  t=${med[$load trellis]:-} h=${med[$load haproxy]:-} tp=${p99med[$load trellis]:-} hp=${p99med[$load haproxy]:-}
  if [[ -z $t || -z $h ]]; then
    printf '  %-27s -\n' "$(load_label "$load")"
    continue
  fi
  verdict=$(awk -v t="$t" -v h="$h" -v tp="$tp" -v hp="$hp" 'BEGIN {
    met = (t >= h && tp <= hp) ? "met" : "not met"; goal = (t >= 1.3 * h) ? "met" : "not met"
    printf "target (>= 1.0x req/s, p99 <= HAProxy) %s; product goal 1.3x %s", met, goal }')
  printf '  %-27s req/s %s, p99 %s; %s\n' "$(load_label "$load")" "$(ratio_of "$t" "$h")" "$(ratio_of "$tp" "$hp")" "$verdict"
done

echo
echo "Part 2: the published port in a 2-node lab (service web: 2 tasks on node2, trellis workload http), wrk -t1 -c64"
echo "  -d $duration from node1's namespace, GET /healthz, median of $repeat (min-max); agents CPU = both lab agents'"
echo "  utime+stime per request; not pinned."
printf '%-27s %-38s %9s %15s %9s %9s %9s %7s\n' load target "req/s" "min-max" "p99 ms" "vs node2" "CPU us/rq" errors
for target in node2 node1; do
  read -r m lo hi cnt n _ ticks <<<"$(stats rps ka "$target")"
  read -r p _ <<<"$(stats p99 ka "$target")"
  if ((cnt == 0)); then
    printf '%-27s %-38s %9s\n' "$(load_label ka)" "$(label "$target")" FAIL
    continue
  fi
  med[ka $target]=$m
  printf '%-27s %-38s %9.0f %15s %9.2f %9s %9s %7s\n' "$(load_label ka)" "$(label "$target")" "$m" \
    "$(printf '%.0f-%.0f' "$lo" "$hi")" "$p" "$(ratio_of "$m" "${med[ka node2]:-}")" "$(us_per_req "$ticks" "$n")" \
    "$(errors_of ka "$target")"
done

# The proxy's counters are printed when it stops: stop it here, before the report ends.
stop_pid "$trellis_pid" TERM
trellis_pid=""
grep '^proxy counters' "$work/trellis.log" | sed 's/^/Trellis /' || true
echo
echo "load average at the end: $load_end (at the start: $load_start); busiest processes now: $(busiest)"
if grep -q ' FAIL ' "$results"; then
  echo
  die "$(grep -c ' FAIL ' "$results") run(s) failed (see the lines marked FAILED above)"
fi
