#!/usr/bin/env bash
# Footprint, cold start and tail: three runs a sidecar is judged by, beside nginx and HAProxy where they apply.
#   idle-connections  RSS of each proxy idle, then holding N idle keep-alive connections (each served one request):
#                     KiB per connection
#   cold-start        Strait started fresh, the 1 KiB keep-alive load at 64 connections at once for D seconds, then
#                     30 s of load, then D seconds warm: throughput and p99 of the first seconds over the warm ones
#   fixed-rate-tail   10,000 req/s for 60 s (after a warm-up) with Strait's GC log: p99.9 beside nginx and HAProxy,
#                     the longest GC pause
# Writes perf-tests/results/<date>-<scenario>.md (the GC log beside it for fixed-rate-tail). See perf-tests/README.md.
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
CONF_DIR="$SCRIPT_DIR/conf"
RESULTS_DIR="$SCRIPT_DIR/results"

# Ports apart from compare.sh's (28080-28085), so that both can run on one machine (not at once, for figures).
BACKEND_PORT=${BACKEND_PORT:-28180}
STRAIT_PORT=${STRAIT_PORT:-28181}
NGINX_PORT=${NGINX_PORT:-28182}
HAPROXY_PORT=${HAPROXY_PORT:-28183}
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
HOST=127.0.0.1
STARTUP_TIMEOUT=30
KEEP=0
JAR=""
LOAD_JAR=""
SCENARIO=""
ONLY=""
ROUNDS=""
DURATION=""
IDLE_N=10000
RATE=10000
WARMUP=30
VARIANTS=()

usage() {
    cat <<EOF
Usage: perf-tests/footprint.sh SCENARIO [options]
  SCENARIO          idle-connections | cold-start | fixed-rate-tail
  -n CONNECTIONS    idle-connections: connections held (default $IDLE_N; capped by the fd limit)
  -d SECONDS        cold-start: the first / warm window (default 10); fixed-rate-tail: the measured run (default 60)
  -r ROUNDS         cold-start: fresh starts per variant (default 3); others: rounds (default 1)
  -R RATE           fixed-rate-tail: the fixed rate (default $RATE)
  -w SECONDS        fixed-rate-tail: closed-loop warm-up per candidate (default $WARMUP); cold-start: the load
                    between the first and the warm window (default 30)
  --variant 'LABEL[:VAR=VALUE ...]'
                    a Strait variant, started with these environment variables (e.g. 'no-aot:STRAIT_AOT=off',
                    'jdk25:STRAIT_JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64'); STRAIT_WARMUP=off (or =N requests,
                    or =N/TIME with max_time) is not passed on but written into the config's runtime.warmup;
                    STRAIT_JAVA_OPTS=FLAG may repeat, each flag added to the JVM's options; repeatable, measured
                    interleaved; default one variant, 'default'
  --only LIST       comma-separated subset of strait,nginx,haproxy (cold-start: strait only)
  --jar PATH        Strait jar (default server/target/strait.jar, built if missing)
  --load-jar PATH   strait-load jar (default perf-tests/target/strait-load.jar, built if missing)
  --keep            keep the temp dir
Environment: BACKEND_PORT STRAIT_PORT NGINX_PORT HAPROXY_PORT ($BACKEND_PORT $STRAIT_PORT $NGINX_PORT $HAPROXY_PORT),
  PROXY_CPU LOAD_CPU ($PROXY_CPU $LOAD_CPU), STRAIT_JAVA_OPTS, STRAIT_JAVA_HOME (passed to bin/strait).
EOF
}

SCRIPT_NAME=footprint.sh
# shellcheck source=lib/harness.sh
source "$SCRIPT_DIR/lib/harness.sh"

ARGS="$*"
while (($#)); do
    case $1 in
        -n) IDLE_N=${2:?-n needs a value}; shift 2 ;;
        -d) DURATION=${2:?-d needs a value}; shift 2 ;;
        -r) ROUNDS=${2:?-r needs a value}; shift 2 ;;
        -R) RATE=${2:?-R needs a value}; shift 2 ;;
        -w) WARMUP=${2:?-w needs a value}; WARMUP_SET=1; shift 2 ;;
        --variant) VARIANTS+=("${2:?--variant needs a value}"); shift 2 ;;
        --only) ONLY=${2:?--only needs a value}; shift 2 ;;
        --jar) JAR=${2:?--jar needs a value}; shift 2 ;;
        --load-jar) LOAD_JAR=${2:?--load-jar needs a value}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *) [[ -z $SCENARIO ]] || die "one scenario at a time"; SCENARIO=$1; shift ;;
    esac
done
case $SCENARIO in
    idle-connections | fixed-rate-tail) CANDIDATES=(strait nginx haproxy); ROUNDS=${ROUNDS:-1} ;;
    cold-start) CANDIDATES=(strait); ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-10}
        [[ -n ${WARMUP_SET:-} ]] || WARMUP=30 ;;
    "") usage >&2; die "which scenario? idle-connections, cold-start or fixed-rate-tail" ;;
    *) die "unknown scenario '$SCENARIO' (idle-connections, cold-start, fixed-rate-tail)" ;;
esac
DURATION=${DURATION:-60}
[[ $SCENARIO == idle-connections ]] || IDLE_N=1000   # only sizes the proxies' connection limits here
for v in $DURATION $ROUNDS $RATE $WARMUP $IDLE_N; do is_uint "$v" || die "not a number: $v"; done
if [[ -n $ONLY ]]; then
    IFS=, read -r -a wanted <<<"$ONLY"
    kept=()
    for c in "${CANDIDATES[@]}"; do [[ ",$ONLY," == *",$c,"* ]] && kept+=("$c"); done
    for w in "${wanted[@]}"; do [[ " ${CANDIDATES[*]} " == *" $w "* ]] || die "unknown candidate for $SCENARIO: $w"; done
    CANDIDATES=("${kept[@]}")
fi
((${#VARIANTS[@]})) || VARIANTS=(default)

# --------------------------------------------------------------------------------------------- set-up and helpers
start_tmp "footprint-$SCENARIO"
ensure_tools python3
ensure_load_jar
BODY=$(make_body 1024 "$TMP/body.expected")
# Idle connections need a descriptor each in the holder and in the proxy: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n)
# HAProxy wants two descriptors per connection it allows (maxsock = 2 x maxconn): it refuses a maxconn the limit
# cannot cover, so with HAProxy in the run every candidate holds what HAProxy can.
FD_CAP=$((FD_LIMIT - 500))
[[ " ${CANDIDATES[*]} " == *" haproxy "* ]] && FD_CAP=$(((FD_LIMIT - 400) / 2 - 100))
if [[ $SCENARIO == idle-connections ]] && ((IDLE_N > FD_CAP)); then
    log "the fd limit is $FD_LIMIT: holding $FD_CAP connections, not $IDLE_N"
    IDLE_N=$FD_CAP
fi

# render TEMPLATE OUT: the compare.sh templates, plain HTTP/1.1, sized for IDLE_N connections. nginx gets twice as
# many worker_connections: with fewer than 1/16 of them free it closes idle keep-alive connections to make room.
render() {
    local conns=$((IDLE_N + 100))
    render_template "$1" "$2" TMP "$TMP" BODY "$BODY" CONNECTIONS 64 BACKEND_PORT "$BACKEND_PORT" \
        STRAIT_PORT "$STRAIT_PORT" NGINX_PORT "$NGINX_PORT" HAPROXY_PORT "$HAPROXY_PORT" -- \
        -e "s|@SSL@||g; s|@HTTP2@||g; s|@HAPROXY_PROTO@||g; s|@HAPROXY_SSL@||g; s|# @BACKEND_H2@.*\$||" \
        -e "s|worker_connections 4096;|worker_connections $((2 * conns));|; s|^worker_processes 1;|&\nworker_rlimit_nofile $FD_LIMIT;|" \
        -e "s|maxconn 4096|maxconn $conns\n    ulimit-n $FD_LIMIT|" \
        -e "s|^runtime: {\\(.*\\) }|runtime: {\\1, max_connections: $conns }|"
}

start_backend() {
    port_in_use "$BACKEND_PORT" && die "port $BACKEND_PORT is already in use (set BACKEND_PORT)"
    render "$CONF_DIR/nginx-backend.conf" "$TMP/nginx-backend.conf"
    start_pinned "$LOAD_CPU" "$TMP/backend.log" nginx -p "$TMP" -e "$TMP/backend.error.log" -c "$TMP/nginx-backend.conf"
    wait_until "$STARTED_PID" "$STARTUP_TIMEOUT" answers "http://$HOST:$BACKEND_PORT/" \
        && check_body backend "http://$HOST:$BACKEND_PORT/" \
        || { show_log "$TMP/backend.error.log"; die "the nginx backend did not start"; }
}

port_of() { case $1 in strait) echo "$STRAIT_PORT" ;; nginx) echo "$NGINX_PORT" ;; haproxy) echo "$HAPROXY_PORT" ;; esac; }

# start_proxy NAME [VAR=VALUE...]: starts NAME pinned on PROXY_CPU (Strait with the variables in its environment),
# waits until it answers the body check; sets PROXY_PID (java's for Strait). False, with the log shown, otherwise.
start_proxy() {
    local name=$1 port
    shift
    port=$(port_of "$name")
    port_in_use "$port" && { echo "$SCRIPT_NAME: port $port is already in use" >&2; return 1; }
    case $name in
        strait)
            ensure_strait_jar || { echo "$SCRIPT_NAME: $SKIP_REASON" >&2; return 1; }
            render "$CONF_DIR/strait.yaml" "$TMP/strait.yaml"
            # STRAIT_WARMUP=off|N|N/TIME among the variables: the config's runtime.warmup, not the environment;
            # STRAIT_JAVA_OPTS=FLAG (repeatable: a variant's values hold no spaces) is added to STRAIT_JAVA_OPTS
            local a keep=() java_opts="${STRAIT_JAVA_OPTS:-}"
            for a in "$@"; do
                case $a in
                    STRAIT_JAVA_OPTS=*) java_opts+=" ${a#*=}" ;;
                    STRAIT_WARMUP=off) sed -i 's|^runtime: {\(.*\) }|runtime: {\1, warmup: { enabled: false } }|' "$TMP/strait.yaml" ;;
                    STRAIT_WARMUP=*/*) a=${a#*=}; sed -i "s|^runtime: {\(.*\) }|runtime: {\1, warmup: { requests: ${a%/*}, max_time: ${a#*/} } }|" "$TMP/strait.yaml" ;;
                    STRAIT_WARMUP=*) sed -i "s|^runtime: {\(.*\) }|runtime: {\1, warmup: { requests: ${a#*=} } }|" "$TMP/strait.yaml" ;;
                    *) keep+=("$a") ;;
                esac
            done
            set -- "${keep[@]}"
            STRAIT_CMD_DESC="bin/strait run -c strait.yaml"
            start_pinned "$PROXY_CPU" "$TMP/strait.log" env STRAIT_JAR="$JAR" STRAIT_JAVA_OPTS="$java_opts" "$@" \
                "$ROOT/bin/strait" run -c "$TMP/strait.yaml" ;;
        nginx)
            render "$CONF_DIR/nginx-proxy.conf" "$TMP/nginx-proxy.conf"
            start_pinned "$PROXY_CPU" "$TMP/nginx.log" nginx -p "$TMP" -e "$TMP/nginx-proxy.error.log" -c "$TMP/nginx-proxy.conf" ;;
        haproxy)
            render "$CONF_DIR/haproxy.cfg" "$TMP/haproxy.cfg"
            # idle-connections holds its connections ~45 s with no traffic: past HAProxy's 30 s client timeout
            [[ $SCENARIO == idle-connections ]] && sed -i 's/^\([[:space:]]*timeout client\) .*/\1 5m/' "$TMP/haproxy.cfg"
            start_pinned "$PROXY_CPU" "$TMP/haproxy.log" haproxy -db -f "$TMP/haproxy.cfg" ;;
    esac
    local pid=$STARTED_PID
    if ! wait_until "$pid" "$STARTUP_TIMEOUT" answers "http://$HOST:$port/" || ! check_body "$name" "http://$HOST:$port/"; then
        show_log "$TMP/$name.log"
        stop_pids "$pid"
        return 1
    fi
    PROXY_PID=$(java_pid "$pid")
    [[ $PROXY_PID == "$pid" ]] || PIDS+=("$PROXY_PID")
    PROXY_WRAPPER=$pid
}

stop_proxy() { stop_pids "$PROXY_PID" "$PROXY_WRAPPER"; }

# load OUT [strait-load options...]: strait-load on LOAD_CPU against URL_PORT, its figures in OUT.kv (and OUT.json).
load() {
    local out=$1
    shift
    taskset -c "$LOAD_CPU" env STRAIT_LOAD_JAR="$LOAD_JAR" "$ROOT/bin/strait-load" run --url "http://$HOST:$URL_PORT/" \
        --kv "$out.kv" --json "$out.json" "$@" >"$out.txt" 2>&1
}
kv() { awk -F= -v k="$1" '$1 == k { print $2 }' "$2"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
CLK_TCK=$(getconf CLK_TCK)
cpu_us() { awk -v t="$1" -v r="$2" -v c="$CLK_TCK" 'BEGIN { if (r > 0) printf "%.2f", t * 1e6 / c / r; else print "-" }'; }

result_file() {   # result_file SUFFIX: results/<date>-<scenario><SUFFIX>, with the time when that exists
    local f="$RESULTS_DIR/$(date +%F)-$SCENARIO$1"
    [[ -e $f ]] && f="$RESULTS_DIR/$(date +%F-%H%M)-$SCENARIO$1"
    echo "$f"
}

header() {
    echo "# $SCENARIO: $(date '+%Y-%m-%d %H:%M:%S %Z')"
    echo
    echo "- command: \`${STRAIT_JAVA_HOME:+STRAIT_JAVA_HOME=$STRAIT_JAVA_HOME }${STRAIT_JAVA_OPTS:+STRAIT_JAVA_OPTS='$STRAIT_JAVA_OPTS' }perf-tests/footprint.sh $ARGS\`"
    echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'); machine: $(getconf _NPROCESSORS_ONLN) CPUs," \
        "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), kernel $(uname -r)"
    echo "- load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- proxies pinned on CPU $PROXY_CPU (one worker / thread / event loop), load and backend on CPU $LOAD_CPU"
    echo "- $(nginx -v 2>&1); $(haproxy -v 2>&1 | head -n 1 | cut -d' ' -f1-3);" \
        "strait: \`bin/strait run\`, $("${STRAIT_JAVA_HOME:+$STRAIT_JAVA_HOME/bin/}java" -version 2>&1 | head -n 1)"
    echo
}

variant_label() { echo "${1%%:*}"; }
# c2_compiles: -XX:+PrintCompilation lines on stdin that are tier 4 (C2) compilations ("made not entrant" lines left out).
c2_compiles() { grep -E '^ *[0-9]+ +[0-9]+ .{5} 4 ' | grep -cv 'made not entrant\|made zombie' || true; }
variant_env() { [[ $1 == *:* ]] && echo "${1#*:}" || true; }
# candidate_label NAME VARIANT: the row's name, Strait's with its variant's label when there are several.
candidate_label() {
    if [[ $1 == strait && ${#VARIANTS[@]} -gt 1 ]]; then echo "strait ($(variant_label "$2"))"; else echo "$1"; fi
}

# ---------------------------------------------------------------------------------------------- idle-connections
# Sets held to the median RSS (KiB) of PID over the last 10 of 30 one-second readings, peak to the highest.
held_rss() {
    local pid=$1 samples=() i
    for ((i = 0; i < 30; i++)); do
        sleep 1
        samples+=("$(rss_kib "$pid")")
    done
    peak=$(printf '%s\n' "${samples[@]}" | sort -n | tail -1)
    held=$(printf '%s\n' "${samples[@]:20}" | sort -n | sed -n 5p)
}

# Each candidate alone: started, 10 s to settle, RSS; the holder opens IDLE_N connections and makes one request on
# each; RSS again once a second for 30 s with the connections still open (held_rss); then the holder closes them.
idle_connections() {
    local rows=() name v label envs idle held peak holder_out kib lost
    for ((round = 1; round <= ROUNDS; round++)); do
        for name in "${CANDIDATES[@]}"; do
            local vs=(default)
            [[ $name == strait ]] && vs=("${VARIANTS[@]}")
            for v in "${vs[@]}"; do
                label=$(candidate_label "$name" "$v")
                read -r -a envs <<<"$(variant_env "$v")"
                start_proxy "$name" "${envs[@]}" || { rows+=("| $label | did not start | | | | |"); continue; }
                sleep 10
                idle=$(rss_kib "$PROXY_PID")
                holder_out="$TMP/holder.$name.$round"
                coproc HOLDER { taskset -c "$LOAD_CPU" python3 "$SCRIPT_DIR/lib/hold-connections.py" "$(port_of "$name")" "$IDLE_N"; }
                local opened=""
                read -r opened <&"${HOLDER[0]}" || true
                [[ $opened == error* ]] && { echo "$SCRIPT_NAME: holder: $opened" >&2; read -r opened <&"${HOLDER[0]}" || true; }
                # RSS once a second for 30 s: the burst of accepts sets the JIT compiling and glibc keeping its
                # arenas for ~15 s, so a single reading at 10 s moved by 2 KiB per connection between rounds; the
                # median of the last 10 s is what the connections hold, the window's highest is reported beside it.
                held_rss "$PROXY_PID"
                exec {HOLDER[1]}>&-
                read -r lost <&"${HOLDER[0]}" || true
                wait "$HOLDER_PID" 2>/dev/null || true
                local n=${opened#open }
                n=${n%% *}
                kib=$(awk -v a="$idle" -v b="$held" -v n="$n" 'BEGIN { if (n > 0) printf "%.2f", (b - a) / n; else print "-" }')
                log "$label: idle $idle KiB, $opened, with them $held KiB ($kib KiB each; peak $peak KiB), ${lost:-?}"
                rows+=("| $label | $(mib "$idle") | $n | $(mib "$held") | $kib | $(mib "$peak") | ${lost#lost } |")
                stop_proxy
            done
        done
    done
    {
        header
        echo "Each candidate alone: started, 10 s idle, RSS (\`VmRSS\`); then \`lib/hold-connections.py\` opens the"
        echo "connections and makes one \`GET /\` on each (a keep-alive connection that has served a request); RSS"
        echo "again once a second for 30 s with all of them open and idle: held = the median of the last 10 s, peak = the"
        echo "highest of the 30 s (the JIT and glibc's arenas right after the burst). KiB per connection ="
        echo "(RSS held - RSS idle) / connections."
        echo "Round(s): $ROUNDS."
        echo
        echo "| candidate | RSS MiB idle | connections held | RSS MiB with them | KiB per connection | peak RSS MiB | closed by the proxy |"
        echo "|---|---|---|---|---|---|---|"
        printf '%s\n' "${rows[@]}"
    } >"$OUT"
}

# ---------------------------------------------------------------------------------------------------- cold-start
# Per round and variant: a fresh Strait; the first window (strait-load -c 64 -w 0 -d DURATION) starts as soon as it
# answers; WARMUP s more load; then the warm window, a new strait-load JVM with -w 0 as well, so the generator is as
# cold in both and only Strait's warm-up differs.
cold_start() {
    local raw="$TMP/cold.txt" v label envs r
    : >"$raw"
    URL_PORT=$STRAIT_PORT
    for ((r = 1; r <= ROUNDS; r++)); do
        for v in "${VARIANTS[@]}"; do
            label=$(variant_label "$v")
            read -r -a envs <<<"$(variant_env "$v")"
            local t0=$SECONDS
            STRAIT_JAVA_OPTS="${STRAIT_JAVA_OPTS:-} -XX:+PrintCompilation" start_proxy strait "${envs[@]}" \
                || { echo "$label $r - - - - - - - - - -" >>"$raw"; continue; }
            local started warmup_ms mark0 mark1 c2_start c2_first
            started=$(grep -o 'started in [0-9]* ms' "$TMP/strait.log" | grep -o '[0-9]*' || echo "-")
            warmup_ms=$(grep -o 'warm-up: .* in [0-9]* ms' "$TMP/strait.log" | grep -o '[0-9]* ms$' | grep -o '[0-9]*' || echo 0)
            mark0=$(wc -l <"$TMP/strait.log")
            load "$TMP/cold.$label.$r" -c 64 -w 0s -d "${DURATION}s"
            mark1=$(wc -l <"$TMP/strait.log")
            c2_start=$(head -n "$mark0" "$TMP/strait.log" | c2_compiles)
            c2_first=$(sed -n "$((mark0 + 1)),${mark1}p" "$TMP/strait.log" | c2_compiles)
            load "$TMP/mid.$label.$r" -c 64 -w 0s -d "${WARMUP}s"
            load "$TMP/warm.$label.$r" -c 64 -w 0s -d "${DURATION}s"
            local c="$TMP/cold.$label.$r.kv" w="$TMP/warm.$label.$r.kv" rss
            rss=$(rss_kib "$PROXY_PID")
            echo "$label $r $started $(kv rps "$c") $(kv p99_ms "$c") $(kv max_ms "$c") $(kv rps "$w") $(kv p99_ms "$w") $rss" \
                "$warmup_ms $c2_start $c2_first" >>"$raw"
            log "$label round $r: started in ${started} ms (warm-up $warmup_ms ms); first ${DURATION}s $(kv rps "$c") req/s" \
                "p99 $(kv p99_ms "$c") ms; warm $(kv rps "$w") req/s p99 $(kv p99_ms "$w") ms; C2 compilations before the" \
                "load $c2_start, in the first ${DURATION}s $c2_first ($((SECONDS - t0)) s)"
            # the first seconds one by one, from strait-load's per-second timeline
            jq -r '[.timeline[]? | "\(.requests)/\(.p99Ms)"] | join(" ")' "$TMP/cold.$label.$r.json" 2>/dev/null \
                | sed "s|^|$label $r |" >>"$TMP/timeline.txt" || true
            stop_proxy
        done
    done
    {
        header
        echo "Per round and variant a fresh Strait; as soon as it answers, strait-load runs the 1 KiB keep-alive load"
        echo "(64 connections, closed loop) for ${DURATION} s (**first**), then ${WARMUP} s more, then ${DURATION} s again (**warm**),"
        echo "each a new strait-load JVM without its own warm-up, so the generator is equally cold in both windows."
        echo "Ratios are per round (first / warm), medians over $ROUNDS rounds. Target (issue 13): req/s ratio >= 0.9,"
        echo "p99 ratio <= 2. Strait runs with \`-XX:+PrintCompilation\`: C2 (tier 4) compilations are counted before the"
        echo "load (start-up and warm-up) and during the first window; a count does not depend on the machine's speed."
        echo
        echo "| variant | started in ms | warm-up ms | first req/s | warm req/s | req/s first/warm | first p99 ms | warm p99 ms | p99 first/warm | first max ms | RSS MiB after | C2 compiles before load | C2 compiles in first window |"
        echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
        local l
        for v in "${VARIANTS[@]}"; do
            l=$(variant_label "$v")
            awk -v l="$l" '$1 == l && $4 != "-"' "$raw" >"$TMP/v.txt"
            echo "| $l$( [[ $v == *:* ]] && echo " (\`${v#*:}\`)") | $(awk '{ print $3 }' "$TMP/v.txt" | median) | $(awk '{ print $10 }' "$TMP/v.txt" | median) | $(awk '{ print $4 }' "$TMP/v.txt" | median) |" \
                "$(awk '{ print $7 }' "$TMP/v.txt" | median) | $(awk '{ printf "%.3f\n", $4 / $7 }' "$TMP/v.txt" | median) |" \
                "$(awk '{ print $5 }' "$TMP/v.txt" | median) | $(awk '{ print $8 }' "$TMP/v.txt" | median) |" \
                "$(awk '{ printf "%.2f\n", $5 / $8 }' "$TMP/v.txt" | median) | $(awk '{ print $6 }' "$TMP/v.txt" | median) |" \
                "$(awk '{ printf "%.1f\n", $9 / 1024 }' "$TMP/v.txt" | median) | $(awk '{ print $11 }' "$TMP/v.txt" | median) |" \
                "$(awk '{ print $12 }' "$TMP/v.txt" | median) |"
        done
        echo
        echo "Raw rounds (variant round started_ms first_rps first_p99_ms first_max_ms warm_rps warm_p99_ms rss_kib warmup_ms"
        echo "c2_before_load c2_first_window):"
        echo
        echo '```'
        cat "$raw"
        echo '```'
        if [[ -s $TMP/timeline.txt ]]; then
            echo
            echo "First window, second by second (requests/p99 ms):"
            echo
            echo '```'
            cat "$TMP/timeline.txt"
            echo '```'
        fi
    } >"$OUT"
}

# ----------------------------------------------------------------------------------------------- fixed-rate-tail
# All candidates started at once (Strait with -Xlog:gc into the temp dir); each in turn gets WARMUP s of closed-loop
# load, then DURATION s at RATE req/s over 64 connections (open loop, coordinated omission corrected).
fixed_rate_tail() {
    local rows=() name gc="$TMP/strait-gc.log" round v vs label envs
    for ((round = 1; round <= ROUNDS; round++)); do
        for name in "${CANDIDATES[@]}"; do
            vs=(default)
            [[ $name == strait ]] && vs=("${VARIANTS[@]}")
            for v in "${vs[@]}"; do
                label=$(candidate_label "$name" "$v")
                if [[ $name == strait ]]; then
                    read -r -a envs <<<"$(variant_env "$v")"
                    STRAIT_JAVA_OPTS="${STRAIT_JAVA_OPTS:-} -Xlog:gc,safepoint:file=$gc:uptime:filecount=0" \
                        start_proxy strait "${envs[@]}" || { rows+=("| $label | did not start |"); continue; }
                else
                    start_proxy "$name" || { rows+=("| $name | did not start |"); continue; }
                fi
                URL_PORT=$(port_of "$name")
                ((WARMUP == 0)) || load "$TMP/warm.$name" -c 64 -w 0s -d "${WARMUP}s"
                local t0 t1 out="$TMP/rate.$name.$round" pauses=""
                t0=$(cpu_ticks "$PROXY_PID")
                [[ $name == strait ]] && : >"$gc.mark" && wc -l <"$gc" >"$gc.mark"
                load "$out" -c 64 -R "$RATE" -w 2s -d "${DURATION}s" --watch-pid "$PROXY_PID"
                t1=$(cpu_ticks "$PROXY_PID")
                local gcs="-" longest="-" total="-"
                if [[ $name == strait ]]; then
                    # pauses logged during the measured run: the lines after the mark, "Pause Young ... 12.345ms"
                    tail -n +"$(($(cat "$gc.mark") + 1))" "$gc" | grep -E 'Pause (Young|Full)' \
                        | grep -oE '[0-9.]+ms$' | tr -d 'ms' >"$TMP/pauses.txt" || true
                    gcs=$(wc -l <"$TMP/pauses.txt")
                    longest=$(sort -g "$TMP/pauses.txt" | tail -n 1)
                    total=$(awk '{ s += $1 } END { printf "%.1f", s }' "$TMP/pauses.txt")
                fi
                rows+=("| $label | $(kv rps "$out.kv") | $(kv p50_ms "$out.kv") | $(kv p99_ms "$out.kv") | $(kv p999_ms "$out.kv") |"\
" $(kv max_ms "$out.kv") | $(cpu_us "$(kv watched_ticks "$out.kv")" "$(kv requests "$out.kv")") | $(mib "$(rss_kib "$PROXY_PID")") |"\
" $(kv errors "$out.kv") | $gcs | ${longest:--} | $total |")
                log "$label: p99.9 $(kv p999_ms "$out.kv") ms, max $(kv max_ms "$out.kv") ms; GC pauses $gcs, longest ${longest:--} ms"
                stop_proxy
            done
        done
    done
    local gc_out="${OUT%.md}-gc.log"
    [[ -f $gc ]] && cp "$gc" "$gc_out"
    {
        header
        echo "Each candidate alone: ${WARMUP} s of closed-loop load (64 connections, not counted), then ${DURATION} s at"
        echo "$RATE req/s over 64 connections (open loop; latency from each request's intended send time, coordinated"
        echo "omission corrected). Strait runs with \`-Xlog:gc,safepoint\`; GC pauses are those logged during the"
        echo "measured run; the whole log: [$(basename "$gc_out")]($(basename "$gc_out")). Rounds: $ROUNDS."
        echo
        echo "| candidate | req/s | p50 ms | p99 ms | p99.9 ms | max ms | CPU µs/req | RSS MiB | errors | GC pauses | longest GC pause ms | GC pause total ms |"
        echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
        printf '%s\n' "${rows[@]}"
    } >"$OUT"
}

# -------------------------------------------------------------------------------------------------------- main
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
[[ $SCENARIO == cold-start ]] && { command -v jq >/dev/null || ensure_tools jq; }
start_backend
mkdir -p "$RESULTS_DIR"
OUT=$(result_file .md)
case $SCENARIO in
    idle-connections) idle_connections ;;
    cold-start) cold_start ;;
    fixed-rate-tail) fixed_rate_tail ;;
esac
cat "$OUT"
log "written to $OUT"
