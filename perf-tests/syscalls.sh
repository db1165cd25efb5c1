#!/usr/bin/env bash
# Where a proxy's CPU goes per request at a fixed rate: system calls by name (perf's syscalls:sys_enter_* tracepoints),
# context switches, user and system CPU, and TCP segments (nstat, machine-wide) per request, for Strait and nginx
# side by side under the same load as compare.sh's fixed-rate phase (1 KiB keep-alive, 64 connections; issue 13's
# "CPU per request at 10,000 req/s"). Each proxy runs alone on PROXY_CPU; strait-load and the nginx backend share
# LOAD_CPU. Writes perf-tests/results/<date>-syscalls.md. Needs perf with tracepoints (root); the counts, not the
# CPU figures, are what this is for: tracing costs CPU itself, so CPU per request comes from compare.sh.
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
CONF_DIR="$SCRIPT_DIR/conf"
RESULTS_DIR="$SCRIPT_DIR/results"
BACKEND_PORT=${BACKEND_PORT:-28080}
STRAIT_PORT=${STRAIT_PORT:-28081}
NGINX_PORT=${NGINX_PORT:-28082}
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
HOST=127.0.0.1
RATE=10000
WINDOW=6       # seconds counted, in the middle of a run of WINDOW + 8
WARMUP=10      # closed-loop warm-up of each proxy before counting (the JVM's JIT)
JAR=""
LOAD_JAR=""
KEEP=0
STARTUP_TIMEOUT=20
SCENARIO_FILE="$SCRIPT_DIR/scenarios/1kib-keepalive.conf"

usage() {
    cat <<EOF
Usage: perf-tests/syscalls.sh [options]
  -R RATE        fixed rate in requests/s (default $RATE)
  -d SECONDS     counting window (default $WINDOW)
  -w SECONDS     closed-loop warm-up of each proxy first (default $WARMUP)
  --jar PATH     Strait jar (default server/target/strait.jar)
  --load-jar PATH  strait-load jar (default perf-tests/target/strait-load.jar)
  --keep         keep the temp dir
Environment: STRAIT_TEMPLATE (Strait's config, default perf-tests/conf/strait.yaml; conf/strait-io-uring.yaml for
  io_uring), STRAIT_JAVA_OPTS, BACKEND_PORT STRAIT_PORT NGINX_PORT, PROXY_CPU LOAD_CPU.
Wrap it in the same lock as compare.sh when others measure on the machine.
EOF
}

SCRIPT_NAME=syscalls.sh
# shellcheck source=lib/harness.sh
source "$SCRIPT_DIR/lib/harness.sh"

while (($#)); do
    case $1 in
        -R) RATE=${2:?-R needs a value}; shift 2 ;;
        -d) WINDOW=${2:?-d needs a value}; shift 2 ;;
        -w) WARMUP=${2:?-w needs a value}; shift 2 ;;
        --jar) JAR=${2:?--jar needs a value}; shift 2 ;;
        --load-jar) LOAD_JAR=${2:?--load-jar needs a value}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
is_uint "$RATE" && ((RATE > 0)) || die "-R must be a positive whole number of requests/s"
is_uint "$WINDOW" && ((WINDOW > 0)) || die "-d must be a positive integer"
is_uint "$WARMUP" || die "-w must be a non-negative integer"
ensure_tools perf:linux-perf nstat:iproute2
[[ $(perf list 'syscalls:sys_enter_recvfrom' 2>/dev/null || true) == *sys_enter_recvfrom* ]] \
    || die "perf has no syscalls:sys_enter_* tracepoints here (root and tracefs needed)"
start_tmp strait-syscalls
ensure_load_jar
CLK_TCK=$(getconf CLK_TCK)
for p in "$BACKEND_PORT" "$STRAIT_PORT" "$NGINX_PORT"; do
    ! port_in_use "$p" || die "port $p is already in use"
done

BODY=$(make_body 1024 "$TMP/body.expected")
render() {
    render_template "$1" "$2" TMP "$TMP" BODY "$BODY" CONNECTIONS 64 BACKEND_PORT "$BACKEND_PORT" \
        STRAIT_PORT "$STRAIT_PORT" NGINX_PORT "$NGINX_PORT" -- -e "s|@SSL@||g" -e "s|@HTTP2@||g" \
        -e "s|# @BACKEND_H2@.*\$||"
}
render "$CONF_DIR/nginx-backend.conf" "$TMP/nginx-backend.conf"
start_pinned "$LOAD_CPU" "$TMP/backend.log" nginx -p "$TMP" -e "$TMP/backend.error.log" -c "$TMP/nginx-backend.conf"
wait_until "$STARTED_PID" "$STARTUP_TIMEOUT" answers "http://$HOST:$BACKEND_PORT/" \
    && check_body backend "http://$HOST:$BACKEND_PORT/" \
    || { show_log "$TMP/backend.error.log"; die "the nginx backend did not start"; }

load() {   # load PORT RATE SECONDS [strait-load options...]
    local port=$1 rate=$2 secs=$3
    shift 3
    taskset -c "$LOAD_CPU" env STRAIT_LOAD_JAR="$LOAD_JAR" "$ROOT/bin/strait-load" run --scenario "$SCENARIO_FILE" \
        --url "http://$HOST:$port/" --rate "$rate" --duration "${secs}s" --warmup 2s --quiet "$@"
}

# measure NAME PID PORT: the counts over WINDOW seconds in the middle of a fixed-rate run; NAME.perf, NAME.nstat,
# NAME.ticks ("user system" clock ticks) and NAME.kv (strait-load's figures for the whole run).
measure() {
    local name=$1 pid=$2 port=$3 lp u0 s0 u1 s1
    if ((WARMUP > 0)); then load "$port" 0 "$WARMUP" >/dev/null 2>&1 || die "warm-up of $name failed"; fi
    load "$port" "$RATE" $((WINDOW + 8)) --kv "$TMP/$name.kv" >"$TMP/$name.load.txt" 2>&1 &
    lp=$!
    sleep 6   # strait-load's own 2 s warm-up, then steady state
    read -r u0 s0 < <(awk '{ sub(/.*\) /, ""); print $12, $13 }' "/proc/$pid/stat")
    nstat -n >/dev/null
    perf stat -x, -o "$TMP/$name.perf" -e 'syscalls:sys_enter_*' -e context-switches -p "$pid" -- sleep "$WINDOW"
    nstat -z >"$TMP/$name.nstat" 2>/dev/null || true
    read -r u1 s1 < <(awk '{ sub(/.*\) /, ""); print $12, $13 }' "/proc/$pid/stat")
    echo "$((u1 - u0)) $((s1 - s0))" >"$TMP/$name.ticks"
    wait "$lp" || { cat "$TMP/$name.load.txt" >&2; die "strait-load failed against $name"; }
}

render "${STRAIT_TEMPLATE:-$CONF_DIR/strait.yaml}" "$TMP/strait.yaml"
ensure_strait_jar || die "$SKIP_REASON"
start_strait_pinned "$TMP/strait.log" "$TMP/strait.yaml"
wait_until "$STARTED_PID" "$STARTUP_TIMEOUT" answers "http://$HOST:$STRAIT_PORT/" \
    && check_body strait "http://$HOST:$STRAIT_PORT/" \
    || { show_log "$TMP/strait.log"; die "Strait did not start"; }
STRAIT_PID=$(java_pid "$STARTED_PID")
log "Strait up (pid $STRAIT_PID); counting at $RATE req/s"
measure strait "$STRAIT_PID" "$STRAIT_PORT"
stop_pids "$STARTED_PID"

render "$CONF_DIR/nginx-proxy.conf" "$TMP/nginx-proxy.conf"
start_pinned "$PROXY_CPU" "$TMP/nginx.log" nginx -p "$TMP" -e "$TMP/nginx-proxy.error.log" -c "$TMP/nginx-proxy.conf"
NGINX_PID=$STARTED_PID
wait_until "$NGINX_PID" "$STARTUP_TIMEOUT" answers "http://$HOST:$NGINX_PORT/" \
    && check_body nginx "http://$HOST:$NGINX_PORT/" \
    || { show_log "$TMP/nginx-proxy.error.log"; die "nginx did not start"; }
log "nginx up (pid $NGINX_PID); counting at $RATE req/s"
measure nginx "$NGINX_PID" "$NGINX_PORT"

# ------------------------------------------------------------------------------------------------------ report
# per_request NAME: "event count" lines, per request (the window's requests: RATE x WINDOW, the rate being fixed).
per_request() {
    local n=$((RATE * WINDOW))
    awk -F, -v n="$n" '$1 ~ /^[0-9]+$/ && $1 > 0 { e = $3; sub(/^syscalls:sys_enter_/, "", e); printf "%s %.3f\n", e, $1 / n }' \
        "$TMP/$1.perf"
    awk -v n="$n" '$1 ~ /^(TcpOutSegs|TcpExtTCPPureAcks|TcpExtDelayedACKs)$/ { printf "tcp:%s %.3f\n", $1, $2 / n }' \
        "$TMP/$1.nstat"
    read -r u s <"$TMP/$1.ticks"
    awk -v u="$u" -v s="$s" -v n="$n" -v hz="$CLK_TCK" \
        'BEGIN { printf "cpu:user_us %.2f\ncpu:system_us %.2f\n", u * 1e6 / hz / n, s * 1e6 / hz / n }'
}
per_request strait >"$TMP/strait.per"
# The denominator is the offered rate: a proxy (or a machine) that could not hold it makes every figure too small.
UNHELD=""
for name in strait nginx; do
    rps=$(awk -F= '$1 == "rps" { print $2 }' "$TMP/$name.kv")
    awk -v r="$rps" -v want="$RATE" 'BEGIN { exit !(r < 0.98 * want) }' && UNHELD+=" $name ($rps req/s)"
done
per_request nginx >"$TMP/nginx.per"
OUT="$RESULTS_DIR/$(date -u +%Y-%m-%d-%H%M%S)-syscalls.md"
{
    echo "# System calls per request at $RATE req/s: Strait vs nginx ($(date -u '+%Y-%m-%d %H:%M:%S UTC'))"
    echo
    echo "- command: \`perf-tests/syscalls.sh -R $RATE -d $WINDOW -w $WARMUP\`; Strait config: \`${STRAIT_TEMPLATE:-perf-tests/conf/strait.yaml}\`${STRAIT_JAVA_OPTS:+; STRAIT_JAVA_OPTS=\`$STRAIT_JAVA_OPTS\`}"
    echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown); kernel $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- 1 KiB keep-alive, 64 connections; each proxy alone on CPU $PROXY_CPU, strait-load and the nginx backend on CPU $LOAD_CPU"
    echo "- per request = count over the ${WINDOW} s window / ($RATE x $WINDOW); tcp: machine-wide segment counters (every"
    echo "  hop: client, proxy, backend); cpu: utime/stime of the proxy over the window, *with perf tracing on*"
    echo "- offered vs achieved rate over the whole run: Strait $(awk -F= '$1 == "rps" { print $2 }' "$TMP/strait.kv"), nginx $(awk -F= '$1 == "rps" { print $2 }' "$TMP/nginx.kv")"
    [[ -z $UNHELD ]] || echo "- **WARNING: the rate was not held by${UNHELD}: its figures per request are too low; run again on a quieter machine.**"
    echo "- tcp counters are the whole machine's: any other traffic on it while counting shows up there too"
    echo
    echo "| per request | Strait | nginx |"
    echo "|---|---:|---:|"
    join -a1 -a2 -e 0 -o 0,1.2,2.2 <(sort "$TMP/strait.per") <(sort "$TMP/nginx.per") \
        | awk '{ printf "| %s | %s | %s |\n", $1, $2, $3 }'
} >"$OUT"
cat "$OUT"
echo "Written to $OUT" >&2
