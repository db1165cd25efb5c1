#!/usr/bin/env bash
# Side-by-side HTTP/1.1 proxy comparison of one scenario: direct-to-backend, Strait, nginx and HAProxy, in
# interleaved rounds of one run. Each proxy runs one worker / event loop pinned alone on one core; the load generator
# (strait-load) and an nginx backend share the other core. Each round measures every candidate twice with the
# scenario's file (perf-tests/scenarios/NAME.conf): a throughput run (req/s, the proxy's CPU microseconds per request
# from /proc, RSS) and a fixed-rate run (p50/p99/p99.9 from each request's intended send time: coordinated omission
# corrected). Writes perf-tests/results/<date>-<scenario>.md and an HTML report with every candidate's latency
# percentile curve. HTTP/2 scenarios (protocol = h2) use h2load instead of strait-load, h2c with prior knowledge or h2
# over TLS by ALPN to every candidate, HTTP/1.1 keep-alive from the proxies to the backend. See perf-tests/README.md.
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"   # nginx and haproxy live in /usr/sbin, often not on a user's PATH
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
CONF_DIR="$SCRIPT_DIR/conf"
RESULTS_DIR="$SCRIPT_DIR/results"

# Ports and cores; override through the environment.
BACKEND_PORT=${BACKEND_PORT:-28080}
STRAIT_PORT=${STRAIT_PORT:-28081}
NGINX_PORT=${NGINX_PORT:-28082}
HAPROXY_PORT=${HAPROXY_PORT:-28083}
BACKEND_TLS_PORT=${BACKEND_TLS_PORT:-28084}   # TLS scenarios: the backend's TLS listener, what "direct" loads
BACKEND_H2_PORT=${BACKEND_H2_PORT:-28085}     # h2c scenarios: the backend's h2c listener, what "direct" loads
PROXY_CPU=${PROXY_CPU:-1}   # the proxy under test, alone
LOAD_CPU=${LOAD_CPU:-0}     # wrk and the backend
HOST=127.0.0.1
BODY_SIZE=1024

DURATION=10
ROUNDS=3
CONNECTIONS=""   # empty: the scenario's
STREAMS=""       # HTTP/2 scenarios: concurrent streams per connection (h2load -m); empty: the scenario's
RENDER_ONLY=""   # a directory: write the rendered configs (and h2load's command lines) there and stop
WARMUP=15   # the same for every candidate; the JVM JIT-compiles the hot path in its first seconds
RATE=""     # the latency phase's fixed rate; empty: the scenario's compare-rate, else its rate, else DEFAULT_RATE
DEFAULT_RATE=10000
ONLY=""
JAR=""
KEEP=0
SCENARIO=""
LOAD_JAR=
ALL_CANDIDATES=(direct strait nginx haproxy)
STARTUP_TIMEOUT=20
OTHER_WARN_PCT=${OTHER_WARN_PCT:-10}   # warn when other work takes more than this share of the proxy core

usage() {
    cat <<EOF
Usage: perf-tests/compare.sh SCENARIO [options]
  SCENARIO         a scenario name (perf-tests/scenarios/SCENARIO.conf) or a scenario file
  -d SECONDS       duration of each measured run, throughput and latency each (default $DURATION)
  -r ROUNDS        interleaved rounds (default $ROUNDS)
  -c CONNECTIONS   connections (default: the scenario's)
  -m STREAMS       HTTP/2 scenarios: concurrent streams per connection, h2load's -m (default: the scenario's)
  -R RATE          the latency phase's fixed rate in requests/s (default: the scenario's compare-rate, else its
                   rate, else $DEFAULT_RATE); 0 skips the latency phase
  -w SECONDS       warm-up before each candidate's first round, not counted (default $WARMUP, 0 = none)
  --only LIST      comma-separated subset of: ${ALL_CANDIDATES[*]} (default all)
  --jar PATH       Strait jar (default server/target/strait.jar, built with Maven if missing)
  --load-jar PATH  strait-load jar (default perf-tests/target/strait-load.jar, built with Maven if missing)
  --keep           keep the temp dir (configs, logs, raw load-generator output)
  --render-only DIR  write the rendered configs (and an HTTP/2 scenario's h2load command lines) to DIR and stop:
                   nothing is installed, started or measured
  -h, --help       this help
Environment: BACKEND_PORT STRAIT_PORT NGINX_PORT HAPROXY_PORT ($BACKEND_PORT $STRAIT_PORT $NGINX_PORT $HAPROXY_PORT),
  BACKEND_TLS_PORT ($BACKEND_TLS_PORT, TLS scenarios: the backend's TLS listener for "direct"),
  BACKEND_H2_PORT ($BACKEND_H2_PORT, h2c scenarios: the backend's h2c listener for "direct"),
  PROXY_CPU LOAD_CPU ($PROXY_CPU $LOAD_CPU), STRAIT_JAVA_OPTS (extra JVM flags for Strait),
  STRAIT_TEMPLATE (Strait's config template instead of perf-tests/conf/strait.yaml, e.g. conf/strait-admin.yaml),
  STRAIT_JAVA_HOME (the JDK for Strait only; strait-load keeps JAVA_HOME / java on PATH),
  OTHER_WARN_PCT ($OTHER_WARN_PCT: warn when other work takes more than this % of the proxy core),
  GEN_WARMUP (strait-load's own JIT warm-up per run, not measured: 2 s, 8 s in TLS scenarios).
EOF
}

SCRIPT_NAME=compare.sh
# shellcheck source=lib/harness.sh
source "$SCRIPT_DIR/lib/harness.sh"

while (($#)); do
    case $1 in
        -d) DURATION=${2:?-d needs a value}; shift 2 ;;
        -r) ROUNDS=${2:?-r needs a value}; shift 2 ;;
        -c) CONNECTIONS=${2:?-c needs a value}; shift 2 ;;
        -m) STREAMS=${2:?-m needs a value}; shift 2 ;;
        -R) RATE=${2:?-R needs a value}; shift 2 ;;
        -w) WARMUP=${2:?-w needs a value}; shift 2 ;;
        --only) ONLY=${2:?--only needs a value}; shift 2 ;;
        --only=*) ONLY=${1#--only=}; shift ;;
        --jar) JAR=${2:?--jar needs a value}; shift 2 ;;
        --jar=*) JAR=${1#--jar=}; shift ;;
        --load-jar) LOAD_JAR=${2:?--load-jar needs a value}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --render-only) RENDER_ONLY=${2:?--render-only needs a directory}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *) [[ -z $SCENARIO ]] || die "one scenario at a time (got '$SCENARIO' and '$1')"; SCENARIO=$1; shift ;;
    esac
done
[[ -n $SCENARIO ]] || { usage >&2; die "which scenario? (ls perf-tests/scenarios)"; }
if [[ -f $SCENARIO ]]; then
    SCENARIO_FILE=$(cd "$(dirname "$SCENARIO")" && pwd)/$(basename "$SCENARIO")
else
    SCENARIO_FILE="$SCRIPT_DIR/scenarios/$SCENARIO.conf"
fi
[[ -f $SCENARIO_FILE ]] || die "no scenario '$SCENARIO' (known: $(cd "$SCRIPT_DIR/scenarios" && ls -- *.conf | sed 's/\.conf$//' | tr '\n' ' '))"
SCENARIO_NAME=$(basename "$SCENARIO_FILE" .conf)
scenario_value() {   # scenario_value KEY: the scenario's last value for KEY, or empty
    awk -F'=' -v k="$1" '{ key = $1; gsub(/^[ \t]+|[ \t]+$/, "", key) } key == k { v = substr($0, index($0, "=") + 1);
        gsub(/^[ \t]+|[ \t]+$/, "", v) } END { print v }' "$SCENARIO_FILE"
}
! grep -Eq '^[[:space:]]*requires[[:space:]]*=' "$SCENARIO_FILE" \
    || die "scenario $SCENARIO_NAME needs '$(scenario_value requires)', which is not supported yet"
if [[ -z $RATE ]]; then
    RATE=$(scenario_value compare-rate)
    [[ -n $RATE ]] || RATE=$(scenario_value rate)
    [[ -n $RATE ]] || RATE=$DEFAULT_RATE
fi
[[ $RATE =~ ^[0-9]+$ ]] || die "-R must be a whole number of requests/s, got '$RATE'"
# The connections in use: -c, else the scenario's, else strait-load's default (the proxies' upstream pools match it).
EFFECTIVE_CONNECTIONS=${CONNECTIONS:-$(scenario_value connections)}
EFFECTIVE_CONNECTIONS=${EFFECTIVE_CONNECTIONS:-64}
SCENARIO_DESC=$(scenario_value description)
SCENARIO_PATH=$(scenario_value path)
[[ -n $SCENARIO_PATH ]] || SCENARIO_PATH=/
# TLS scenarios (tls = true): every candidate terminates TLS from strait-load, proxies speak plain HTTP upstream.
TLS=0
case $(scenario_value tls) in true | yes | on | 1) TLS=1 ;; esac
CHURN=0
case $(scenario_value new-connection-per-request) in true | yes | on | 1) CHURN=1 ;; esac
SCHEME=http
((TLS)) && SCHEME=https
# HTTP/2 scenarios (protocol = h2): h2load is the client, with `streams` concurrent streams per connection.
H2=0
case $(scenario_value protocol) in
    h2) H2=1 ;;
    "" | h1) ;;
    *) die "scenario $SCENARIO_NAME: protocol must be h1 or h2, got '$(scenario_value protocol)'" ;;
esac
if ((H2)); then
    STREAMS=${STREAMS:-$(scenario_value streams)}
    STREAMS=${STREAMS:-10}
    is_uint "$STREAMS" && ((STREAMS > 0)) || die "-m must be a positive integer"
    ((!CHURN)) || die "scenario $SCENARIO_NAME: new-connection-per-request is HTTP/1.1 only"
else
    [[ -z $STREAMS ]] || die "-m is for HTTP/2 scenarios (protocol = h2)"
    STREAMS=1
fi
# The proxies' upstream pools (nginx keepalive) hold one HTTP/1.1 connection per request in flight.
UPSTREAM_CONNECTIONS=$((EFFECTIVE_CONNECTIONS * STREAMS))
TLS_TABLE=""   # non-empty: the report shows the handshake columns (TLS with a new connection per request)
((TLS && CHURN)) && TLS_TABLE=1
is_uint "$DURATION" && ((DURATION > 0)) || die "-d must be a positive integer"
is_uint "$ROUNDS" && ((ROUNDS > 0)) || die "-r must be a positive integer"
[[ -z $CONNECTIONS ]] || { is_uint "$CONNECTIONS" && ((CONNECTIONS > 0)); } || die "-c must be a positive integer"
is_uint "$WARMUP" || die "-w must be a non-negative integer"

CANDIDATES=()
if [[ -z $ONLY ]]; then
    CANDIDATES=("${ALL_CANDIDATES[@]}")
else
    IFS=',' read -r -a wanted <<<"$ONLY"
    for w in "${wanted[@]}"; do
        case $w in direct | strait | nginx | haproxy) ;; *) die "--only: unknown candidate '$w'" ;; esac
    done
    for c in "${ALL_CANDIDATES[@]}"; do   # keep the canonical order
        for w in "${wanted[@]}"; do
            if [[ $w == "$c" ]]; then CANDIDATES+=("$c"); break; fi
        done
    done
fi
((${#CANDIDATES[@]} > 0)) || die "no candidates selected"

drop_candidate() {   # drop_candidate NAME REASON
    local c kept=()
    for c in "${CANDIDATES[@]}"; do [[ $c == "$1" ]] || kept+=("$c"); done
    CANDIDATES=("${kept[@]}")
    SKIPPED+=("$1: $2")
    [[ $1 != strait ]] || STRAIT_CMD_DESC=""
    echo "compare.sh: SKIPPING $1: $2" >&2
}
SKIPPED=()
STRAIT_CMD_DESC=""   # how Strait was started, for the report

# shellcheck source=lib/h2load.sh
source "$SCRIPT_DIR/lib/h2load.sh"

# ---------------------------------------------------------------------------------------------------------- tools
if [[ -n $RENDER_ONLY ]]; then   # configs only: no tools, no processes; TMP is that directory, kept
    mkdir -p "$RENDER_ONLY" || die "cannot make $RENDER_ONLY"
    TMP=$(cd "$RENDER_ONLY" && pwd)
else
    tools=()
    ((TLS)) && tools+=(openssl)
    ((H2)) && tools+=(h2load:nghttp2-client timeout:coreutils)
    ensure_tools "${tools[@]}"
    CLK_TCK=$(getconf CLK_TCK)

    # ---------------------------------------------------------------------------------------- temp dir, cleanup
    start_tmp strait-compare
fi

BODY=$(make_body "$BODY_SIZE" "$TMP/body.expected")
(($(wc -c <"$TMP/body.expected") == BODY_SIZE)) || die "internal: body is not $BODY_SIZE bytes"
# Static resources of the backend for the scenarios' paths: /1k and /64k (pattern bytes), /upload takes a body.
mkdir -p "$TMP/www"
cp "$TMP/body.expected" "$TMP/www/1k"
for _ in $(seq 64); do cat "$TMP/body.expected"; done >"$TMP/www/64k"

# ---------------------------------------------------------------------------------------------------------- TLS
# TLS scenarios: a throwaway CA and a server certificate for localhost / 127.0.0.1 (EC P-256) in $TMP/tls, the same
# for every candidate, and the settings each one gets: TLS 1.3 and 1.2, session cache and tickets on.
TLS_DIR="$TMP/tls"
CURL_TLS=()
make_certs() {
    local d=$TLS_DIR
    make_tls_certs "$d" compare.sh
    cat >"$d/backend-tls.inc" <<EOF
listen $HOST:$BACKEND_TLS_PORT ssl;
include $d/nginx-tls.inc;
EOF
    CURL_TLS=(--cacert "$d/ca.pem")
}
if [[ -n $RENDER_ONLY ]]; then
    ((TLS)) && echo "listen $HOST:$BACKEND_TLS_PORT ssl$( ((H2)) && echo " http2");" >"$TMP/backend-tls.inc.example"
elif ((TLS)); then
    make_certs
    # h2 over TLS: the backend's TLS listener ("direct") offers h2 by ALPN as well.
    if ((H2)); then sed -i -e "s|^listen \(.*\) ssl;\$|listen \1 ssl http2;|" "$TLS_DIR/backend-tls.inc"; fi
fi

render() {   # render TEMPLATE OUT
    local tls=() h2=()
    # HTTP/2 scenarios: h2 to the client, HTTP/1.1 keep-alive to the backend. In clear: nginx's "listen ... http2"
    # (prior knowledge only in nginx 1.22), HAProxy's "proto h2", a second backend listener with http2 for
    # "direct"; over TLS: ALPN h2 and http/1.1 everywhere. Strait serves h2c on a plaintext listener by default.
    local alpn="http/1.1" strait_alpn=""
    if ((H2 && TLS)); then
        alpn="h2,http/1.1"
        strait_alpn=" alpn: [ h2, http/1.1 ],"
        h2=(-e "s|@HTTP2@| http2|g" -e "s|@HAPROXY_PROTO@||g" -e "s|# @BACKEND_H2@.*\$||")
    elif ((H2)); then
        h2=(-e "s|@HTTP2@| http2|g" -e "s|@HAPROXY_PROTO@| proto h2|g"
            -e "s|# @BACKEND_H2@.*\$|listen $HOST:$BACKEND_H2_PORT http2;|")
    else
        h2=(-e "s|@HTTP2@||g" -e "s|@HAPROXY_PROTO@||g" -e "s|# @BACKEND_H2@.*\$||")
    fi
    if ((TLS)); then
        # HAProxy caches sessions and issues tickets by default; Strait's listener gets the same certificate, and
        # the groups OpenSSL 3.0 (nginx, HAProxy) offers: without ecdh_curves BoringSSL would pick X25519MLKEM768.
        local strait_tls="tls: { certificates: [ { cert: $TLS_DIR/server.pem, key: $TLS_DIR/server.key } ],"
        strait_tls+="$strait_alpn ecdh_curves: [ X25519, P-256 ] }"
        tls=(-e "s|# @BACKEND_TLS@|include $TLS_DIR/backend-tls.inc;|"
            -e "s|# @NGINX_TLS@|include $TLS_DIR/nginx-tls.inc;|" -e "s|@SSL@| ssl|g"
            -e "s|@HAPROXY_SSL@| ssl crt $TLS_DIR/combined.pem ssl-min-ver TLSv1.2 alpn $alpn|g"
            -e "s|^\\( *\\)# @STRAIT_TLS@.*\$|\\1$strait_tls|")
    else
        tls=(-e "s|@SSL@||g" -e "s|@HAPROXY_SSL@||g")
    fi
    render_template "$1" "$2" TMP "$TMP" BODY "$BODY" CONNECTIONS "$UPSTREAM_CONNECTIONS" \
        BACKEND_PORT "$BACKEND_PORT" STRAIT_PORT "$STRAIT_PORT" NGINX_PORT "$NGINX_PORT" \
        HAPROXY_PORT "$HAPROXY_PORT" -- "${tls[@]}" "${h2[@]}"
}

port_of() {   # the port the client loads ("direct": the backend's TLS listener with TLS, its h2c one with h2c)
    case $1 in
        direct) if ((TLS)); then echo "$BACKEND_TLS_PORT"; elif ((H2)); then echo "$BACKEND_H2_PORT"
            else echo "$BACKEND_PORT"; fi ;;
        strait) echo "$STRAIT_PORT" ;; nginx) echo "$NGINX_PORT" ;; haproxy) echo "$HAPROXY_PORT" ;;
    esac
}


# The URL of a candidate's PORT (SCHEME, or the one given); in a TLS scenario its checks verify the certificate
# against the throwaway CA (CURL_TLS), so a wrong one fails there.
url_of() { echo "${2:-$SCHEME}://$HOST:$1/"; }   # url_of PORT [SCHEME]

# HTTP/2 scenarios: curl's checks of the candidates speak h2 too (prior knowledge in clear, ALPN over TLS), and a
# response that is not HTTP/2 fails them (check_h2).
CURL_H2=()
if ((H2 && TLS)); then CURL_H2=(--http2); elif ((H2)); then CURL_H2=(--http2-prior-knowledge); fi
H2_MEAN_HEAD=""   # the raw rounds' extra column in HTTP/2 scenarios
((!H2)) || H2_MEAN_HEAD="  mean_ms"
H2_DESC="h2c, prior knowledge"
((TLS)) && H2_DESC="h2 over TLS, ALPN"

# check_h2 NAME URL: check_body over HTTP/2; false, with the reason on stderr, when the answer was not HTTP/2.
check_h2() {
    check_body "$1" "$2" "${CURL_TLS[@]}" "${CURL_H2[@]}" || return 1
    local status
    status=$(head -n 1 "$TMP/check.$1.headers" | tr -d '\r')
    [[ $status == HTTP/2* ]] && return 0
    echo "$SCRIPT_NAME: $1 at $2 answered '$status', not HTTP/2 ($H2_DESC)" >&2
    return 1
}

# ------------------------------------------------------------------------------------------------------ startup
declare -A PID_OF=() IDLE_RSS=() WARMED=()

start_backend() {
    port_in_use "$BACKEND_PORT" && die "port $BACKEND_PORT is already in use (set BACKEND_PORT)"
    ((TLS)) && port_in_use "$BACKEND_TLS_PORT" \
        && die "port $BACKEND_TLS_PORT is already in use (set BACKEND_TLS_PORT)"
    ((H2 && !TLS)) && port_in_use "$BACKEND_H2_PORT" \
        && die "port $BACKEND_H2_PORT is already in use (set BACKEND_H2_PORT)"
    render "$CONF_DIR/nginx-backend.conf" "$TMP/nginx-backend.conf"
    start_pinned "$LOAD_CPU" "$TMP/backend.log" \
        nginx -p "$TMP" -e "$TMP/backend.error.log" -c "$TMP/nginx-backend.conf"
    if ! wait_until "$STARTED_PID" "$STARTUP_TIMEOUT" answers "$(url_of "$BACKEND_PORT" http)" \
        || ! check_body backend "$(url_of "$BACKEND_PORT" http)" \
        || { ((TLS && !H2)) && ! check_body backend-tls "$(url_of "$BACKEND_TLS_PORT")" "${CURL_TLS[@]}"; } \
        || { ((H2)) && ! check_h2 backend-h2 "$(url_of "$(port_of direct)")"; }; then
        show_log "$TMP/backend.log"
        show_log "$TMP/backend.error.log"
        die "the nginx backend did not start"
    fi
}

start_nginx() {
    render "$CONF_DIR/nginx-proxy.conf" "$TMP/nginx-proxy.conf"
    start_pinned "$PROXY_CPU" "$TMP/nginx-proxy.log" \
        nginx -p "$TMP" -e "$TMP/nginx-proxy.error.log" -c "$TMP/nginx-proxy.conf"
}

start_haproxy() {
    render "$CONF_DIR/haproxy.cfg" "$TMP/haproxy.cfg"
    haproxy -c -q -f "$TMP/haproxy.cfg" >"$TMP/haproxy.check.log" 2>&1 \
        || { show_log "$TMP/haproxy.check.log"; return 1; }
    start_pinned "$PROXY_CPU" "$TMP/haproxy.log" haproxy -db -f "$TMP/haproxy.cfg"
}

start_strait() {
    ensure_strait_jar || return 1
    render "${STRAIT_TEMPLATE:-$CONF_DIR/strait.yaml}" "$TMP/strait.yaml"
    start_strait_pinned "$TMP/strait.log" "$TMP/strait.yaml"
}

start_candidate() {   # start_candidate NAME
    local name=$1 port
    port=$(port_of "$name")
    [[ $name == direct ]] && return 0
    if port_in_use "$port"; then
        drop_candidate "$name" "port $port is already in use"
        return 0
    fi
    SKIP_REASON="it did not start"
    if ! "start_$name"; then
        drop_candidate "$name" "$SKIP_REASON"
        return 0
    fi
    local pid=$STARTED_PID ready=(answers "$(url_of "$port")" "${CURL_TLS[@]}")
    # HTTP/2: a listening port is enough here; check_h2 below says what a candidate without h2 answered.
    ((H2)) && ready=(port_in_use "$port")
    if ! wait_until "$pid" "$STARTUP_TIMEOUT" "${ready[@]}"; then
        show_log "$TMP/$name.log"
        local hint=""
        [[ $name == strait ]] && ((TLS)) && hint="; a TLS scenario needs a Strait with TLS listeners (listeners[].tls)"
        [[ $name == strait ]] && ((TLS && H2)) \
            && hint="; an HTTP/2 TLS scenario needs a Strait whose TLS listeners take alpn: [ h2, http/1.1 ]"
        if kill -0 "$pid" 2>/dev/null; then
            drop_candidate "$name" "it did not answer on :$port within ${STARTUP_TIMEOUT}s$hint"
        else
            drop_candidate "$name" "it exited at start-up (its log is printed above)$hint"
        fi
        return 0
    fi
    if ((H2)) && ! check_h2 "$name" "$(url_of "$port")"; then
        # What h2load itself makes of it, for the reason: a second of load, bounded by timeout.
        local problem
        run_h2load "$port" 1 "$TMP/$name.probe" || true
        problem=$(h2load_problem "$TMP/$name.probe.txt" "$TLS")
        show_log "$TMP/$name.log"
        local hint=""
        [[ $name == strait ]] && hint="; this scenario needs a Strait that serves HTTP/2 (issue 11)"
        drop_candidate "$name" \
            "it did not answer 200 with the 1 KiB body over HTTP/2 ($H2_DESC)${problem:+; h2load: $problem}$hint"
        return 0
    fi
    if ((!H2)) && ! check_body "$name" "$(url_of "$port")" "${CURL_TLS[@]}"; then
        show_log "$TMP/$name.log"
        drop_candidate "$name" "it did not answer 200 with the 1 KiB body"
        return 0
    fi
    local measured
    measured=$(java_pid "$pid")   # Strait: the java the launcher started
    [[ $measured == "$pid" ]] || { PIDS+=("$measured"); pid=$measured; }   # also kill the java child on exit
    PID_OF[$name]=$pid
    IDLE_RSS[$name]=$(rss_kib "$pid")
    log "$name up on :$port (pid $pid, $(cat "/proc/$pid/comm"), idle RSS ${IDLE_RSS[$name]} KiB)"
}


# ------------------------------------------------------------------------------------------------- strait-load
# run_load PORT SECONDS OUT_PREFIX [extra strait-load options...]: the scenario against the candidate on PORT,
# pinned on LOAD_CPU; writes OUT_PREFIX.kv (headline figures), OUT_PREFIX.hgrm and OUT_PREFIX.txt (the summary).
# Every run is a new JVM: its first GEN_WARMUP seconds (the generator's own JIT warm-up) are not measured. Over TLS
# the client path (SslHandler, the BoringSSL engine) takes ~4-5 s of C2 compilation on the generator's own core
# before it reaches its steady cost (~24 us/request at c64 against ~35-38 us with 2 s; at a fixed 5,000/s p99
# 1.4-1.8 ms against 4.7-5.3 ms after 6 s): 8 s there, as the JIT still compiles now and then after 6 s
# (strait-load's summary says so: "Generator JIT"). GEN_WARMUP in the environment overrides both.
GEN_WARMUP=${GEN_WARMUP:-$( ((TLS)) && echo 8 || echo 2)}
run_load() {
    local port=$1 seconds=$2 out=$3
    shift 3
    local conn=()
    [[ -n $CONNECTIONS ]] && conn=(--connections "$CONNECTIONS")
    taskset -c "$LOAD_CPU" env STRAIT_LOAD_JAR="$LOAD_JAR" "$ROOT/bin/strait-load" run --scenario "$SCENARIO_FILE" \
        --url "$SCHEME://$HOST:$port/" "${conn[@]}" --duration "${seconds}s" --warmup "${GEN_WARMUP}s" \
        --kv "$out.kv" --hgrm "$out.hgrm" "$@" >"$out.txt" 2>&1
}
kv() { awk -F= -v k="$1" '$1 == k { print $2 }' "$2"; }   # kv KEY FILE

# core_shares PROXY_TICKS BUSY_TICKS TOTAL_TICKS: "proxy% other%" of the proxy's core over a run (PROXY_TICKS
# empty for "direct": "- other%"; "- -" without ticks).
core_shares() {
    awk -v p="$1" -v b="$2" -v t="$3" 'BEGIN {
        if (t <= 0) { print "- -"; exit }
        if (p == "") printf "- %.1f\n", 100 * b / t
        else { o = 100 * (b - p) / t; printf "%.1f %.1f\n", 100 * p / t, (o < 0 ? 0 : o) } }'
}

RAW="$TMP/rounds.txt"
# candidate round rps requests errors cpu_us rss_kib proxy% other% lat_p50 lat_p99 lat_p999 lat_errors lat_hgrm
#   tls_handshakes_per_s tls_resumed_pct (of the throughput run; "-" unless TLS) cpu_us_at_rate (the proxy's CPU
#   per request in the fixed-rate run: every candidate at the same offered load) mean_ms (h2load's mean time per
#   request in the throughput run; "-" with strait-load)
[[ -n $RENDER_ONLY ]] || : >"$RAW"

# HTTP/2 scenarios: run_h2load, h2load_commands and measure_h2 (h2load as the client).
# shellcheck source=lib/compare-h2.sh
source "$SCRIPT_DIR/lib/compare-h2.sh"

measure() {   # measure NAME ROUND
    ((H2)) && { measure_h2 "$@"; return; }
    local name=$1 round=$2 port pid="" out t0=0 t1=0 rss="-" cpu="-" busy0 total0 busy1 total1
    port=$(port_of "$name")
    [[ $name == direct ]] || pid=${PID_OF[$name]}
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
        show_log "$TMP/$name.log"
        drop_candidate "$name" "the process died before round $round"
        return 0
    fi
    if [[ -z ${WARMED[$name]:-} ]]; then
        WARMED[$name]=1
        if ((WARMUP > 0)); then
            log "warm-up $name ${WARMUP}s"
            # Several short runs first, so that connection set-up and tear-down have run (and, for the JVM,
            # been compiled) before anything is measured: otherwise the first close of the connections
            # deoptimises the event loop's hot methods at the start of the first measured round.
            local w
            for w in 1 2 3; do
                ((WARMUP > w)) && { run_load "$port" 1 "$TMP/$name.warmup$w" || true; }
            done
            run_load "$port" "$WARMUP" "$TMP/$name.warmup" || true
        fi
    fi
    # Throughput: the scenario as written (closed loop unless it sets a rate); strait-load reads the proxy's CPU
    # ticks from /proc at the start and end of the measured part (--watch-pid), and RSS is read after it.
    out="$TMP/$name.round$round"
    [[ -n $pid ]] && t0=$(cpu_ticks "$pid")
    read -r busy0 total0 < <(core_ticks "$PROXY_CPU")
    local ok=1 watch=()
    [[ -n $pid ]] && watch=(--watch-pid "$pid")
    run_load "$port" "$DURATION" "$out" --quiet "${watch[@]}" || ok=0
    read -r busy1 total1 < <(core_ticks "$PROXY_CPU")
    if [[ -n $pid ]]; then
        if ! kill -0 "$pid" 2>/dev/null; then
            show_log "$TMP/$name.log"
            drop_candidate "$name" "the process died during round $round"
            return 0
        fi
        t1=$(cpu_ticks "$pid")
        rss=$(rss_kib "$pid")
    fi
    if ((!ok)) || [[ ! -s $out.kv ]]; then
        cat "$out.txt" >&2
        die "strait-load failed for $name in round $round"
    fi
    local rps req err
    rps=$(kv rps "$out.kv"); req=$(kv requests "$out.kv"); err=$(kv errors "$out.kv")
    local hsps="-" resumed="-"
    if ((TLS)); then   # handshakes of the measured part, per second (at the run's req/s) and the resumed share
        read -r hsps resumed < <(awk -v h="$(kv tls_handshakes "$out.kv")" -v r="$(kv tls_resumed "$out.kv")" \
            -v rps="$rps" -v n="$req" 'BEGIN { printf "%.0f %s\n", (n > 0 ? h * rps / n : 0),
                (h > 0 ? sprintf("%.1f", 100 * r / h) : "-") }')
    fi
    if [[ -n $pid ]]; then
        local ticks
        ticks=$(kv watched_ticks "$out.kv")
        ((ticks >= 0)) || die "strait-load could not read the CPU time of $name (pid $pid)"
        cpu=$(awk -v d="$ticks" -v hz="$CLK_TCK" -v n="$req" \
            'BEGIN { printf "%.2f", (n > 0 ? d * 1e6 / hz / n : 0) }')
    fi
    # Share of the proxy core's time used by the proxy, and by everything else (other processes, interrupts),
    # over the whole run (the generator's warm-up included).
    local shares
    shares=$(core_shares "${pid:+$((t1 - t0))}" $((busy1 - busy0)) $((total1 - total0)))
    # Latency: the same scenario at a fixed rate, measured from each request's intended send time.
    local lp50="-" lp99="-" lp999="-" lerr="-" lhgrm="-" rcpu="-"
    if ((RATE > 0)); then
        local lat="$TMP/$name.latency$round"
        if ! run_load "$port" "$DURATION" "$lat" --rate "$RATE" --quiet "${watch[@]}" || [[ ! -s $lat.kv ]]; then
            cat "$lat.txt" >&2
            die "strait-load (fixed rate) failed for $name in round $round"
        fi
        lp50=$(kv p50_ms "$lat.kv"); lp99=$(kv p99_ms "$lat.kv"); lp999=$(kv p999_ms "$lat.kv")
        lerr=$(kv errors "$lat.kv"); lhgrm="$lat.hgrm"
        if [[ -n $pid ]]; then
            rcpu=$(awk -v d="$(kv watched_ticks "$lat.kv")" -v hz="$CLK_TCK" -v n="$(kv requests "$lat.kv")" \
                'BEGIN { if (d < 0 || n <= 0) print "-"; else printf "%.2f", d * 1e6 / hz / n }')
        fi
    fi
    echo "$name $round $rps $req $err $cpu $rss $shares $lp50 $lp99 $lp999 $lerr $lhgrm $hsps $resumed $rcpu -" >>"$RAW"
    printf '   round %d %-8s %10s req/s  cpu %7s us/req  rss %8s KiB  errors %s | at %s req/s: p50 %s p99 %s p99.9 %s ms, cpu %s us/req' \
        "$round" "$name" "$rps" "$cpu" "$rss" "$err" "$RATE" "$lp50" "$lp99" "$lp999" "$rcpu" >&2
    echo "$shares" | awk -v c="$PROXY_CPU" '{ printf "  core %s: proxy %s other %s\n", c, $1 ($1 == "-" ? "" : "%"),
        $2 ($2 == "-" ? "" : "%") }' >&2
}

# ------------------------------------------------------------------------------------------------------ report
median() {   # median COLUMN NAME  (columns of $RAW; "-" if no numeric value)
    awk -v c="$1" -v n="$2" '$1 == n && $c != "-" { print $c }' "$RAW" | sort -g | awk '
        { a[NR] = $1 }
        END {
            if (NR == 0) print "-"
            else if (NR % 2) print a[(NR + 1) / 2]
            else print (a[NR / 2] + a[NR / 2 + 1]) / 2
        }'
}
fmt() { [[ $2 == "-" ]] && echo "-" || awk -v v="$2" -v f="$1" 'BEGIN { printf f, v }'; }
ratio() { # ratio A B -> A/B with 2 decimals, "-" when either is missing
    [[ $1 == "-" || $2 == "-" ]] && { echo "-"; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'
}
sum_col() { awk -v n="$1" -v c="$2" '$1 == n && $c != "-" { s += $c } END { print s + 0 }' "$RAW"; }
kib_to_mib() { [[ $1 == "-" ]] && echo "-" || awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# best_peer COLUMN high|low: the best median of nginx and HAProxy for a figure ("-" if neither ran).
best_peer() {
    local c v best="-"
    for c in nginx haproxy; do
        grep -q "^$c " "$RAW" || continue
        v=$(median "$1" "$c")
        [[ $v == "-" ]] && continue
        if [[ $best == "-" ]] || awk -v a="$v" -v b="$best" -v d="$2" 'BEGIN { exit !(d == "high" ? a > b : a < b) }'
        then
            best=$v
        fi
    done
    echo "$best"
}

# The latency .hgrm of NAME's round with the median p99 (for the HTML report's curve).
median_hgrm() {
    awk -v n="$1" '$1 == n && $11 != "-" { print $11, $14 }' "$RAW" | sort -g | awk '
        { f[NR] = $2 } END { if (NR > 0) print f[int((NR + 1) / 2)] }'
}

report() {
    local name b_rps b_cpu b_rss b_p50 b_p99 b_p999
    b_rps=$(best_peer 3 high); b_cpu=$(best_peer 6 low); b_rss=$(best_peer 7 low)
    b_p50=$(best_peer 10 low); b_p99=$(best_peer 11 low); b_p999=$(best_peer 12 low)
    local b_rcpu
    b_rcpu=$(best_peer 17 low)
    local tls_head="" tls_sep=""
    [[ -n $TLS_TABLE ]] && tls_head=" TLS handshakes/s | resumed % |" && tls_sep="---:|---:|"
    # HTTP/2: the CPU ratios to HAProxy alone as well (issue 11's yardstick), and h2load's mean time per request.
    local h_cpu="-" h_rcpu="-"
    if ((H2)); then
        grep -q "^haproxy " "$RAW" && { h_cpu=$(median 6 haproxy); h_rcpu=$(median 17 haproxy); }
        tls_head+=" CPU vs HAProxy | CPU @ $RATE/s vs HAProxy | mean ms (throughput run) |"
        tls_sep+="---:|---:|---:|"
    fi
    echo "| candidate | req/s | CPU µs/req | CPU µs/req @ $RATE/s | RSS MiB idle | RSS MiB after | p50 ms @ $RATE/s" \
        "| p99 ms @ $RATE/s | p99.9 ms @ $RATE/s | errors | req/s vs best peer | CPU vs best peer" \
        "| CPU @ $RATE/s vs best peer | RSS vs best peer | p50 vs best peer | p99 vs best peer | p99.9 vs best peer" \
        "| core $PROXY_CPU % proxy | core $PROXY_CPU % other |$tls_head"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|$tls_sep"
    local any_err=0
    for name in "${ORDER[@]}"; do
        grep -q "^$name " "$RAW" || continue
        local rps cpu rcpu rss idle p50 p99 p999 err errs tls_cells=""
        [[ -n $TLS_TABLE ]] && tls_cells=" $(fmt '%.0f' "$(median 15 "$name")") | $(median 16 "$name") |"
        rps=$(median 3 "$name"); cpu=$(median 6 "$name"); rss=$(median 7 "$name"); rcpu=$(median 17 "$name")
        ((H2)) && tls_cells+=" $(ratio "$cpu" "$h_cpu") | $(ratio "$rcpu" "$h_rcpu") | $(fmt '%.3f' "$(median 18 "$name")") |"
        p50=$(median 10 "$name"); p99=$(median 11 "$name"); p999=$(median 12 "$name")
        idle=${IDLE_RSS[$name]:--}
        err=$(($(sum_col "$name" 5) + $(sum_col "$name" 13)))
        errs=$err
        ((err == 0)) || { errs="**$err !**"; any_err=1; }
        echo "| $name | $(fmt '%.0f' "$rps") | $(fmt '%.2f' "$cpu") | $(fmt '%.2f' "$rcpu")" \
            "| $(fmt '%.1f' "$(kib_to_mib "$idle")")" \
            "| $(fmt '%.1f' "$(kib_to_mib "$rss")") | $(fmt '%.3f' "$p50") | $(fmt '%.3f' "$p99")" \
            "| $(fmt '%.3f' "$p999") | $errs | $(ratio "$rps" "$b_rps") | $(ratio "$cpu" "$b_cpu")" \
            "| $(ratio "$rcpu" "$b_rcpu") | $(ratio "$(kib_to_mib "$rss")" "$(kib_to_mib "$b_rss")") | $(ratio "$p50" "$b_p50")" \
            "| $(ratio "$p99" "$b_p99") | $(ratio "$p999" "$b_p999") | $(median 8 "$name") | $(median 9 "$name") |$tls_cells"
    done
    echo
    if ((H2)); then
        echo "Medians over $ROUNDS round(s). HTTP/2 ($H2_DESC) from h2load to every candidate, $EFFECTIVE_CONNECTIONS" \
            "connections x $STREAMS concurrent streams (h2load -t1 -c $EFFECTIVE_CONNECTIONS -m $STREAMS); the proxies" \
            "speak HTTP/1.1 keep-alive to the backend; \"direct\" is the nginx backend's own HTTP/2 listener." \
            "req/s, CPU and RSS: a ${DURATION}s closed-loop h2load run (-D $DURATION); CPU = the proxy process's" \
            "(utime+stime) around the whole h2load run / responses; RSS = VmRSS; mean ms = h2load's mean time per" \
            "request in that run. Latency: a second ${DURATION}s h2load run at $RATE req/s in all (--rps" \
            "$RATE/$EFFECTIVE_CONNECTIONS per connection), percentiles of h2load's per-request log (--log-file), from" \
            "each request's actual send (h2load does not correct coordinated omission); CPU µs/req @ $RATE/s: the" \
            "proxy's CPU per request in that run." \
            "\"vs best peer\": the figure over the better of nginx and HAProxy; \"vs HAProxy\": over HAProxy's, same" \
            "run (below 1 is better, except req/s)."
    else
        echo "Medians over $ROUNDS round(s). req/s, CPU and RSS: the scenario's own run (${DURATION}s," \
            "$EFFECTIVE_CONNECTIONS connections$([[ -n $(scenario_value rate) ]] && echo ", at $(scenario_value rate) req/s")); CPU = the" \
            "proxy process's (utime+stime) during it / requests; RSS = VmRSS. Latency: a second ${DURATION}s run at a fixed" \
            "$RATE req/s, from each request's intended send time (coordinated omission corrected); CPU µs/req @ $RATE/s:" \
            "the proxy's CPU per request in that run, every candidate at the same offered load (fair when the" \
            "throughput run is limited by the generator, not the proxy)." \
            "\"vs best peer\": the figure over the better of nginx and HAProxy (below 1 is better, except req/s)."
    fi
    local versions
    versions=$(scenario_value tls-versions)
    ((TLS && !H2)) && echo "TLS: strait-load to each candidate over TLS (${versions:-TLSv1.3,TLSv1.2}," \
        "throwaway EC P-256 certificate, session cache and tickets on everywhere); the proxies speak plain HTTP/1.1" \
        "to the backend; \"direct\" is the nginx backend's own TLS listener."
    [[ -n $TLS_TABLE ]] && echo "TLS handshakes/s: the handshakes of the throughput run (one per request in churn);" \
        "resumed %: the share of them that resumed a session."
    ((TLS && H2)) && echo "TLS: h2load offers only h2 by ALPN (--npn-list=h2); every candidate offers h2 and" \
        "http/1.1 with the same throwaway EC P-256 certificate, TLS 1.2 and 1.3; every handshake happens before" \
        "the measured part (keep-alive)."
    ((any_err == 0)) || echo "**WARNING: some runs had non-2xx responses or socket errors (errors column).**"
    local busy
    busy=$(awk -v lim="$OTHER_WARN_PCT" '$9 != "-" && $9 > lim { n++ } END { print n + 0 }' "$RAW")
    ((busy == 0)) || echo "**WARNING: in $busy run(s) other work took more than $OTHER_WARN_PCT% of core $PROXY_CPU:" \
        "req/s and latency of those runs are disturbed; CPU/req much less so. Run again on a quieter machine.**"
    local s
    for s in "${SKIPPED[@]}"; do echo "- skipped $s"; done
    echo
    echo "Raw rounds:"
    echo
    echo '```'
    local f='%-8s %5s %11s %9s %6s %8s %9s %7s %7s %8s %8s %9s %6s %9s%s\n'
    # shellcheck disable=SC2059 # the format is ours
    printf "$f" candidate round req/s requests errors cpu_us rss_kib proxy% other% p50_ms p99_ms p99.9_ms errors \
        cpu_us@rate "${TLS_TABLE:+   tls_hs/s resumed%}${H2_MEAN_HEAD:-}"
    awk -v f="$f" -v tls="$TLS_TABLE" -v h2="$H2" '{ printf f, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
        $17, (tls == "" ? "" : sprintf(" %10s %8s", $15, $16)) (h2 ? sprintf(" %8s", $18) : "") }' "$RAW"
    echo '```'
}

header() {
    local commit
    commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
    echo "# $SCENARIO_NAME: direct vs Strait vs nginx vs HAProxy ($(date '+%Y-%m-%d %H:%M:%S %Z'))"
    echo
    echo "- scenario: \`perf-tests/scenarios/$SCENARIO_NAME.conf\`${SCENARIO_DESC:+: $SCENARIO_DESC}; path \`$SCENARIO_PATH\`"
    echo "- command: \`${STRAIT_JAVA_HOME:+STRAIT_JAVA_HOME=$STRAIT_JAVA_HOME }${STRAIT_JAVA_OPTS:+STRAIT_JAVA_OPTS='$STRAIT_JAVA_OPTS' }perf-tests/compare.sh $ARGS\`"
    echo "- commit: $commit; machine: $(getconf _NPROCESSORS_ONLN) CPUs," \
        "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), kernel $(uname -r)"
    echo "- load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
    local client="strait-load (one thread)"
    ((H2)) && client="h2load (one thread, $H2_DESC, -c $EFFECTIVE_CONNECTIONS -m $STREAMS)"
    echo "- proxies pinned on CPU $PROXY_CPU (one worker/thread/event loop); $client and the nginx" \
        "backend on CPU $LOAD_CPU; warm-up ${WARMUP}s per candidate"
    if ((H2)); then
        echo "- $(nginx -v 2>&1); $(haproxy -v 2>&1 | head -n 1 | cut -d' ' -f1-3); $(h2load --version 2>&1 | head -n 1)"
    else
        echo "- $(nginx -v 2>&1); $(haproxy -v 2>&1 | head -n 1 | cut -d' ' -f1-3); strait-load $(git -C "$ROOT" log -1 --format=%h -- perf-tests/src 2>/dev/null)"
    fi
    if [[ -n $STRAIT_CMD_DESC ]]; then
        echo "- strait: \`$STRAIT_CMD_DESC\`; $("${STRAIT_JAVA_HOME:+$STRAIT_JAVA_HOME/bin/}java" -version 2>&1 | head -n 1)"
    fi
    echo
}

# -------------------------------------------------------------------------------------------------------- main
ARGS="$SCENARIO_NAME -d $DURATION -r $ROUNDS${CONNECTIONS:+ -c $CONNECTIONS}"
((!H2)) || ARGS+=" -m $STREAMS"
ARGS+=" -R $RATE -w $WARMUP --only $(
    IFS=,
    echo "${CANDIDATES[*]}"
)"
[[ -n $JAR ]] && ARGS+=" --jar $JAR"
if [[ -n $RENDER_ONLY ]]; then   # the configs every candidate would get, and h2load's command lines; nothing runs
    render "$CONF_DIR/nginx-backend.conf" "$TMP/nginx-backend.conf"
    render "$CONF_DIR/nginx-proxy.conf" "$TMP/nginx-proxy.conf"
    render "$CONF_DIR/haproxy.cfg" "$TMP/haproxy.cfg"
    render "${STRAIT_TEMPLATE:-$CONF_DIR/strait.yaml}" "$TMP/strait.yaml"
    ((H2)) && h2load_commands >"$TMP/h2load-commands.txt"
    echo "compare.sh $ARGS: configs in $TMP"
    exit 0
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ORDER=("${CANDIDATES[@]}")

log "scenario $SCENARIO_NAME ($SCENARIO_FILE); temp dir $TMP; CLK_TCK $CLK_TCK; load average $LOAD_BEFORE"
((H2)) || ensure_load_jar
start_backend
for c in "${ORDER[@]}"; do start_candidate "$c"; done
((${#CANDIDATES[@]} > 0)) || die "no candidate left to measure"

for ((round = 1; round <= ROUNDS; round++)); do
    log "round $round/$ROUNDS: ${CANDIDATES[*]}"
    for c in "${CANDIDATES[@]}"; do measure "$c" "$round"; done
done

mkdir -p "$RESULTS_DIR"
STEM="$RESULTS_DIR/$(date +%Y-%m-%d)-$SCENARIO_NAME"
[[ -e $STEM.md ]] && STEM="$RESULTS_DIR/$(date +%Y-%m-%d-%H%M%S)-$SCENARIO_NAME"
{
    header
    report
} >"$STEM.md"
if ((RATE > 0)); then
    curves=()
    for c in "${ORDER[@]}"; do
        h=$(median_hgrm "$c")
        [[ -n $h && -s $h ]] && curves+=("$c=$h")
    done
    if ((${#curves[@]})); then
        java -cp "$LOAD_JAR" io.strait.load.report.HtmlReport --title "$SCENARIO_NAME: direct vs Strait vs nginx vs HAProxy" \
            --markdown "$STEM.md" --out "$STEM.html" "${curves[@]}" || log "could not write the HTML report"
    fi
fi
echo
cat "$STEM.md"
echo
echo "Written to ${STEM#"$ROOT"/}.md${curves:+ and .html}"
