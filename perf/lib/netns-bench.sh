# shellcheck shell=bash
# Shell helpers shared by the namespace benchmarks (bench-overlay.sh, bench-encrypted.sh): arguments
# and preconditions, the two namespaces and their veth, one iperf3 run and its record, the report's
# statistics. Sourcing it only defines functions and $bench; it sends no traffic and creates nothing.
# The functions that touch namespaces use only $A and $B, which netns_state names after the PID.

bench="$(basename "$0" .sh)" # the script's name, which starts every message

usage() { # usage: prints the synopsis, line 4 of the script's header comment
  sed -n '4p' "$0" | sed 's/^#  *//'
}

die() { # die MESSAGE...: prints "$bench: MESSAGE" on stderr and exits 1
  echo "$bench: $*" >&2
  exit 1
}

int_arg() { # int_arg NAME VALUE MIN MAX: dies unless VALUE is a whole number from MIN to MAX
  if ! [[ $2 =~ ^[0-9]+$ ]] || (($2 < $3 || $2 > $4)); then
    die "invalid $1 \"$2\": expected a whole number from $3 to $4"
  fi
}

parse_args() { # parse_args OPTION=VAR:MIN:MAX... -- ARG...: "OPTION N" sets VAR to N (int_arg); -h/--help prints the usage and exits 0
  local -A spec=()
  local var min max
  while [[ $1 != -- ]]; do
    spec[${1%%=*}]=${1#*=}
    shift
  done
  shift
  while (($#)); do
    [[ $1 == -h || $1 == --help ]] && { echo "usage: $(usage)"; exit 0; }
    [[ -n $1 && -n ${spec[$1]-} ]] || die "unknown argument \"$1\"; usage: $(usage)"
    IFS=: read -r var min max <<<"${spec[$1]}"
    int_arg "$1" "${2-}" "$min" "$max"
    printf -v "$var" '%s' "$2"
    shift 2
  done
}

apt_install() { # apt_install PACKAGE...: quietly, without recommends, with one apt-get update if needed; never fails
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; } || true
}

install_pkg() { # install_pkg COMMAND PACKAGE: installs PACKAGE when COMMAND is missing; dies if that fails
  command -v "$1" >/dev/null && return 0
  echo "$bench: installing $2 (apt-get install -y $2)..." >&2
  apt_install "$2"
  command -v "$1" >/dev/null || die "'$1' is missing and 'apt-get install -y $2' failed"
}

preconditions() { # preconditions: dies (one line) unless root with ip, ss, java, timeout and ./trellis; installs iperf3 and jq when missing
  ((EUID == 0)) || die "must run as root (it creates network namespaces): sudo perf/$bench.sh"
  command -v ip >/dev/null || die "'ip' is missing: apt-get install -y iproute2"
  command -v ss >/dev/null || die "'ss' is missing: apt-get install -y iproute2"
  command -v java >/dev/null || die "'java' is missing: install a JDK 17 (apt-get install -y openjdk-17-jdk-headless)"
  command -v timeout >/dev/null || die "'timeout' is missing: apt-get install -y coreutils"
  [[ -x ./trellis ]] || die "./trellis is missing: run this from a Trellis checkout"
  install_pkg iperf3 iperf3
  install_pkg jq jq
}

netns_state() { # netns_state PREFIX: names $A, $B (PREFIX-a-PID, PREFIX-b-PID), the addresses and $VNI; dies if a namespace of that name exists; makes $work and an empty $results
  A="$1-a-$$"
  B="$1-b-$$"
  UA=192.0.2.1 UB=192.0.2.2        # underlay (veth)
  # shellcheck disable=SC2034 # the scripts use the overlay addresses
  OA=198.51.100.1 OB=198.51.100.2  # overlay
  VNI=42
  # Before anything is made, so that the EXIT trap never deletes a namespace this run did not create.
  ip netns list | grep -q -e "^$A\b" -e "^$B\b" && die "network namespace $A or $B already exists"
  work="$(mktemp -d "/tmp/$1.XXXXXX")"
  results="$work/results"
  : >"$results"
  server_pid=""
  cleaned=""
}

netns_cleanup() { # netns_cleanup PID...: once per run; stops each PID (stop_pid TERM), deletes $A, $B and $work
  [[ -n $cleaned ]] && return 0
  cleaned=1
  local pid
  for pid in "$@"; do stop_pid "$pid" TERM; done
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}

stop_pid() { # stop_pid PID SIGNAL: signal, wait up to 10 s, then SIGKILL
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$2" "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

veth_pair() { # veth_pair: creates $A and $B joined by veth va (in A, $UA) - vb (in B, $UB), all up; dies unless it pings
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
}

kernel_vxlan() { # kernel_vxlan NS DEV LOCAL REMOTE INNER MTU: kernel VXLAN vx0 (VNI $VNI, UDP 4789) over DEV, INNER/24, up
  ip -n "$1" link add vx0 type vxlan id "$VNI" local "$3" remote "$4" dstport 4789 dev "$2"
  ip -n "$1" addr add "$5/24" dev vx0
  ip -n "$1" link set vx0 mtu "$6" up
}

await_up() { # await_up LOG PID: up to 30 s for a "tunnel up" line in LOG; fails early when PID exits
  local i
  for ((i = 0; i < 300; i++)); do
    grep -q '^tunnel up' "$1" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

sys_busy() { # busy jiffies of the whole host: user nice system irq softirq (not idle, iowait, steal)
  awk '/^cpu /{print $2+$3+$4+$7+$8; exit}' /proc/stat
}

wait_listen() { # wait_listen NS: up to 5 s for iperf3 to listen on 5201
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -n "$(ip netns exec "$1" ss -Hltn 'sport = :5201' 2>/dev/null)" ]] && return 0
    sleep 0.1
  done
  return 1
}

ping_ok() { # ping_ok NS DST: up to 10 tries
  local i
  for ((i = 0; i < 10; i++)); do
    ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 && return 0
  done
  return 1
}

proc_ticks() { # utime+stime of the PIDs given, in jiffies
  local t=0 p
  for p in "$@"; do
    [[ -n $p && -r /proc/$p/stat ]] && t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12+$13}')))
  done
  echo "$t"
}

# iperf_run CLIENT_NS SERVER_NS DST SECONDS WHO "PIDS" [IPERF3_ARG...]: one iperf3 run (server in
# SERVER_NS for one client, client to DST, JSON in $work/iperf.json); sets $run_ok (empty if the client
# failed), $run_sys (host busy jiffies) and $run_proc (jiffies of the space-separated PIDS) over the
# client's run. Fails, saying so with WHO, only when the server did not start listening.
iperf_run() {
  local cns=$1 sns=$2 dst=$3 t=$4 who=$5 pids s0 j0 s1 j1
  read -ra pids <<<"$6"
  shift 6
  ip netns exec "$sns" iperf3 -s -1 >/dev/null 2>&1 &
  server_pid=$!
  wait_listen "$sns" || { stop_pid "$server_pid" TERM; server_pid=""; echo "   $who: iperf3 server did not start" >&2; return 1; }
  run_ok=1
  s0=$(sys_busy); j0=$(proc_ticks "${pids[@]}")
  timeout $((t + 20)) ip netns exec "$cns" iperf3 -c "$dst" -t "$t" -J "$@" >"$work/iperf.json" 2>&1 || run_ok=""
  s1=$(sys_busy); j1=$(proc_ticks "${pids[@]}")
  stop_pid "$server_pid" TERM
  server_pid=""
  run_sys=$((s1 - s0)) run_proc=$((j1 - j0))
}

# iperf_record KEY REP JQ WHO: from the last iperf_run, $run_value = the JQ expression of its JSON;
# appends "KEY REP value bytes sys_ticks proc_ticks" to $results. When the run failed, appends
# "KEY REP FAIL 0 0 0", prints "   WHO run REP: FAILED (why)" on stderr, and fails.
iperf_record() {
  local out="$work/iperf.json" bytes
  run_value=""
  if [[ -n $run_ok ]]; then
    run_value=$(jq -r "$3" "$out" 2>/dev/null || true)
    bytes=$(jq -r '.end.sum_received.bytes' "$out" 2>/dev/null || true)
  fi
  if [[ -z $run_ok || -z $run_value || $run_value == null ]]; then
    echo "   $4 run $2: FAILED ($(jq -r '.error // empty' "$out" 2>/dev/null || head -c 200 "$out"))" >&2
    echo "$1 $2 FAIL 0 0 0" >>"$results"
    return 1
  fi
  echo "$1 $2 $run_value $bytes $run_sys $run_proc" >>"$results"
}

# stats KEY...: "median min max n sum_bytes sum_sys sum_proc" over the successful runs that
# iperf_record recorded under KEY (its words, matched against the leading fields of $results)
stats() {
  awk -v key="$*" -v n=$# '{ k=$1; for (i=2;i<=n;i++) k=k" "$i }
    k==key && $(n+2)!="FAIL" { v[c++]=$(n+2); b+=$(n+3); s+=$(n+4); j+=$(n+5) }
    END {
      if (c==0) { print "- - - 0 0 0 0"; exit }
      for (i=0;i<c;i++) for (x=i+1;x<c;x++) if (v[x]<v[i]) { t=v[i]; v[i]=v[x]; v[x]=t }
      med = (c%2) ? v[int(c/2)] : (v[c/2-1]+v[c/2])/2
      printf "%s %s %s %d %.0f %.0f %.0f\n", med, v[0], v[c-1], c, b, s, j }' "$results"
}

ratio_of() { # ratio_of A B: A/B as "0.00x", or "-" when either is empty or B is "-" or 0
  if [[ -n $1 && -n $2 ]]; then
    awk -v a="$1" -v b="$2" 'BEGIN{ if (b=="-"||b==0) print "-"; else printf "%.2fx", a/b }'
  else
    echo "-"
  fi
}

per_gb() { # per_gb TICKS BYTES: CPU seconds per GB moved, "0.00"
  awk -v t="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN{ printf "%.2f", (t/hz)/(b/1e9) }'
}

load_avg() { # load_avg: the 1, 5 and 15 minute load averages
  cut -d' ' -f1-3 /proc/loadavg
}
