#!/usr/bin/env bash
# Two sidecars with mutual TLS between them, side by side: Strait + Strait, HAProxy + HAProxy and nginx + nginx on
# the same path, in interleaved rounds of one run (issue 12's comparison). The load generator (strait-load, plain
# HTTP/1.1 keep-alive, as an app talks to its sidecar) and an nginx backend share one core; both sidecars of the
# pair under test run on the other, one worker / event loop each:
#
#   strait-load --h1--> client sidecar --mTLS (SPIFFE IDs, verified both ways)--> server sidecar --h1--> nginx
#
# Two phases per candidate and round:
#   keepalive   64 keep-alive connections, closed loop: the sidecar-to-sidecar connections are pooled, so this is the
#               steady cost of proxying twice plus TLS record encryption both ways.
#   handshakes  the same load on a second route of the client sidecar whose upstream connections carry one request
#               each, without session resumption: every request costs a full mTLS handshake between the sidecars
#               (handshakes/s = req/s).
# CPU µs/request = (both sidecars' utime+stime over the run) / requests. Writes
# perf-tests/results/<date>-mesh.md. See perf-tests/README.md.
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
CONF_DIR="$SCRIPT_DIR/conf"
RESULTS_DIR="$SCRIPT_DIR/results"
HOST=127.0.0.1

BASE=${MESH_PORT_BASE:-28080}   # every port below is BASE + a fixed offset
BACKEND_PORT=$BASE
# Client sidecars (plain, what the load generator talks to): keep-alive route, handshake route.
declare -A CLIENT_PORT=([strait]=$((BASE + 1)) [nginx]=$((BASE + 2)) [haproxy]=$((BASE + 3)))
declare -A CHURN_PORT=([strait]=$((BASE + 6)) [nginx]=$((BASE + 7)) [haproxy]=$((BASE + 8)))
# Server sidecars (mTLS).
declare -A SERVER_PORT=([strait]=$((BASE + 11)) [nginx]=$((BASE + 12)) [haproxy]=$((BASE + 13)))
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
BODY_SIZE=1024
DURATION=10
ROUNDS=3
WARMUP=10
CONNECTIONS=64
ONLY=""
JAR=""
LOAD_JAR=""
KEEP=0
RENDER_ONLY=""   # a directory: make the certificates, write every pair's rendered configs there and stop
STARTUP_TIMEOUT=20
ALL_CANDIDATES=(strait haproxy nginx)
FRONTEND_ID="spiffe://example.org/ns/demo/sa/frontend"
BACKEND_ID="spiffe://example.org/ns/demo/sa/backend"

usage() {
    cat <<EOF
Usage: perf-tests/mesh.sh [options]
  -d SECONDS      duration of each measured run (default $DURATION)
  -r ROUNDS       interleaved rounds (default $ROUNDS)
  -c CONNECTIONS  keep-alive connections from the load generator (default $CONNECTIONS)
  -w SECONDS      warm-up of each pair before its first round, both phases (default $WARMUP)
  --only LIST     comma-separated subset of: ${ALL_CANDIDATES[*]}
  --jar PATH      Strait jar (default server/target/strait.jar, built if missing)
  --load-jar PATH strait-load jar (default perf-tests/target/strait-load.jar, built if missing)
  --keep          keep the temp dir
  --render-only DIR  make the certificates and write every pair's rendered configs to DIR, then stop: nothing is
                  started or measured
Environment: MESH_PORT_BASE ($BASE: the backend; the sidecars take BASE+1 to BASE+13), PROXY_CPU LOAD_CPU
  ($PROXY_CPU $LOAD_CPU), STRAIT_JAVA_OPTS.
EOF
}

SCRIPT_NAME=mesh.sh
# shellcheck source=lib/harness.sh
source "$SCRIPT_DIR/lib/harness.sh"

while (($#)); do
    case $1 in
        -d) DURATION=${2:?}; shift 2 ;;
        -r) ROUNDS=${2:?}; shift 2 ;;
        -c) CONNECTIONS=${2:?}; shift 2 ;;
        -w) WARMUP=${2:?}; shift 2 ;;
        --only) ONLY=${2:?}; shift 2 ;;
        --jar) JAR=${2:?}; shift 2 ;;
        --load-jar) LOAD_JAR=${2:?}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --render-only) RENDER_ONLY=${2:?--render-only needs a directory}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
for v in "$DURATION" "$ROUNDS" "$CONNECTIONS"; do is_uint "$v" && ((v > 0)) || die "not a positive integer: $v"; done
is_uint "$WARMUP" || die "-w must be a non-negative integer"
CANDIDATES=("${ALL_CANDIDATES[@]}")
if [[ -n $ONLY ]]; then
    IFS=',' read -r -a CANDIDATES <<<"$ONLY"
    for c in "${CANDIDATES[@]}"; do [[ -n ${CLIENT_PORT[$c]:-} ]] || die "--only: unknown candidate '$c'"; done
fi

if [[ -n $RENDER_ONLY ]]; then   # configs only: no tools but openssl, no processes; TMP is that directory, kept
    command -v openssl >/dev/null || die "openssl is needed for the certificates"
    mkdir -p "$RENDER_ONLY" || die "cannot make $RENDER_ONLY"
    TMP=$(cd "$RENDER_ONLY" && pwd)
else
    ensure_tools openssl
    CLK_TCK=$(getconf CLK_TCK)
    start_tmp strait-mesh
    ensure_load_jar
fi

BODY=$(make_body "$BODY_SIZE" "$TMP/body.expected")
mkdir -p "$TMP/www"
cp "$TMP/body.expected" "$TMP/www/1k"

# ---------------------------------------------------------------------------------------------- certificates
# A throwaway CA and two workload certificates (EC P-256) with SPIFFE IDs as URI SANs, usable as client and server.
CERTS="$TMP/certs"
make_workload() {   # make_workload NAME SPIFFE_ID
    local d=$CERTS n=$1
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/$n.key" -out "$d/$n.csr" \
        -subj "/CN=$n" &&
        printf '%s\n' "subjectAltName=URI:$2,DNS:$n.mesh.test" "basicConstraints=CA:FALSE" \
            "keyUsage=digitalSignature" "extendedKeyUsage=serverAuth,clientAuth" >"$d/$n.ext" &&
        openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 -sha256 \
            -extfile "$d/$n.ext" -out "$d/$n.pem" &&
        cat "$d/$n.pem" "$d/$n.key" >"$d/$n.combined.pem"
}
mkdir -p "$CERTS"
{
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$CERTS/ca.key" \
        -out "$CERTS/ca.pem" -days 2 -subj "/CN=strait mesh.sh throwaway CA" &&
        make_workload frontend "$FRONTEND_ID" && make_workload backend "$BACKEND_ID"
} >"$CERTS/openssl.log" 2>&1 || { show_log "$CERTS/openssl.log"; die "could not make the certificates"; }

render() {   # render NAME: conf/mesh-NAME into $TMP/NAME
    render_template "$CONF_DIR/mesh-$1" "$TMP/$1" TMP "$TMP" CERTS "$CERTS" BACKEND_PORT "$BACKEND_PORT" \
        CONNECTIONS "$CONNECTIONS" FRONTEND_ID "$FRONTEND_ID" BACKEND_ID "$BACKEND_ID" \
        STRAIT_CLIENT "${CLIENT_PORT[strait]}" STRAIT_CHURN "${CHURN_PORT[strait]}" \
        STRAIT_SERVER "${SERVER_PORT[strait]}" HAPROXY_CLIENT "${CLIENT_PORT[haproxy]}" \
        HAPROXY_CHURN "${CHURN_PORT[haproxy]}" HAPROXY_SERVER "${SERVER_PORT[haproxy]}" \
        NGINX_CLIENT "${CLIENT_PORT[nginx]}" NGINX_CHURN "${CHURN_PORT[nginx]}" NGINX_SERVER "${SERVER_PORT[nginx]}"
}

if [[ -n $RENDER_ONLY ]]; then
    for f in strait-client.yaml strait-server.yaml haproxy-client.cfg haproxy-server.cfg nginx-client.conf \
        nginx-server.conf; do
        render "$f"
    done
    echo "configs in $TMP"
    exit 0
fi

# ------------------------------------------------------------------------------------------------------ startup
port_in_use "$BACKEND_PORT" && die "port $BACKEND_PORT is already in use (set MESH_PORT_BASE)"
render_template "$CONF_DIR/nginx-backend.conf" "$TMP/nginx-backend.conf" TMP "$TMP" BODY "$BODY" \
    BACKEND_PORT "$BACKEND_PORT" -- -e "s|# @BACKEND_TLS@||" -e "s|# @BACKEND_H2@.*\$||"
start_pinned "$LOAD_CPU" "$TMP/backend.log" nginx -p "$TMP" -e "$TMP/backend.error.log" -c "$TMP/nginx-backend.conf"
wait_until "$STARTED_PID" "$STARTUP_TIMEOUT" answers "http://$HOST:$BACKEND_PORT/" \
    && check_body backend "http://$HOST:$BACKEND_PORT/" || die "the nginx backend did not start"

declare -A CLIENT_PID=() SERVER_PID=() IDLE_RSS=()
SKIPPED=()

start_pair() {   # start_pair NAME: both sidecars on PROXY_CPU; sets CLIENT_PID/SERVER_PID
    local n=$1 p
    for p in "${CLIENT_PORT[$n]}" "${CHURN_PORT[$n]}" "${SERVER_PORT[$n]}"; do
        port_in_use "$p" && { SKIP_REASON="port $p is already in use"; return 1; }
    done
    case $n in
        strait)
            ensure_strait_jar || return 1
            render strait-server.yaml; render strait-client.yaml
            start_strait_pinned "$TMP/strait-server.log" "$TMP/strait-server.yaml"; SERVER_PID[$n]=$STARTED_PID
            start_strait_pinned "$TMP/strait-client.log" "$TMP/strait-client.yaml"; CLIENT_PID[$n]=$STARTED_PID ;;
        haproxy)
            render haproxy-server.cfg; render haproxy-client.cfg
            for p in server client; do
                haproxy -c -q -f "$TMP/haproxy-$p.cfg" >"$TMP/haproxy-$p.check.log" 2>&1 \
                    || { show_log "$TMP/haproxy-$p.check.log"; SKIP_REASON="bad config"; return 1; }
            done
            start_pinned "$PROXY_CPU" "$TMP/haproxy-server.log" haproxy -db -f "$TMP/haproxy-server.cfg"
            SERVER_PID[$n]=$STARTED_PID
            start_pinned "$PROXY_CPU" "$TMP/haproxy-client.log" haproxy -db -f "$TMP/haproxy-client.cfg"
            CLIENT_PID[$n]=$STARTED_PID ;;
        nginx)
            render nginx-server.conf; render nginx-client.conf
            start_pinned "$PROXY_CPU" "$TMP/nginx-server.log" nginx -p "$TMP" -e "$TMP/nginx-server.error.log" \
                -c "$TMP/nginx-server.conf"
            SERVER_PID[$n]=$STARTED_PID
            start_pinned "$PROXY_CPU" "$TMP/nginx-client.log" nginx -p "$TMP" -e "$TMP/nginx-client.error.log" \
                -c "$TMP/nginx-client.conf"
            CLIENT_PID[$n]=$STARTED_PID ;;
    esac
    # Both routes must answer with the body: the whole chain (mTLS, SAN checks) works before anything is measured.
    wait_until "${CLIENT_PID[$n]}" "$STARTUP_TIMEOUT" answers "http://$HOST:${CLIENT_PORT[$n]}/" || true
    if ! check_body "$n" "http://$HOST:${CLIENT_PORT[$n]}/" \
        || ! check_body "$n-churn" "http://$HOST:${CHURN_PORT[$n]}/"; then
        show_log "$TMP/$n-client.log"; show_log "$TMP/$n-server.log"
        show_log "$TMP/$n-client.error.log"; show_log "$TMP/$n-server.error.log"
        SKIP_REASON="the chain through both sidecars did not answer 200 with the body"
        return 1
    fi
    local c s
    c=$(java_pid "${CLIENT_PID[$n]}"); s=$(java_pid "${SERVER_PID[$n]}")
    [[ $c == "${CLIENT_PID[$n]}" ]] || PIDS+=("$c")
    [[ $s == "${SERVER_PID[$n]}" ]] || PIDS+=("$s")
    CLIENT_PID[$n]=$c; SERVER_PID[$n]=$s
    IDLE_RSS[$n]=$(($(rss_kib "$c") + $(rss_kib "$s")))
    log "$n pair up: client pid $c on :${CLIENT_PORT[$n]}/:${CHURN_PORT[$n]}, server pid $s on :${SERVER_PORT[$n]}"
}

STARTED=()
for n in "${CANDIDATES[@]}"; do
    if start_pair "$n"; then STARTED+=("$n"); else SKIPPED+=("$n: $SKIP_REASON"); log "SKIPPING $n: $SKIP_REASON"; fi
done
((${#STARTED[@]} > 0)) || die "no pair started"

# --------------------------------------------------------------------------------------------------- measuring
SCENARIO_FILE="$SCRIPT_DIR/scenarios/1kib-keepalive.conf"
run_load() {   # run_load PORT SECONDS OUT: no generator warm-up, so every request the sidecars served is counted
    taskset -c "$LOAD_CPU" env STRAIT_LOAD_JAR="$LOAD_JAR" "$ROOT/bin/strait-load" run --scenario "$SCENARIO_FILE" \
        --url "http://$HOST:$1/" --connections "$CONNECTIONS" --duration "${2}s" --warmup 0s --kv "$3.kv" \
        --quiet >"$3.txt" 2>&1
}
kv() { awk -F= -v k="$1" '$1 == k { print $2 }' "$2"; }
pair_ticks() { echo $(($(cpu_ticks "${CLIENT_PID[$1]}") + $(cpu_ticks "${SERVER_PID[$1]}"))); }

RAW="$TMP/rounds.txt"
: >"$RAW"   # candidate phase round rps requests errors cpu_us_per_req client_share_pct rss_kib
measure() {   # measure NAME PHASE ROUND
    local n=$1 phase=$2 round=$3 port out t0 c0 t1 c1
    port=${CLIENT_PORT[$n]}
    [[ $phase == handshakes ]] && port=${CHURN_PORT[$n]}
    out="$TMP/$n.$phase.$round"
    t0=$(pair_ticks "$n"); c0=$(cpu_ticks "${CLIENT_PID[$n]}")
    run_load "$port" "$DURATION" "$out" || { cat "$out.txt" >&2; die "strait-load failed for $n $phase"; }
    t1=$(pair_ticks "$n"); c1=$(cpu_ticks "${CLIENT_PID[$n]}")
    local rps req err rss
    rps=$(kv rps "$out.kv"); req=$(kv requests "$out.kv"); err=$(kv errors "$out.kv")
    rss=$(($(rss_kib "${CLIENT_PID[$n]}") + $(rss_kib "${SERVER_PID[$n]}")))
    local cpu share
    cpu=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v r="$req" 'BEGIN { printf "%.2f", (r > 0 ? d * 1e6 / hz / r : 0) }')
    share=$(awk -v c=$((c1 - c0)) -v d=$((t1 - t0)) 'BEGIN { printf "%.0f", (d > 0 ? 100 * c / d : 0) }')
    echo "$n $phase $round $rps $req $err $cpu $share $rss" >>"$RAW"
    printf '   round %d %-8s %-10s %8s req/s  cpu %7s us/req (client sidecar %s%%)  errors %s\n' \
        "$round" "$n" "$phase" "$rps" "$cpu" "$share" "$err" >&2
}

for n in "${STARTED[@]}"; do
    ((WARMUP > 0)) || break
    log "warm-up $n ${WARMUP}s per phase"
    run_load "${CLIENT_PORT[$n]}" "$WARMUP" "$TMP/$n.warmup" || true
    run_load "${CHURN_PORT[$n]}" "$WARMUP" "$TMP/$n.warmup-churn" || true
done
for round in $(seq "$ROUNDS"); do
    log "round $round/$ROUNDS"
    for n in "${STARTED[@]}"; do
        measure "$n" keepalive "$round"
        measure "$n" handshakes "$round"
    done
done

# ------------------------------------------------------------------------------------------------------ report
median() {   # median COLUMN NAME PHASE
    awk -v c="$1" -v n="$2" -v p="$3" '$1 == n && $2 == p { print $c }' "$RAW" | sort -g | awk '
        { a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2];
        else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { [[ $1 == - || $2 == - ]] && echo - || awk -v a="$1" -v b="$2" 'BEGIN { if (b) printf "%.2f", a / b; else printf "-" }'; }
int() { [[ $1 == - ]] && echo - || awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
STAMP=$(date -u +%Y-%m-%d-%H%M%S)
mkdir -p "$RESULTS_DIR"
OUT="$RESULTS_DIR/$STAMP-mesh.md"
{
    echo "# mesh.sh: two sidecars with mutual TLS, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "strait-load (HTTP/1.1, $CONNECTIONS keep-alive connections, closed loop, 1 KiB responses) -> client" \
        "sidecar -> mTLS (TLS 1.3, EC P-256 workload certificates with SPIFFE IDs, each side verifying the other's" \
        "CA and SAN) -> server sidecar -> nginx backend. Both sidecars of a pair on core $PROXY_CPU, one" \
        "worker / event loop each; generator and backend on core $LOAD_CPU. Medians of $ROUNDS interleaved" \
        "round(s) of ${DURATION}s. CPU = both sidecars' utime+stime over the run / requests."
    echo
    echo "| pair | keep-alive req/s | keep-alive CPU µs/req | vs HAProxy | handshakes/s | CPU µs/handshake | vs HAProxy | RSS MiB idle (both) | RSS MiB after (both) | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    hk=$(median 7 haproxy keepalive); hh=$(median 7 haproxy handshakes)
    for n in "${STARTED[@]}"; do
        k=$(median 7 "$n" keepalive); h=$(median 7 "$n" handshakes)
        errs=$(awk -v n="$n" '$1 == n { s += $6 } END { print s + 0 }' "$RAW")
        echo "| $n | $(int "$(median 4 "$n" keepalive)") | $k | $(ratio "$k" "$hk") | $(int "$(median 4 "$n" handshakes)") | $h" \
            "| $(ratio "$h" "$hh") | $(awk -v k="${IDLE_RSS[$n]}" 'BEGIN { printf "%.1f", k / 1024 }')" \
            "| $(awk -v k="$(median 9 "$n" keepalive)" 'BEGIN { printf "%.1f", k / 1024 }') | $errs |"
    done
    echo
    echo "Handshakes: the client sidecar's second route opens a new upstream connection per request and does not" \
        "resume sessions, so each request is one full mutual-TLS handshake (handshakes/s = req/s); its CPU per" \
        "request includes proxying the request on both sidecars."
    ((${#SKIPPED[@]} == 0)) || printf -- '- skipped %s\n' "${SKIPPED[@]}"
    echo
    echo "Raw rounds (candidate phase round rps requests errors cpu_us client_share_pct rss_kib):"
    echo
    echo '```'
    cat "$RAW"
    echo '```'
} >"$OUT"
cat "$OUT"
log "wrote $OUT"
