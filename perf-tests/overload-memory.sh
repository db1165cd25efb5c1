#!/usr/bin/env bash
# Memory under overload (issue 13): Strait, nginx and HAProxy, one at a time, each in front of an nginx backend
# that serves a large static file; N clients ask for it and never read (perf-tests/lib/stall-clients.py), so
# whatever the proxy reads from the backend and cannot send waits in the proxy. For each N, while the clients hang:
# the proxy's RSS over time (/proc), the kernel's TCP memory, 1 KiB requests on new connections (status and
# latency: are new connections accepted, are requests still served?), and for Strait its admin /overload and the
# overload.* stats (which actions fired). Then the clients are released (RST) and recovery is shown: RSS after,
# a 1 KiB request again. Strait runs twice: with the default overload settings (bin/strait's default heap and
# direct-memory limits) and with a tighter direct-memory budget (strait-tight) where the actions fire sooner.
# Writes perf-tests/results/<date>-overload-memory.md. See perf-tests/README.md.
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
CONF_DIR="$SCRIPT_DIR/conf"
RESULTS_DIR="$SCRIPT_DIR/results"
HOST=127.0.0.1

BASE=${OVERLOAD_PORT_BASE:-28180}   # the backend; the proxies take BASE+1 to BASE+4, Strait's admin BASE+11/+12
BACKEND_PORT=$BASE
declare -A PORT=([strait]=$((BASE + 1)) [strait-tight]=$((BASE + 4)) [nginx]=$((BASE + 2)) [haproxy]=$((BASE + 3)))
declare -A ADMIN_PORT=([strait]=$((BASE + 11)) [strait-tight]=$((BASE + 12)))
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
LEVELS="50,100,200"
HOLD=10
SETTLE=3
FILE_MIB=16
PROBES=5
RCVBUF=4096
TIGHT_DIRECT=64MiB
ONLY=""
JAR=""
LOAD_JAR=""
KEEP=0
RENDER_ONLY=""
STARTUP_TIMEOUT=20
ALL_CANDIDATES=(strait strait-tight nginx haproxy)

usage() {
    cat <<EOF
Usage: perf-tests/overload-memory.sh [options]
  -n LIST          comma-separated numbers of stalled clients, each a phase (default $LEVELS; at most 2000 each)
  --hold SECONDS   how long the clients hang per phase, RSS sampled meanwhile (default $HOLD; 2..25: HAProxy's
                   timeout client is 30 s)
  --settle SECONDS wait after the release before RSS and the request after (default $SETTLE)
  --file-mib MIB   size of the large file (default $FILE_MIB; 1..256)
  --probes N       1 KiB requests, each on a new connection, during and after each phase (default $PROBES)
  --rcvbuf BYTES   the stalled clients' SO_RCVBUF (default $RCVBUF; 0: the kernel's autotuning)
  --tight SIZE     strait-tight's overload.resources.direct_memory.max (default $TIGHT_DIRECT)
  --only LIST      comma-separated subset of: ${ALL_CANDIDATES[*]}
  --jar PATH       Strait jar (default server/target/strait.jar, built if missing)
  --keep           keep the temp dir
  --render-only DIR write every candidate's rendered config (and the backend's) to DIR, then stop: nothing is
                   started or measured
Environment: OVERLOAD_PORT_BASE ($BASE), PROXY_CPU LOAD_CPU ($PROXY_CPU $LOAD_CPU), STRAIT_JAVA_OPTS, STRAIT_HEAP.
EOF
}

SCRIPT_NAME=overload-memory.sh
# shellcheck source=lib/harness.sh
source "$SCRIPT_DIR/lib/harness.sh"

while (($#)); do
    case $1 in
        -n) LEVELS=${2:?}; shift 2 ;;
        --hold) HOLD=${2:?}; shift 2 ;;
        --settle) SETTLE=${2:?}; shift 2 ;;
        --file-mib) FILE_MIB=${2:?}; shift 2 ;;
        --probes) PROBES=${2:?}; shift 2 ;;
        --rcvbuf) RCVBUF=${2:?}; shift 2 ;;
        --tight) TIGHT_DIRECT=${2:?}; shift 2 ;;
        --only) ONLY=${2:?}; shift 2 ;;
        --jar) JAR=${2:?}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --render-only) RENDER_ONLY=${2:?--render-only needs a directory}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
IFS=',' read -r -a LEVEL_LIST <<<"$LEVELS"
for v in "${LEVEL_LIST[@]}"; do is_uint "$v" && ((v >= 1 && v <= 2000)) || die "-n: not within 1..2000: $v"; done
is_uint "$HOLD" && ((HOLD >= 2 && HOLD <= 25)) || die "--hold must be within 2..25"
is_uint "$SETTLE" || die "--settle must be a non-negative integer"
is_uint "$FILE_MIB" && ((FILE_MIB >= 1 && FILE_MIB <= 256)) || die "--file-mib must be within 1..256"
is_uint "$PROBES" && ((PROBES >= 1 && PROBES <= 50)) || die "--probes must be within 1..50"
is_uint "$RCVBUF" || die "--rcvbuf must be a non-negative integer"
[[ $TIGHT_DIRECT =~ ^[0-9]+(KiB|MiB|GiB)$ ]] || die "--tight: a size such as 64MiB"
CANDIDATES=("${ALL_CANDIDATES[@]}")
if [[ -n $ONLY ]]; then
    IFS=',' read -r -a CANDIDATES <<<"$ONLY"
    for c in "${CANDIDATES[@]}"; do [[ -n ${PORT[$c]:-} ]] || die "--only: unknown candidate '$c'"; done
fi

if [[ -n $RENDER_ONLY ]]; then
    mkdir -p "$RENDER_ONLY"
    TMP=$(cd "$RENDER_ONLY" && pwd)
else
    ensure_tools python3 ss:iproute2
    start_tmp strait-overload
fi
BODY=$(make_body 1024 "$TMP/body.expected")
PAGE_KIB=$(($(getconf PAGESIZE) / 1024))

# ------------------------------------------------------------------------------------------------------ configs
# The backend: conf/nginx-backend.conf as compare.sh uses it, with one more location in place of its h2c comment:
# /big, the large static file (sendfile: the backend itself holds nothing per download), and a fixed 256 KiB send
# buffer on its listener: without it the kernel grows the send buffer of each backend connection a proxy stops
# reading to tcp_wmem's maximum (4 MiB here), machine-wide TCP memory that would push the kernel into TCP memory
# pressure at a few hundred stalled downloads. It caps what the backend side keeps in the kernel, the same for
# every proxy.
render_template "$CONF_DIR/nginx-backend.conf" "$TMP/nginx-backend.conf" TMP "$TMP" BODY "$BODY" \
    BACKEND_PORT "$BACKEND_PORT" -- -e "s|# @BACKEND_TLS@||" \
    -e "s|# @BACKEND_H2@.*\$|location = /big { alias $TMP/www/big; sendfile on; }|" \
    -e "s|^\( *listen $HOST:$BACKEND_PORT\);|\1 sndbuf=256k;|"

# nginx and HAProxy with compare.sh's templates unchanged: nginx buffers a response it cannot send (proxy_buffering
# on, the default: 8 in-memory buffers, then a temp file of up to 1 GiB per request); HAProxy holds its two
# buffers per stream (tune.bufsize 16 KiB) and stops reading the server.
render() {   # render TEMPLATE OUT [SED_ARG...]
    local in=$1 out=$2
    shift 2
    render_template "$in" "$out" TMP "$TMP" BODY "$BODY" CONNECTIONS 64 BACKEND_PORT "$BACKEND_PORT" \
        STRAIT_PORT "${PORT[strait]}" NGINX_PORT "${PORT[nginx]}" HAPROXY_PORT "${PORT[haproxy]}" \
        -- -e "s|@SSL@||g" -e "s|@HTTP2@||g" -e "s|@HAPROXY_SSL@||g" -e "s|@HAPROXY_PROTO@||g" "$@"
}

STRAIT_TIGHT_OVERLOAD="overload: { resources: { heap: {}, direct_memory: { max: $TIGHT_DIRECT } } }"
render "$CONF_DIR/nginx-proxy.conf" "$TMP/nginx-proxy.conf"
render "$CONF_DIR/haproxy.cfg" "$TMP/haproxy.cfg"
for n in strait strait-tight; do
    overload=""
    [[ $n == strait-tight ]] && overload=$STRAIT_TIGHT_OVERLOAD
    render_template "$CONF_DIR/overload-strait.yaml" "$TMP/$n.yaml" STRAIT_PORT "${PORT[$n]}" \
        ADMIN_PORT "${ADMIN_PORT[$n]}" BACKEND_PORT "$BACKEND_PORT" OVERLOAD "$overload"
done
if [[ -n $RENDER_ONLY ]]; then
    echo "overload-memory.sh: configs in $TMP"
    exit 0
fi

# ------------------------------------------------------------------------------------------------------ backend
mkdir -p "$TMP/www"
head -c $((FILE_MIB * 1024 * 1024)) /dev/zero | tr '\0' 'x' >"$TMP/www/big"
port_in_use "$BACKEND_PORT" && die "port $BACKEND_PORT is already in use (set OVERLOAD_PORT_BASE)"
start_pinned "$LOAD_CPU" "$TMP/backend.log" nginx -p "$TMP" -e "$TMP/backend.error.log" -c "$TMP/nginx-backend.conf"
wait_until "$STARTED_PID" "$STARTUP_TIMEOUT" answers "http://$HOST:$BACKEND_PORT/" \
    && check_body backend "http://$HOST:$BACKEND_PORT/" || die "the nginx backend did not start"
big=$(curl -s -o /dev/null -m 30 -w '%{size_download}' "http://$HOST:$BACKEND_PORT/big") || big=0
((big == FILE_MIB * 1024 * 1024)) || die "the backend's /big answered $big bytes, not $((FILE_MIB * 1024 * 1024))"

# ----------------------------------------------------------------------------------------------- the proxies
start_candidate() {   # start_candidate NAME: sets PID (the process to measure); false with SKIP_REASON
    local n=$1
    port_in_use "${PORT[$n]}" && { SKIP_REASON="port ${PORT[$n]} is already in use"; return 1; }
    case $n in
        strait | strait-tight)
            ensure_strait_jar || return 1
            port_in_use "${ADMIN_PORT[$n]}" && { SKIP_REASON="port ${ADMIN_PORT[$n]} is already in use"; return 1; }
            start_strait_pinned "$TMP/$n.log" "$TMP/$n.yaml" ;;
        nginx)
            start_pinned "$PROXY_CPU" "$TMP/nginx-proxy.log" \
                nginx -p "$TMP" -e "$TMP/nginx-proxy.error.log" -c "$TMP/nginx-proxy.conf" ;;
        haproxy)
            haproxy -c -q -f "$TMP/haproxy.cfg" >"$TMP/haproxy.check.log" 2>&1 \
                || { show_log "$TMP/haproxy.check.log"; SKIP_REASON="bad config"; return 1; }
            start_pinned "$PROXY_CPU" "$TMP/haproxy.log" haproxy -db -f "$TMP/haproxy.cfg" ;;
    esac
    local started=$STARTED_PID
    wait_until "$started" "$STARTUP_TIMEOUT" answers "http://$HOST:${PORT[$n]}/" || true
    if ! check_body "$n" "http://$HOST:${PORT[$n]}/"; then
        show_log "$TMP/$n.log"; show_log "$TMP/nginx-proxy.error.log"; show_log "$TMP/haproxy.log"
        SKIP_REASON="did not answer 200 with the 1 KiB body"
        stop_pids "$started"
        return 1
    fi
    PID=$(java_pid "$started")
    [[ $PID == "$started" ]] || PIDS+=("$PID")
    STOP_LIST=("$started" "$PID")
}

# ------------------------------------------------------------------------------------------------- measuring
rss_now() { rss_kib "$PID" 2>/dev/null || echo 0; }   # 0 once the proxy is gone
forget_pid() {   # forget_pid PID: drop it from PIDS (it was stopped and reaped)
    local keep=() p
    for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}
admin() { curl -s -m 2 "http://$HOST:${ADMIN_PORT[$1]}$2"; }
stat_of() {   # stat_of FILE NAME: the value of NAME in a /stats dump, 0 when absent
    awk -v k="$2:" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "$1"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
tcp_mem_kib() { awk -v p="$PAGE_KIB" '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1) * p }' \
    /proc/net/sockstat; }

# probe NAME OUT: PROBES 1 KiB requests on new connections; writes "ok total median_ms max_ms codes" to OUT.
probe() {
    local url="http://$HOST:${PORT[$1]}/" i line
    : >"$2.raw"
    for ((i = 0; i < PROBES; i++)); do
        line=$(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total} %{size_download}' "$url" 2>/dev/null) \
            || line="${line:-000 5 0}"
        echo "$line" >>"$2.raw"
    done
    local ok codes times
    ok=$(awk '$1 == 200 && $3 == 1024 { k++ } END { print k + 0 }' "$2.raw")
    codes=$(awk '{ print $1 }' "$2.raw" | sort | uniq -c | awk '{ printf "%s%sx%s", (NR > 1 ? "," : ""), $2, $1 }')
    times=$(awk '{ printf "%.1f\n", $2 * 1000 }' "$2.raw" | sort -g | awk '{ t[NR] = $1 }
        END { print t[int((NR + 1) / 2)], t[NR] }')
    echo "$ok $PROBES $times $codes" >"$2"
}
probe_cell() {   # probe_cell FILE: "5/5 200, 1.2 / 3.4 ms" for the table
    awk '{ printf "%d/%d ok (%s), median %s ms, max %s ms", $1, $2, $5, $3, $4 }' "$1"
}

# sampler NAME OUT: RSS (and Strait's direct-memory pressure) every 0.5 s until $OUT.stop exists.
sampler() {
    local n=$1 out=$2 t0=$SECONDS p
    while [[ ! -e $out.stop ]]; do
        p=-
        [[ $n == strait* ]] && p=$(admin "$n" '/stats?filter=^overload\.direct_memory\.pressure$' \
            | awk '{ print $2 }') && [[ -n $p ]] || p=${p:--}
        echo "$((SECONDS - t0)) $(rss_now) $p" >>"$out"
        sleep 0.5
    done
}

# nginx_temp_kib: the size of nginx's proxy temp files (it unlinks them at once, so du sees nothing: they are found
# as its open descriptors that point into proxy_temp_path), KiB.
nginx_temp_kib() {
    local f total=0 sz
    for f in /proc/"$PID"/fd/*; do
        [[ $(readlink "$f" 2>/dev/null) == "$TMP/nginx-proxy-proxy/"* ]] || continue
        sz=$(stat -L -c %s "$f" 2>/dev/null) || continue
        total=$((total + sz))
    done
    echo $((total / 1024))
}

# tcp_room CLIENTS: false when CLIENTS more stalled downloads (~4.5 MiB of kernel buffers each: the proxy's send
# buffer to a client that does not read grows to tcp_wmem's maximum) could push the machine's TCP memory past
# tcp_mem's pressure level, where the kernel starts shrinking every socket's buffers (other users' too).
tcp_room() {
    local pressure_kib
    pressure_kib=$(awk -v p="$PAGE_KIB" '{ print $2 * p }' /proc/sys/net/ipv4/tcp_mem)
    (($(tcp_mem_kib) + $1 * 4608 < pressure_kib * 9 / 10))
}

RAW="$TMP/phases.txt"
: >"$RAW"
declare -A IDLE_RSS=() ALIVE=()
SKIPPED=()
STARTED=()

phase() {   # phase NAME CLIENTS
    local n=$1 clients=$2 tag="$TMP/$1.$2" before ready sent failed peak sampler_pid
    before=$(rss_now)
    [[ $n == strait* ]] && admin "$n" '/stats?filter=^overload\.' >"$tag.stats0"
    rm -f "$tag.samples" "$tag.samples.stop"
    sampler "$n" "$tag.samples" &
    sampler_pid=$!
    PIDS+=("$sampler_pid")
    taskset -c "$LOAD_CPU" python3 "$SCRIPT_DIR/lib/stall-clients.py" --host "$HOST" --port "${PORT[$n]}" \
        --path /big -n "$clients" --rcvbuf "$RCVBUF" --max-hold 120 >"$tag.clients" 2>&1 &
    local holder=$!
    PIDS+=("$holder")
    for ((i = 0; i < 600; i++)); do grep -q '^ready' "$tag.clients" 2>/dev/null && break; sleep 0.1; done
    read -r _ sent failed < <(grep '^ready' "$tag.clients" || echo "ready 0 $clients")
    sleep "$HOLD"
    probe "$n" "$tag.probe-during"
    local tcp_kib nginx_tmp_kib=- closing
    tcp_kib=$(tcp_mem_kib)
    # The proxy's sockets to the clients that it closed while the clients hang: a close() with unsent bytes queues
    # the FIN behind them (FIN-WAIT-1), so a client that does not read sees nothing; an RST would be immediate.
    closing=$(ss -Htn state fin-wait-1 "( sport = :${PORT[$n]} )" 2>/dev/null | wc -l)
    [[ $n == nginx ]] && nginx_tmp_kib=$(nginx_temp_kib)
    if [[ $n == strait* ]]; then
        admin "$n" /overload >"$tag.overload.json"
        admin "$n" '/stats?filter=^overload\.' >"$tag.stats1"
        admin "$n" '/stats?usedonly' >"$tag.stats-all"   # kept with --keep: every counter that moved
    fi
    local during
    during=$(rss_now)
    kill -TERM "$holder" 2>/dev/null || true
    wait "$holder" 2>/dev/null || true
    touch "$tag.samples.stop"
    wait "$sampler_pid" 2>/dev/null || true
    forget_pid "$holder"; forget_pid "$sampler_pid"
    local kept reset
    read -r _ kept reset < <(grep '^released' "$tag.clients" || echo "released - -")
    sleep "$SETTLE"
    local after
    after=$(rss_now)
    probe "$n" "$tag.probe-after"
    peak=$(awk -v d="$during" '$2 > m { m = $2 } END { print (m > d ? m : d) }' "$tag.samples")
    local pressure=- actions=-
    if [[ $n == strait* ]]; then
        admin "$n" '/stats?filter=^overload\.' >"$tag.stats2"
        pressure=$(awk '$3 != "-" && $3 + 0 > m { m = $3 + 0 } END { print m + 0 }' "$tag.samples")
        pressure+="/$(stat_of "$tag.stats2" overload.direct_memory.pressure)"
        actions=$(for a in disable_keepalive shed_requests stop_accepting_connections reset_streams; do
            d=$(($(stat_of "$tag.stats2" "overload.$a.total") - $(stat_of "$tag.stats0" "overload.$a.total")))
            ((d == 0)) || printf '%s %d, ' "$a" "$d"
        done | sed 's/, $//')
        [[ -n $actions ]] || actions=none
    fi
    # name clients sent failed before peak during after kept reset tcp_kib nginx_tmp_kib pressure closing | actions
    echo "$n $clients $sent $failed $before $peak $during $after $kept $reset $tcp_kib $nginx_tmp_kib $pressure" \
        "$closing" \
        "| $actions" >>"$RAW"
    printf '   %-12s %4d stalled (%s connected): RSS %s -> peak %s -> after %s MiB; 1 KiB during: %s; actions: %s\n' \
        "$n" "$clients" "$sent" "$(mib "$before")" "$(mib "$peak")" "$(mib "$after")" \
        "$(probe_cell "$tag.probe-during")" "$actions" >&2
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "temp dir $TMP; ${FILE_MIB} MiB file; phases of ${LEVELS} stalled clients, ${HOLD}s each; load average $LOAD_BEFORE"
for n in "${CANDIDATES[@]}"; do
    if ! start_candidate "$n"; then
        SKIPPED+=("$n: $SKIP_REASON"); log "SKIPPING $n: $SKIP_REASON"; continue
    fi
    STARTED+=("$n")
    IDLE_RSS[$n]=$(rss_kib "$PID")
    log "$n up (pid $PID, idle RSS $(mib "${IDLE_RSS[$n]}") MiB)"
    for c in "${LEVEL_LIST[@]}"; do
        if tcp_room "$c"; then phase "$n" "$c"
        else
            SKIPPED+=("$n with $c clients: too close to tcp_mem's pressure level")
            log "SKIPPING $n with $c clients"
        fi
    done
    [[ $n == strait* ]] && admin "$n" /overload >"$TMP/$n.overload-end.json"
    [[ $n == strait* ]] && grep -E 'WARN|ERROR|OutOfMemory' "$TMP/$n.log" | tail -n 40 >"$TMP/$n.warnings" || true
    kill -0 "$PID" 2>/dev/null && ALIVE[$n]=yes || ALIVE[$n]=no
    stop_pids "${STOP_LIST[@]}"
    for p in "${STOP_LIST[@]}"; do forget_pid "$p"; done
done
((${#STARTED[@]} > 0)) || die "no proxy started"

# ------------------------------------------------------------------------------------------------------ report
STAMP=$(date -u +%Y-%m-%d-%H%M%S)
mkdir -p "$RESULTS_DIR"
OUT="$RESULTS_DIR/$STAMP-overload-memory.md"
describe() {   # describe NAME: how the candidate was configured, for the report
    local opts=""
    [[ -z ${STRAIT_JAVA_OPTS:-} ]] || opts="; then STRAIT_JAVA_OPTS, last, so it wins: $STRAIT_JAVA_OPTS"
    case $1 in
        strait) echo "\`bin/strait run -c strait.yaml\` (conf/overload-strait.yaml; launcher defaults: -Xms64m" \
            "-Xmx${STRAIT_HEAP:-256m} -XX:MaxDirectMemorySize=256m$opts), default overload manager" \
            "(heap and direct memory against the JVM's limits; keep-alive off at 90%, shed and refuse at 95%," \
            "reset at 98%), default \`connection_buffer\` (1 MiB)" ;;
        strait-tight) echo "the same launcher, with \`$STRAIT_TIGHT_OVERLOAD\` (direct memory against" \
            "$TIGHT_DIRECT instead of the JVM's 256 MiB; default actions and thresholds)" ;;
        nginx) echo "\`conf/nginx-proxy.conf\` (compare.sh's): \`proxy_buffering\` on by default (8 in-memory" \
            "buffers of a page, then a temp file of up to 1 GiB per response, on disk)" ;;
        haproxy) echo "\`conf/haproxy.cfg\` (compare.sh's): default \`tune.bufsize\` 16 KiB, two buffers per stream" ;;
    esac
}
{
    echo "# overload-memory.sh: memory under stalled downloads, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Each proxy alone in front of an nginx backend serving a ${FILE_MIB} MiB static file (sendfile). For each" \
        "phase, N clients (perf-tests/lib/stall-clients.py, SO_RCVBUF $RCVBUF) ask for the file and never read;" \
        "they hang ${HOLD} s, then are released with an RST, and the proxy gets ${SETTLE} s before \"after\"." \
        "Proxy: one worker / thread / event loop on core $PROXY_CPU; backend and clients on core $LOAD_CPU. RSS =" \
        "VmRSS of the proxy process every 0.5 s (peak: the highest sample). \"1 KiB during\": $PROBES requests for" \
        "\`/\` (1 KiB), each on a new connection (curl, 5 s timeout), after the ${HOLD} s hold, while the" \
        "clients still hang: ok = 200 with the 1 KiB body; 000 = no answer (connection refused or closed)." \
        "\"closed by proxy\": stalled connections the client saw closed or reset by the proxy at release / the" \
        "proxy's sockets in FIN-WAIT-1 at the end of the hold (closed by the proxy with unsent bytes: the FIN" \
        "waits behind them, so a client that does not read sees nothing and the kernel keeps the bytes)." \
        "Kernel TCP = the \`mem\` of /proc/net/sockstat (all TCP sockets of the machine, socket buffers" \
        "included: what the kernel holds for the stalled downloads, not counted in any RSS). Load average at the" \
        "start: $LOAD_BEFORE; JDK: $(java -version 2>&1 | head -n 1)."
    echo
    for n in "${STARTED[@]}"; do
        echo "## $n"
        echo
        echo "$(describe "$n"). Idle RSS $(mib "${IDLE_RSS[$n]}") MiB; still running at the end: ${ALIVE[$n]}."
        echo
        extra="" ; extra_h=""
        [[ $n == nginx ]] && { extra_h=" nginx temp files MiB |"; }
        [[ $n == strait* ]] && extra_h=" direct-memory pressure % (peak/after) | actions fired (overload.*.total) |"
        echo "| stalled clients (connected) | RSS before MiB | peak RSS MiB | RSS after release MiB | 1 KiB during |" \
            "1 KiB after release | closed by proxy: seen by client / FIN queued | kernel TCP MiB |$extra_h"
        sep="|---:|---:|---:|---:|---|---|---:|---:|"
        [[ $n == nginx ]] && sep+="---:|"
        [[ $n == strait* ]] && sep+="---:|---|"
        echo "$sep"
        while IFS= read -r line; do
            read -r name clients sent failed before peak during after kept reset tcp ntmp pressure closing _ <<<"$line"
            [[ $name == "$n" ]] || continue
            actions=${line#*| }
            case $n in
                nginx) extra=" $( [[ $ntmp == - ]] && echo - || mib "$ntmp") |" ;;
                strait*) extra=" $pressure | $actions |" ;;
                *) extra="" ;;
            esac
            echo "| $clients ($sent) | $(mib "$before") | $(mib "$peak") | $(mib "$after") |" \
                "$(probe_cell "$TMP/$n.$clients.probe-during") | $(probe_cell "$TMP/$n.$clients.probe-after") |" \
                "$reset / $closing | $(mib "$tcp") |$extra"
        done <"$RAW"
        echo
        if [[ $n == strait* ]]; then
            last=${LEVEL_LIST[${#LEVEL_LIST[@]} - 1]}
            if [[ -s $TMP/$n.$last.overload.json ]]; then
                echo "\`GET /overload\` at the end of the hold with $last stalled clients:"
                echo
                echo '```'
                python3 -m json.tool --compact "$TMP/$n.$last.overload.json" 2>/dev/null \
                    || cat "$TMP/$n.$last.overload.json"
                echo '```'
                echo
            fi
            if [[ -s $TMP/$n.warnings ]]; then
                echo "Strait's WARN/ERROR lines (last 40):"
                echo
                echo '```'
                cut -c1-300 "$TMP/$n.warnings"
                echo '```'
                echo
            fi
        fi
    done
    echo "## Summary: peak RSS (MiB) by stalled clients"
    echo
    printf '| proxy |'; for c in "${LEVEL_LIST[@]}"; do printf ' %s |' "$c"; done; echo ' after the last release |'
    printf '|---|'; for c in "${LEVEL_LIST[@]}"; do printf -- '---:|'; done; echo '---:|'
    for n in "${STARTED[@]}"; do
        printf '| %s |' "$n"
        for c in "${LEVEL_LIST[@]}"; do
            printf ' %s |' "$(awk -v n="$n" -v c="$c" '$1 == n && $2 == c { printf "%.1f", $6 / 1024 }' "$RAW")"
        done
        echo " $(awk -v n="$n" '$1 == n { a = $8 } END { printf "%.1f", a / 1024 }' "$RAW") |"
    done
    echo
    ((${#SKIPPED[@]} == 0)) || printf -- '- skipped %s\n' "${SKIPPED[@]}"
    echo
    echo "Raw phases (name clients connected failed rss_before peak rss_during rss_after still_established"
    echo "closed_seen_by_client kernel_tcp_kib nginx_tmp_kib direct_pressure_peak/after fin_wait_1 | actions), KiB:"
    echo
    echo '```'
    cat "$RAW"
    echo '```'
} >"$OUT"
cat "$OUT"
log "wrote $OUT"
