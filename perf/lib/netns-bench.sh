# Shell helpers shared by the namespace benchmarks (bench-overlay.sh, bench-encrypted.sh).
# Sourced after the script defines die(); nothing here sends traffic or creates anything.

int_arg() { # int_arg NAME VALUE MIN MAX
  [[ $2 =~ ^[0-9]+$ ]] && (($2 >= $3 && $2 <= $4)) || die "invalid $1 \"$2\": expected a whole number from $3 to $4"
}

stop_pid() { # stop_pid PID SIGNAL: signal, wait up to 10 s, then SIGKILL
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$2" "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
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
