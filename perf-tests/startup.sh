#!/usr/bin/env bash
# Start-to-first-proxied-request: how long from launching `bin/strait run` until a request through Strait first gets
# a 200 from the backend. Repeats N times (a fresh JVM each time) and prints every run plus min / median / max.
#   perf-tests/startup.sh                                  # 5 runs on the default JDK (JAVA_HOME or java on PATH)
#   perf-tests/startup.sh -n 10 --java-home /usr/lib/jvm/temurin-25-jdk-amd64
# The backend is `python3 -m http.server` serving a small file; the measuring loop polls with curl every 10 ms.
set -euo pipefail

die() { echo "startup.sh: $*" >&2; exit 1; }

usage() {
    cat <<EOF
usage: perf-tests/startup.sh [-n RUNS] [--java-home DIR] [--keep]
  -n RUNS          how many cold starts to time (default 5)
  --java-home DIR  run Strait on the JDK in DIR (passed to bin/strait as JAVA_HOME)
  --keep           keep the temp dir (config, backend and Strait logs)
Environment: BACKEND_PORT (28090), STRAIT_PORT (28091), STRAIT_JAR and STRAIT_JAVA_OPTS (see bin/strait).
EOF
}

RUNS=5
JAVA_DIR=""
KEEP=0
BACKEND_PORT=${BACKEND_PORT:-28090}
STRAIT_PORT=${STRAIT_PORT:-28091}
POLL_LIMIT_S=30

while (($#)); do
    case $1 in
        -n) [[ $# -ge 2 ]] || die "-n needs a number"; RUNS=$2; shift 2 ;;
        --java-home) [[ $# -ge 2 ]] || die "--java-home needs a directory"; JAVA_DIR=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument '$1'" ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "-n: not a positive number: $RUNS"
if [[ -n $JAVA_DIR ]]; then
    [[ -x $JAVA_DIR/bin/java ]] || die "--java-home: no bin/java in $JAVA_DIR"
    export JAVA_HOME=$JAVA_DIR
fi
for t in curl python3 date sort awk; do
    command -v "$t" >/dev/null || die "needs $t"
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
strait="$here/bin/strait"
[[ -x $strait ]] || die "$strait not found"

TMP="$(mktemp -d -t strait-startup.XXXXXX)"
BACKEND_PID=""
STRAIT_PID=""

cleanup() {
    trap - EXIT INT TERM
    if [[ -n $STRAIT_PID ]] && kill -0 "$STRAIT_PID" 2>/dev/null; then kill -KILL "$STRAIT_PID" 2>/dev/null || true; fi
    if [[ -n $BACKEND_PID ]] && kill -0 "$BACKEND_PID" 2>/dev/null; then kill "$BACKEND_PID" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    if ((KEEP)); then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

now_ns() { date +%s%N; }

port_free "$BACKEND_PORT" || die "port $BACKEND_PORT (BACKEND_PORT) is in use"
port_free "$STRAIT_PORT" || die "port $STRAIT_PORT (STRAIT_PORT) is in use"

# The backend: a static file server; one small file is all the proxied request asks for.
mkdir -p "$TMP/www"
echo "hello from the startup backend" >"$TMP/www/index.txt"
python3 -m http.server "$BACKEND_PORT" --bind 127.0.0.1 --directory "$TMP/www" >"$TMP/backend.log" 2>&1 &
BACKEND_PID=$!
for _ in $(seq 1 500); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BACKEND_PORT/index.txt" || true)" == 200 ]] && break
    kill -0 "$BACKEND_PID" 2>/dev/null || { cat "$TMP/backend.log" >&2; die "the backend did not start"; }
    sleep 0.02
done

cat >"$TMP/strait.yaml" <<EOF
runtime: { drain_timeout: 1s }
listeners:
  - name: main
    address: 127.0.0.1:$STRAIT_PORT
    virtual_hosts:
      - domains: [ "*" ]
        routes: [ { match: { prefix: / }, cluster: backend } ]
clusters:
  - { name: backend, endpoints: [ { address: 127.0.0.1:$BACKEND_PORT } ] }
EOF

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/java}"
java_bin="${java_bin:-$(command -v java)}"
echo "# Strait start-to-first-proxied-request, $RUNS run(s)"
echo "- JDK: $("$java_bin" -version 2>&1 | head -n 1)"
echo "- $(nproc) CPU(s); polling curl every 10 ms; backend python3 http.server on :$BACKEND_PORT, Strait on :$STRAIT_PORT"
# Make sure the jar exists before timing (bin/strait builds it when missing, which must not count).
"$strait" version >/dev/null

url="http://127.0.0.1:$STRAIT_PORT/index.txt"
results=()
printf '%-5s %12s %22s\n' run first_200_ms strait_reported_ms
for i in $(seq 1 "$RUNS"); do
    port_free "$STRAIT_PORT" || die "port $STRAIT_PORT still in use before run $i"
    log="$TMP/strait-$i.log"
    t0=$(now_ns)
    "$strait" run -c "$TMP/strait.yaml" >"$log" 2>&1 &
    STRAIT_PID=$!
    ok=0
    deadline=$((t0 + POLL_LIMIT_S * 1000000000))
    while (($(now_ns) < deadline)); do
        if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" == 200 ]]; then
            ok=1
            break
        fi
        kill -0 "$STRAIT_PID" 2>/dev/null || break
        sleep 0.01
    done
    t1=$(now_ns)
    if ((!ok)); then
        cat "$log" >&2
        if kill -0 "$STRAIT_PID" 2>/dev/null; then
            die "run $i: no 200 through Strait within ${POLL_LIMIT_S}s"
        fi
        rc=0
        wait "$STRAIT_PID" || rc=$?
        STRAIT_PID=""
        die "run $i: Strait exited with status $rc before answering 200 (log above, if any)"
    fi
    ms=$(((t1 - t0) / 1000000))
    results+=("$ms")
    # The JVM uptime Strait logs on its start line (listeners bound), for comparison.
    reported=$(sed -nE 's/.* started in ([0-9]+) ms.*/\1/p' "$log" | head -n 1)
    printf '%-5s %12s %22s\n' "$i" "$ms" "${reported:-?}"
    kill -TERM "$STRAIT_PID" 2>/dev/null || true
    for _ in $(seq 1 1000); do kill -0 "$STRAIT_PID" 2>/dev/null || break; sleep 0.01; done
    kill -KILL "$STRAIT_PID" 2>/dev/null || true
    wait "$STRAIT_PID" 2>/dev/null || true
    STRAIT_PID=""
done

printf '%s\n' "${results[@]}" | sort -n | awk '
    { v[NR] = $1 }
    END {
        median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "min %d ms, median %g ms, max %d ms (%d runs)\n", v[1], median, v[NR], NR
    }'
