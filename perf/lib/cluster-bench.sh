# shellcheck shell=bash
# shellcheck disable=SC2154 # $root and $work are set by the sourcing script
# Shell helpers shared by the control-plane benchmarks (bench-raft.sh, bench-cluster.sh): messages,
# the Java precondition, building the jars when stale, running Java so that the scripts' traps fire
# at once, private copies of the jars, the host facts. Sourcing it only defines functions, $bench and
# $child; the functions expect $root (the checkout, also the working directory) and $work set.

bench="$(basename "$0" .sh)" # the script's name, which starts every message
child=""                     # the PID that run is waiting for, if any

die() { # die MESSAGE...: prints "$bench: MESSAGE" on stderr and exits 1
  echo "$bench: $*" >&2
  exit 1
}

need_java() { # need_java: dies unless java is on the PATH
  command -v java >/dev/null || die "'java' is missing: install a JDK 17 (apt-get install -y openjdk-17-jdk-headless)"
}

stale() { # stale: true when perf/target/benchmarks.jar or the agent jar is missing, or a pom.xml or main source is newer
  local jar="$root/perf/target/benchmarks.jar"
  [[ ! -f "$jar" || ! -f "$root/agent/dist/target/trellis.jar" ]] && return 0
  [[ -n "$(find "$root" -path "$root/.git" -prune -o \
        \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit)" ]]
}

build_if_stale() { # build_if_stale: when stale, mvn package of perf and what it needs (both jars); dies with Maven's output if that fails
  local log
  stale || return 0
  command -v mvn >/dev/null || die "'mvn' is missing (needed to build $root/perf/target/benchmarks.jar): apt-get install -y maven"
  echo "$bench: building (mvn -B -q -pl perf -am package -DskipTests)..." >&2
  if ! log="$(mvn -B -q -pl perf -am package -DskipTests 2>&1)"; then
    printf '%s\n' "$log" >&2
    die "the build failed (Maven output above)"
  fi
}

# Java runs in the background and the script waits for it: bash runs a trap only after the
# foreground command ends, so a SIGTERM to the script would otherwise wait out the whole run.
run() { # run COMMAND...: runs COMMAND in the background as $child and waits for it; returns its exit status
  "$@" &
  child=$!
  wait "$child"
  local rc=$?
  child=""
  return "$rc"
}

stop_child() { # stop_child: for the EXIT trap; stops and reaps the command run is waiting for, if any
  if [[ -n $child ]]; then
    kill "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
}

private_jars() { # private_jars: makes $work and copies perf/target/benchmarks.jar and the agent jar into it (benchmarks.jar, trellis.jar)
  mkdir -p "$work"
  cp "$root/perf/target/benchmarks.jar" "$work/benchmarks.jar"
  cp "$root/agent/dist/target/trellis.jar" "$work/trellis.jar"
}

host_date_line() { # host_date_line: the "- date: ...; code: ..." line of the host facts (UTC, commit, files changed)
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); code: $(git rev-parse --short HEAD) ($(git status --short | wc -l) files changed)"
}

load_avg() { # load_avg: the 1, 5 and 15 minute load averages
  cut -d' ' -f1-3 /proc/loadavg
}
