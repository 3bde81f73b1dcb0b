#!/usr/bin/env bash
# The measuring half of perf/bench-ipvs.sh, run as root in a kernel that has IPVS: this host's, or
# Debian's inside a VM (io.trellis.perf.ipvs.InKernelVm). It needs only bash, ip, jq, nginx, java and
# the two jars; it writes nothing outside its namespaces and a temporary directory.
#
#   bash perf/lib/ipvs-paths.sh --jars DIR --duration S --warmup S --connections C --rounds N
#        [--reconnect 0|1] [--jvm "FLAGS"] [--progress FILE]
#
# Progress lines go to stderr and, with --progress, to FILE too (in the VM its console, which shows
# them even when the run never ends).
#
# Topology, all in namespaces named after this PID (tipvs-*-PID), so nothing touches the host's own:
#
#   s1 10.0.0.3 ─┐                      node (stands for the node's own namespace): br0 stands for the
#   s2 10.0.0.4 ─┼─ br0 ─ node ─ vext   ingress overlay; s1, s2 are the tasks, one-worker nginx on
#   sb 10.0.0.10 ┘   192.168.60.1/24    port 80; sb is the ingress sandbox
#                    └── ext 192.168.60.2: the client, `trellis loadtest` to 192.168.60.1:8080
#
# nginx rather than `trellis workload http` for the tasks (as in bench-ingress.sh): no JVM, so no
# warm-up and no GC next to the paths under test, and under emulation two fewer cold JVMs. Each
# answers like the workload's text form ("task: s1", "RemoteAddr: ..."), which the driver's check reads.
#
# In node, io.trellis.perf.ipvs.PublishedPortPaths serves 8080 in turn through IPVS (IpvsBalancer's
# IngressLink + IpvsPublishedPorts, as --lb ipvs programs them) and through the user-space relay
# (RoutingMesh, backend sockets made in sb, as --lb userspace serves them), switched over its stdin.
# Each round measures both (order alternating per round): a check that both tasks answer through the
# port, --warmup s of load unrecorded, then --duration s recorded. Prints Markdown on stdout.
set -euo pipefail

bench=ipvs-paths
die() { # die MESSAGE...: prints "ipvs-paths: MESSAGE" on stderr and exits 1
  echo "$bench: $*" >&2
  exit 1
}

jars="" duration=15 warmup=5 connections=16 rounds=1 reconnect=0 jvm="" progress=/dev/null
while (($#)); do
  (($# >= 2)) || die "$1 needs a value"
  case "$1" in
    --jars) jars="$2" ;;
    --duration) duration="$2" ;;
    --warmup) warmup="$2" ;;
    --connections) connections="$2" ;;
    --rounds) rounds="$2" ;;
    --reconnect) reconnect="$2" ;;
    --jvm) jvm="$2" ;;
    --progress) progress="$2" ;;
    *) die "unknown argument \"$1\"" ;;
  esac
  shift 2
done
[[ -f $jars/trellis.jar && -f $jars/benchmarks.jar ]] || die "--jars DIR must hold trellis.jar and benchmarks.jar"
for n in duration warmup connections rounds reconnect; do
  [[ ${!n} =~ ^[0-9]+$ ]] || die "--$n must be a whole number, got \"${!n}\""
done
for tool in ip jq nginx java; do
  command -v "$tool" >/dev/null || die "'$tool' is missing"
done

sfx=$$
node="tipvs-node-$sfx" s1="tipvs-s1-$sfx" s2="tipvs-s2-$sfx" sb="tipvs-sb-$sfx" ext="tipvs-ext-$sfx"
namespaces=("$node" "$s1" "$s2" "$sb" "$ext")
for n in "${namespaces[@]}"; do
  [[ ! -e /run/netns/$n ]] || die "network namespace $n already exists"
done
logs="$(mktemp -d /tmp/ipvs-paths.XXXXXX)"
pids=()
made=()
driver_pid="" driver_in="" driver_out="" # bash unsets the coproc's own variables once it has ended
# shellcheck disable=SC2206 # a list of JVM flags
java_flags=($jvm)

cleanup() { # EXIT: ends the driver (its end of input), the backends by PID, deletes the namespaces and logs
  local p n
  if [[ -n $driver_pid ]]; then
    eval "exec $driver_in>&-" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$driver_pid" 2>/dev/null || break; sleep 0.1; done
    kill "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # A JVM signalled while it starts can miss SIGTERM: 10 s, then SIGKILL.
  for ((i = 0; i < 100; i++)); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for n in "${made[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { # say LINE: a progress line, on stderr and to the --progress file
  echo "$1" >&2
  echo "ipvs-paths: $1" >>"$progress" 2>/dev/null || true
}

show_logs() { # show_logs: the tail of every log, on stderr (inside a VM they vanish with it)
  local f
  for f in "$logs"/*.log; do
    [[ -s $f ]] && { echo "--- $(basename "$f")" >&2; tail -n 15 "$f" >&2; }
  done
  return 0
}

# ---------------------------------------------------------------- topology
for n in "${namespaces[@]}"; do
  ip netns add "$n"
  made+=("$n")
  ip -n "$n" link set lo up
done
ip -n "$node" link add br0 type bridge
ip -n "$node" link set br0 up
for pair in "$s1 10.0.0.3" "$s2 10.0.0.4" "$sb 10.0.0.10"; do
  read -r n addr <<<"$pair"
  short="v${n#tipvs-}"
  short="${short%-"$sfx"}"
  ip -n "$node" link add "$short" type veth peer name eth0 netns "$n"
  ip -n "$node" link set "$short" master br0 up
  ip -n "$n" addr add "$addr/24" dev eth0
  ip -n "$n" link set eth0 up
done
ip -n "$node" link add vext type veth peer name eth0 netns "$ext"
ip -n "$node" addr add 192.168.60.1/24 dev vext
ip -n "$node" link set vext up
ip -n "$ext" addr add 192.168.60.2/24 dev eth0
ip -n "$ext" link set eth0 up
ip -n "$ext" route add default via 192.168.60.1

# ---------------------------------------------------------------- backends and the driver
nginx_conf() { # nginx_conf TASK: the directory of a one-worker nginx config answering as TASK on port 80
  local d="$logs/nginx-$1"
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
    listen 80 backlog=4096;
    default_type text/plain;
    location / { return 200 "task: $1\nRemoteAddr: \$remote_addr\n"; }
  }
}
EOF
  echo "$d"
}
for task in s1 s2; do
  d="$(nginx_conf "$task")"
  ip netns exec "${!task}" nginx -e stderr -p "$d" -c "$d/nginx.conf" >"$logs/$task.log" 2>&1 &
  pids+=($!)
done
say "topology up, nginx started in $s1 and $s2; starting the driver"
# The agent's JVM flags (SelfLauncher.AGENT_JVM_FLAGS, less the Ratis ones), as a node runs its relay.
coproc DRIVER {
  MALLOC_ARENA_MAX=2 exec ip netns exec "$node" java -Xms16m -Xmx128m -XX:MinHeapFreeRatio=10 \
    -XX:MaxHeapFreeRatio=40 -XX:+UseSerialGC -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m \
    -XX:-UsePerfData "${java_flags[@]}" -cp "$jars/benchmarks.jar" io.trellis.perf.ipvs.PublishedPortPaths \
    --sandbox "/run/netns/$sb" --client "/run/netns/$ext" --subnet 10.0.0.0/24 --overlay-if eth0 \
    --published 192.168.60.1:8080 --backend 10.0.0.3:80 --backend 10.0.0.4:80 2>"$logs/driver.log"
}
driver_pid=$DRIVER_PID
# Copies of the coproc's pipe ends: bash closes its own when the coproc ends, losing an unread last line.
# Only the copies stay open, so closing driver_in is the driver's end of input.
exec {driver_out}<&"${DRIVER[0]}" {driver_in}>&"${DRIVER[1]}"
eval "exec ${DRIVER[0]}<&- ${DRIVER[1]}>&-"

reply="" # the driver's last answer
expect() { # expect SECONDS: reads the driver's next line into $reply; dies (with the logs) unless it starts with "ok"
  if ! read -r -t "$1" -u "$driver_out" reply; then
    show_logs
    die "the driver did not answer within $1 s"
  fi
  [[ $reply == ok* ]] || { show_logs; die "driver: $reply"; }
}
ask() { # ask COMMAND SECONDS: sends COMMAND to the driver, then expect SECONDS
  echo "$1" >&"$driver_in"
  expect "$2"
}

expect 300 # a cold JVM (minutes under emulation)
say "- ${reply#ok }"

loadtest() { # loadtest SECONDS: `trellis loadtest` from ext to the published port; its JSON summary on stdout
  local extra=()
  ((reconnect)) && extra=(--reconnect)
  ip netns exec "$ext" java "${java_flags[@]}" -jar "$jars/trellis.jar" loadtest --target 192.168.60.1:8080 \
    --http /healthz -c "$connections" -d "${1}s" --timeout 10s --allow-any-target --json "${extra[@]}" \
    2>>"$logs/loadtest.log"
}

declare -A rps=() p50=() p99=() errs=()
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order=(ipvs userspace); else order=(userspace ipvs); fi
  for path in "${order[@]}"; do
    ask "$path" 120
    say "- round $r, ${reply#ok }"
    ((warmup == 0)) || loadtest "$warmup" >/dev/null || { show_logs; die "the warm-up load test failed"; }
    say "- round $r, $path: warmed up ${warmup} s, measuring ${duration} s"
    json="$(loadtest "$duration")" || { show_logs; die "the load test failed"; }
    ask stats 30
    say "- round $r, ${reply#ok }"
    rps[$path]+="$(jq -r '.requests_per_s' <<<"$json") "
    p50[$path]+="$(jq -r '.latency_p50_us' <<<"$json") "
    p99[$path]+="$(jq -r '.latency_p99_us' <<<"$json") "
    errs[$path]+="$(jq -r '.errors' <<<"$json") "
    say "- round $r, $path: $(jq -c '{requests, requests_per_s, errors, latency_p50_us, latency_p99_us, transport}' <<<"$json")"
  done
done

median() { # median NUMBER...: the middle value (the lower of the two middle ones for an even count)
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
ms() { # ms MICROSECONDS: as milliseconds, 2 decimals
  awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'
}

mode="keep-alive"
((reconnect)) && mode="a new connection per request (--reconnect)"
echo
# ASCII only below: KernelVm reads the VM's console as ISO-8859-1.
echo "One published port (192.168.60.1:8080 -> 2 one-worker nginx tasks), \`trellis loadtest -c $connections\`,"
echo "GET /healthz, $mode, ${duration} s recorded after ${warmup} s unrecorded; median of $rounds round(s)."
echo "Latency from each request's send time (closed loop)."
echo
echo "| path | req/s | p50 ms | p99 ms | errors (sum) | req/s per round |"
echo "|---|---:|---:|---:|---:|---|"
for path in ipvs userspace; do
  # shellcheck disable=SC2086 # space-separated lists of numbers
  {
    m_rps=$(median ${rps[$path]})
    m_p50=$(median ${p50[$path]})
    m_p99=$(median ${p99[$path]})
    sum_err=$(printf '%s\n' ${errs[$path]} | awk '{s += $1} END {print s}')
  }
  label="IPVS (--lb ipvs)"
  [[ $path == userspace ]] && label="user-space relay (--lb userspace)"
  printf '| %s | %.0f | %s | %s | %s | %s |\n' "$label" "$m_rps" "$(ms "$m_p50")" "$(ms "$m_p99")" "$sum_err" \
    "$(printf '%s' "${rps[$path]}" | awk '{for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), $i}')"
  printf -v "med_$path" '%s' "$m_rps"
done
echo
# shellcheck disable=SC2154 # med_ipvs and med_userspace are set by printf -v above
awk -v a="$med_ipvs" -v b="$med_userspace" 'BEGIN {
  if (b > 0) printf "IPVS / user space (req/s, medians): **%.2fx**\n", a / b; else print "IPVS / user space: - (no answers through the relay)" }'
