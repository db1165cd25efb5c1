#!/usr/bin/env bash
# Runs the JMH benchmarks from benchmarks/target/benchmarks.jar (building it first if it is missing or older than
# the sources), with -prof gc and JSON results in benchmarks/results/, then prints a compact table.
#
#   benchmarks/run.sh                         the whole suite (defaults for a 2-core machine)
#   benchmarks/run.sh -b Pick                 benchmarks whose name matches a regex
#   benchmarks/run.sh -b Pick -p policy=MAGLEV,RING_HASH -p hosts=100
#   benchmarks/run.sh --smoke                 everything once: 1 fork, no warm-up, one 100 ms iteration, first @Param
#   benchmarks/run.sh -b Route -- -t 2        anything after -- goes to JMH as is
#
# Environment: JAVA_HOME (else java on PATH); BENCH_MVN_ARGS (extra Maven arguments for the build, e.g. -o).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
results_dir="$here/results"

usage() {
  cat <<'USAGE'
usage: benchmarks/run.sh [options] [-- JMH arguments...]
  -b, --bench REGEX      benchmarks to run (JMH include regex; default: all)
  -p NAME=V1,V2          @Param values (repeatable; passed to JMH as -p)
  -f, --forks N          forks (default 1)
  -i, --iterations N     measurement iterations (default 5)
  -w, --warmup N         warm-up iterations (default 3)
  -r, --time TIME        time per measurement iteration (default 1s; JMH syntax: 1s, 500ms)
      --warmup-time TIME time per warm-up iteration (default 1s)
      --smoke            quick check that everything runs: 1 fork, no warm-up, one 100 ms iteration and only
                         the first value of each @Param (unless given with -p)
      --no-build         use benchmarks.jar as it is
  -l, --list             list the matching benchmarks and their parameters, then exit
  -h, --help             this text
USAGE
}

bench=""
forks=1
iterations=5
warmup=3
time=1s
warmup_time=1s
smoke=0
build=1
list=0
params=()
extra=()
while (($#)); do
  case "$1" in
    -b|--bench) bench="${2:?-b needs a regex}"; shift 2 ;;
    -p) [[ "${2:-}" == *=* ]] || { echo "run.sh: -p needs NAME=V1,V2" >&2; exit 2; }; params+=("$2"); shift 2 ;;
    -f|--forks) forks="${2:?--forks needs a number}"; shift 2 ;;
    -i|--iterations) iterations="${2:?--iterations needs a number}"; shift 2 ;;
    -w|--warmup) warmup="${2:?--warmup needs a number}"; shift 2 ;;
    -r|--time) time="${2:?--time needs a time}"; shift 2 ;;
    --warmup-time) warmup_time="${2:?--warmup-time needs a time}"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --no-build) build=0; shift ;;
    -l|--list) list=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  java="$(command -v java)"
else
  echo "run.sh: no java found; install a JDK 17+ or set JAVA_HOME" >&2
  exit 1
fi

# Build when the jar is missing or older than anything it is made of (sources and poms of the modules it shades).
stale=0
if [[ ! -f "$jar" ]]; then
  stale=1
elif [[ -n "$(find "$root/pom.xml" "$here/pom.xml" "$here/src/main" \
                   "$root"/{proxy-core,lb-algorithms,tls}/pom.xml "$root"/{proxy-core,lb-algorithms,tls}/src/main \
                   -newer "$jar" -type f -print -quit 2>/dev/null)" ]]; then
  stale=1
fi
if ((build && stale)); then
  echo "run.sh: building benchmarks.jar (mvn -DskipTests package -pl benchmarks -am)..." >&2
  build_log="$(mktemp)"
  # shellcheck disable=SC2086
  if ! (cd "$root" && mvn -B -q -DskipTests ${BENCH_MVN_ARGS:-} package -pl benchmarks -am) >"$build_log" 2>&1; then
    cat "$build_log" >&2
    rm -f "$build_log"
    echo "run.sh: the build failed" >&2
    exit 1
  fi
  rm -f "$build_log"
elif [[ ! -f "$jar" ]]; then
  echo "run.sh: $jar not found (and --no-build given)" >&2
  exit 1
fi

if ((list)); then
  exec "$java" -jar "$jar" -lp ${bench:+"$bench"}
fi

# The JVM flags bin/strait uses, for the forked benchmark JVMs (JMH forks with this same java).
version_line="$("$java" -version 2>&1 | head -n 1)"
ver="$(sed -E 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/' <<<"$version_line")"
major="${ver%% *}"
if [[ "$major" == "1" ]]; then major="${ver##* }"; fi
if [[ -z "$major" || "$major" -lt 17 ]]; then
  echo "run.sh: needs JDK 17 or newer; $java says: $version_line" >&2
  exit 1
fi
jvm_flags="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dio.netty.leakDetection.level=disabled"
if ((major >= 24)); then
  jvm_flags+=" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
fi

if ((smoke)); then
  forks=1
  warmup=0
  iterations=1
  time=100ms
  # The first value of every @Param of the selected benchmarks, unless the caller chose values with -p.
  given=" "
  for p in ${params[@]+"${params[@]}"}; do given+="${p%%=*} "; done
  declare -A first=()
  while IFS= read -r line; do
    if [[ "$line" =~ ^[[:space:]]+param\ \"([^\"]+)\"\ =\ \{([^,}]*) ]]; then
      name="${BASH_REMATCH[1]}"
      value="${BASH_REMATCH[2]}"
      [[ "$given" == *" $name "* ]] && continue
      # A name shared by classes with different first values gets each of them.
      if [[ -z "${first[$name]+x}" ]]; then
        first[$name]="$value"
      elif [[ ",${first[$name]}," != *",$value,"* ]]; then
        first[$name]+=",$value"
      fi
    fi
  done < <("$java" -jar "$jar" -lp ${bench:+"$bench"})
  for name in "${!first[@]}"; do params+=("$name=${first[$name]}"); done
fi

mkdir -p "$results_dir"
result="$results_dir/$(date +%Y-%m-%d-%H%M%S).json"
args=(-f "$forks" -wi "$warmup" -w "$warmup_time" -i "$iterations" -r "$time"
      -prof gc -rf json -rff "$result" -jvmArgsAppend "$jvm_flags")
((smoke)) && args+=(-foe true)
for p in ${params[@]+"${params[@]}"}; do args+=(-p "$p"); done
[[ -n "$bench" ]] && args+=("$bench")

{ printf "run.sh: java -jar benchmarks/target/benchmarks.jar"; printf " %q" "${args[@]}" ${extra[@]+"${extra[@]}"}; echo; } >&2
status=0
"$java" -jar "$jar" "${args[@]}" ${extra[@]+"${extra[@]}"} || status=$?

if [[ -s "$result" ]]; then
  echo
  echo "Results: ${result#"$root"/}"
  python3 - "$result" <<'PY'
import json, math, sys

def num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return float("nan")
    return f

def fmt(v, digits=3):
    return "" if math.isnan(v) else f"{v:,.{digits}f}"

rows = []
for r in json.load(open(sys.argv[1])):
    name = r["benchmark"].rsplit(".", 2)
    bench = ".".join(name[-2:])
    params = " ".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
    pm = r["primaryMetric"]
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    rows.append((bench, params, fmt(num(pm["score"])), fmt(num(pm["scoreError"])), pm["scoreUnit"],
                 fmt(num(alloc["score"]), 2) if alloc else "-"))

head = ("Benchmark", "Params", "Score", "± Error", "Unit", "B/op")
w = [max(len(str(x[i])) for x in rows + [head]) for i in range(len(head))]
left = (True, True, False, False, True, False)
def line(x):
    return "  ".join((str(c).ljust(w[i]) if left[i] else str(c).rjust(w[i])) for i, c in enumerate(x)).rstrip()
print(line(head))
for row in rows:
    print(line(row))
PY
fi
exit "$status"
