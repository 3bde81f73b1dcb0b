#!/usr/bin/env bash
# JMH micro-benchmarks of the data-plane hot paths (perf/src/main/java/io/trellis/perf/), with the
# GC profiler so every result shows its allocation per operation next to its time.
#
#   perf/bench-jmh.sh [JMH options or a benchmark regex]
#
# Defaults: -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc (about a minute and a half on 2 cores); anything
# given is appended and overrides them, e.g. `perf/bench-jmh.sh -i 10 SwitchForward`. Builds
# perf/target/benchmarks.jar when it is missing or older than a source file. Prints a table of
# ns/op and B/op (gc.alloc.rate.norm); hot paths should show 0 (below 0.5 B/op is JMH's own noise:
# one object costs at least 16 bytes). Full JMH output goes to perf/target/jmh.log, results to
# perf/target/jmh.json.
set -euo pipefail

die() {
  echo "bench-jmh: $*" >&2
  exit 1
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v java >/dev/null || die "'java' is missing: install a JDK 17 (apt-get install -y openjdk-17-jdk-headless)"
command -v jq >/dev/null || die "'jq' is missing: apt-get install -y jq"
jar="$root/perf/target/benchmarks.jar"

stale() {
  [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$root" -path "$root/.git" -prune -o \
        \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit)" ]]
}
if stale; then
  command -v mvn >/dev/null || die "'mvn' is missing (needed to build $jar): apt-get install -y maven"
  echo "bench-jmh: building perf/target/benchmarks.jar (mvn -B -q -pl perf -am package -DskipTests)..." >&2
  if ! log="$(mvn -B -q -pl perf -am package -DskipTests 2>&1)"; then
    printf '%s\n' "$log" >&2
    die "the build failed (Maven output above)"
  fi
fi

json="$root/perf/target/jmh.json"
log="$root/perf/target/jmh.log"
# JMH rejects an option given twice, so the defaults are merged with what was given.
declare -A opt=([-f]=1 [-wi]=3 [-i]=5 [-w]=1s [-r]=1s)
order=(-f -wi -i -w -r)
rest=()
while (($#)); do
  if [[ -n ${opt[$1]+set} && $# -ge 2 ]]; then
    opt[$1]=$2
    shift 2
  else
    rest+=("$1")
    shift
  fi
done
args=()
for o in "${order[@]}"; do args+=("$o" "${opt[$o]}"); done
args+=(-prof gc "${rest[@]}")
echo "bench-jmh: java -jar perf/target/benchmarks.jar ${args[*]}" >&2
echo "bench-jmh: $(nproc) CPUs, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if ! java -jar "$jar" "${args[@]}" -rf json -rff "$json" >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  die "JMH failed (last lines above; all of it in perf/target/jmh.log)"
fi

echo
printf '%-52s %12s %10s %-6s %10s\n' benchmark score "± 99.9%" unit "B/op"
jq -r '.[] | [ .benchmark,
               .primaryMetric.score, .primaryMetric.scoreError, .primaryMetric.scoreUnit,
               (.secondaryMetrics["gc.alloc.rate.norm"].score // "n/a") ] | @tsv' "$json" |
  while IFS=$'\t' read -r bench score err unit alloc; do
    [[ $err =~ ^[0-9.eE+-]+$ ]] && err="$(printf '%.1f' "$err")" || err="-"
    [[ $alloc =~ ^[0-9.eE+-]+$ ]] && alloc="$(printf '%.3f' "$alloc")"
    printf '%-52s %12.1f %10s %-6s %10s\n' "${bench#io.trellis.perf.}" "$score" "$err" "$unit" "$alloc"
  done
