#!/usr/bin/env bash
# Fault scenario: an upstream killed mid-run. Three nginx backends (one process each), and one proxy at a time
# (Strait, nginx, HAProxy) balancing round robin over them with its retries and health checks, under a fixed request
# rate from strait-load. T_KILL seconds into the measured part backend #2 is killed (SIGKILL); T_RESTORE seconds in
# it is started again on the same port. Reports, per proxy, the client-visible errors (in total and in the 5 s after
# the kill), the requests each backend served before / during / after the outage (from the backends' access logs),
# p99 per phase, and whether the restored backend got traffic again. Writes perf-tests/results/<date>-fault.md.
# See perf-tests/README.md.
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"   # nginx and haproxy live in /usr/sbin, often not on a user's PATH
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
CONF_DIR="$SCRIPT_DIR/conf"
RESULTS_DIR="$SCRIPT_DIR/results"

# Ports and cores; override through the environment. The backends use BACKEND_PORT, +1 and +2.
BACKEND_PORT=${BACKEND_PORT:-28090}
STRAIT_PORT=${STRAIT_PORT:-28093}
NGINX_PORT=${NGINX_PORT:-28094}
HAPROXY_PORT=${HAPROXY_PORT:-28095}
PROXY_CPU=${PROXY_CPU:-1}   # the proxy under test, alone
LOAD_CPU=${LOAD_CPU:-0}     # strait-load and the three backends
HOST=127.0.0.1
BODY_SIZE=1024

RATE=5000
DURATION=30
WARMUP=5
T_KILL=10
T_RESTORE=20
CONNECTIONS=64
AFTER_KILL=5          # the "errors in the first N seconds after the kill" window
RESTORE_WINDOW=10     # the restored backend must get traffic within this many seconds
ONLY=""
JAR=""
LOAD_JAR=""
KEEP=0
WAIT_QUIET=1
QUIET_POLL=30         # seconds between two checks for other benchmarks
QUIET_MAX=900         # give up after this long
OTHER_BENCH='compare.sh|accuracy.sh|jmh|benchmarks.jar'
ALL_CANDIDATES=(strait nginx haproxy)
STARTUP_TIMEOUT=20

usage() {
    cat <<EOF
Usage: perf-tests/fault.sh [options]
  -R RATE          fixed request rate, requests/s (default $RATE)
  -d SECONDS       measured duration per candidate (default $DURATION)
  -w SECONDS       warm-up before the measured part, same run, not counted (default $WARMUP)
  -c CONNECTIONS   strait-load connections (default $CONNECTIONS; also nginx's upstream keepalive pool)
  --kill-at S      kill -9 backend #2 S seconds into the measured part (default $T_KILL)
  --restore-at S   start it again S seconds into the measured part (default $T_RESTORE)
  --only LIST      comma-separated subset of: ${ALL_CANDIDATES[*]} (default all, in that order)
  --jar PATH       Strait jar (default server/target/strait.jar, built with Maven if missing)
  --load-jar PATH  strait-load jar (default perf-tests/target/strait-load.jar, built with Maven if missing)
  --no-wait        do not wait for other benchmarks ($OTHER_BENCH) to finish before starting
  --keep           keep the temp dir (configs, logs, access logs, strait-load JSON)
  -h, --help       this help
Environment: BACKEND_PORT ($BACKEND_PORT, and the next two), STRAIT_PORT NGINX_PORT HAPROXY_PORT
  ($STRAIT_PORT $NGINX_PORT $HAPROXY_PORT), PROXY_CPU LOAD_CPU ($PROXY_CPU $LOAD_CPU), STRAIT_JAVA_OPTS.
EOF
}

SCRIPT_NAME=fault.sh
# shellcheck source=lib/harness.sh
source "$SCRIPT_DIR/lib/harness.sh"
now_ms() { date +%s%3N; }

while (($#)); do
    case $1 in
        -R) RATE=${2:?-R needs a value}; shift 2 ;;
        -d) DURATION=${2:?-d needs a value}; shift 2 ;;
        -w) WARMUP=${2:?-w needs a value}; shift 2 ;;
        -c) CONNECTIONS=${2:?-c needs a value}; shift 2 ;;
        --kill-at) T_KILL=${2:?--kill-at needs a value}; shift 2 ;;
        --restore-at) T_RESTORE=${2:?--restore-at needs a value}; shift 2 ;;
        --only) ONLY=${2:?--only needs a value}; shift 2 ;;
        --only=*) ONLY=${1#--only=}; shift ;;
        --jar) JAR=${2:?--jar needs a value}; shift 2 ;;
        --jar=*) JAR=${1#--jar=}; shift ;;
        --load-jar) LOAD_JAR=${2:?--load-jar needs a value}; shift 2 ;;
        --no-wait) WAIT_QUIET=0; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
is_uint "$RATE" && ((RATE > 0)) || die "-R must be a positive integer"
is_uint "$DURATION" && ((DURATION > 0)) || die "-d must be a positive integer"
is_uint "$WARMUP" || die "-w must be a non-negative integer"
is_uint "$CONNECTIONS" && ((CONNECTIONS > 0)) || die "-c must be a positive integer"
is_uint "$T_KILL" && is_uint "$T_RESTORE" || die "--kill-at and --restore-at must be whole seconds"
((T_KILL < T_RESTORE && T_RESTORE < DURATION)) \
    || die "needs --kill-at < --restore-at < -d (got $T_KILL, $T_RESTORE, $DURATION)"

CANDIDATES=()
if [[ -z $ONLY ]]; then
    CANDIDATES=("${ALL_CANDIDATES[@]}")
else
    IFS=',' read -r -a wanted <<<"$ONLY"
    for w in "${wanted[@]}"; do
        case $w in strait | nginx | haproxy) ;; *) die "--only: unknown candidate '$w'" ;; esac
    done
    for c in "${ALL_CANDIDATES[@]}"; do
        for w in "${wanted[@]}"; do
            if [[ $w == "$c" ]]; then CANDIDATES+=("$c"); break; fi
        done
    done
fi
((${#CANDIDATES[@]} > 0)) || die "no candidates selected"
B_NAMES=(b1 b2 b3)
B_PORTS=("$BACKEND_PORT" $((BACKEND_PORT + 1)) $((BACKEND_PORT + 2)))
KILLED=1   # index of backend #2

# ---------------------------------------------------------------------------------------------------------- tools
ensure_tools jq

# -------------------------------------------------------------------------------------------- temp dir, cleanup
start_tmp strait-fault

BODY=$(make_body "$BODY_SIZE" "$TMP/body.expected")

render() {   # render TEMPLATE OUT DIR [NAME VALUE]...
    render_template "$1" "$2" "${@:4}" DIR "$3" BODY "$BODY" CONNECTIONS "$CONNECTIONS" \
        BACKEND1_PORT "${B_PORTS[0]}" BACKEND2_PORT "${B_PORTS[1]}" BACKEND3_PORT "${B_PORTS[2]}" \
        STRAIT_PORT "$STRAIT_PORT" NGINX_PORT "$NGINX_PORT" HAPROXY_PORT "$HAPROXY_PORT"
}

port_of() {
    case $1 in strait) echo "$STRAIT_PORT" ;; nginx) echo "$NGINX_PORT" ;; haproxy) echo "$HAPROXY_PORT" ;; esac
}

# Waits until PID is alive and PORT accepts connections (no HTTP request: nothing reaches an access log).
wait_for_listen() {   # wait_for_listen PID PORT
    wait_until "$1" "$STARTUP_TIMEOUT" port_in_use "$2"
}

# Checks that PORT answers GET / with 200 and exactly the 1 KiB body; prints the x-backend header.
backend_of() {   # backend_of NAME PORT
    check_body "$1" "http://$HOST:$2/" || return 1
    awk -F': *' 'tolower($1) == "x-backend" { sub(/\r$/, "", $2); print $2 }' "$TMP/check.$1.headers"
}

STRAIT_JAR_OK=1
# ------------------------------------------------------------------------------------------------------ builds
check_strait_jar() {   # once, before the runs: a missing jar skips Strait, not the others
    ensure_strait_jar || { STRAIT_JAR_OK=0; SKIP_STRAIT=$SKIP_REASON; }
}

# ------------------------------------------------------------------------------------------------- quiet machine
wait_for_quiet() {
    local waited=0 others
    while true; do
        others=$(pgrep -fa "$OTHER_BENCH" || true)
        [[ -n $others ]] || return 0
        if ((waited >= QUIET_MAX)); then
            echo "$others" >&2
            die "other benchmarks still running after ${QUIET_MAX}s; run later, or with --no-wait"
        fi
        log "other benchmarks are running; waiting ${QUIET_POLL}s (${waited}s so far, at most ${QUIET_MAX}s):"
        echo "$others" | sed 's/^/     /' >&2
        sleep "$QUIET_POLL"
        waited=$((waited + QUIET_POLL))
    done
}

# ------------------------------------------------------------------------------------------------------ startup
declare -A BPID=()   # backend index -> pid

start_backend() {   # start_backend DIR INDEX
    local dir=$1 i=$2 name=${B_NAMES[$2]} port=${B_PORTS[$2]}
    render "$CONF_DIR/fault-backend.conf" "$dir/$name.conf" "$dir" BACKEND_NAME "$name" BACKEND_PORT "$port"
    taskset -c "$LOAD_CPU" nginx -p "$dir" -e "$dir/$name.error.log" -c "$dir/$name.conf" >>"$dir/$name.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    BPID[$i]=$pid
    if ! wait_for_listen "$pid" "$port"; then
        show_log "$dir/$name.log"
        show_log "$dir/$name.error.log"
        die "backend $name did not start on :$port"
    fi
}

start_nginx() {   # start_nginx DIR
    render "$CONF_DIR/fault-nginx.conf" "$1/nginx-proxy.conf" "$1"
    start_pinned "$PROXY_CPU" "$1/nginx.log" nginx -p "$1" -e "$1/nginx-proxy.error.log" -c "$1/nginx-proxy.conf"
}

start_haproxy() {   # start_haproxy DIR
    render "$CONF_DIR/fault-haproxy.cfg" "$1/haproxy.cfg" "$1"
    haproxy -c -q -f "$1/haproxy.cfg" >"$1/haproxy.check.log" 2>&1 \
        || { show_log "$1/haproxy.check.log"; return 1; }
    start_pinned "$PROXY_CPU" "$1/haproxy.log" haproxy -db -f "$1/haproxy.cfg"
}

STRAIT_CMD_DESC=""
start_strait() {   # start_strait DIR
    ((STRAIT_JAR_OK)) || return 1
    render "$CONF_DIR/fault-strait.yaml" "$1/strait.yaml" "$1"
    start_strait_pinned "$1/strait.log" "$1/strait.yaml"
}

# Starts the candidate and checks it: 200 with the 1 KiB body, and round robin over all three backends.
start_candidate() {   # start_candidate NAME DIR ; returns 1 (with SKIP_REASON) when it cannot be measured
    local name=$1 dir=$2 port pid
    port=$(port_of "$name")
    SKIP_REASON="it did not start"
    [[ $name != strait ]] || ((STRAIT_JAR_OK)) || { SKIP_REASON=$SKIP_STRAIT; return 1; }
    "start_$name" "$dir" || return 1
    pid=$STARTED_PID
    if ! wait_for_listen "$pid" "$port"; then
        show_log "$dir/$name.log"
        kill -0 "$pid" 2>/dev/null && SKIP_REASON="it did not listen on :$port within ${STARTUP_TIMEOUT}s" \
            || SKIP_REASON="it exited at start-up (its log is printed above)"
        return 1
    fi
    local measured
    measured=$(java_pid "$pid")   # Strait: the java the launcher started
    [[ $measured == "$pid" ]] || PIDS+=("$measured")   # also kill it on exit
    local k seen="" b
    for ((k = 0; k < 6; k++)); do
        if ! b=$(backend_of "$name" "$port"); then
            show_log "$dir/$name.log"
            SKIP_REASON="it did not answer 200 with the 1 KiB body"
            return 1
        fi
        [[ " $seen " == *" $b "* ]] || seen+=" $b"
    done
    read -r -a seen_list <<<"$seen"
    if ((${#seen_list[@]} != 3)); then
        SKIP_REASON="6 requests reached only backends '${seen# }', not all three (is it balancing?)"
        return 1
    fi
    log "$name up on :$port (pid $pid); 6 checks reached backends${seen}"
}

# ------------------------------------------------------------------------------------------------------ one run
# sleep_until EPOCH_MS
sleep_until() {
    local d
    d=$(($1 - $(now_ms)))
    ((d <= 0)) || sleep "$(awk -v d="$d" 'BEGIN { printf "%.3f", d / 1000 }')"
}

declare -A KILL_MS=() RESTORE_MS=() UP_MS=() RAN=()
SKIPPED=()

run_candidate() {   # run_candidate NAME
    local name=$1 dir="$TMP/$1" port i
    mkdir -p "$dir"
    port=$(port_of "$name")
    for i in 0 1 2; do
        port_in_use "${B_PORTS[$i]}" && die "port ${B_PORTS[$i]} is already in use (set BACKEND_PORT)"
    done
    if port_in_use "$port"; then
        SKIPPED+=("$name: port $port is already in use")
        echo "fault.sh: SKIPPING $name: port $port is already in use" >&2
        return 0
    fi
    log "$name: starting backends ${B_NAMES[*]} on :${B_PORTS[0]}-${B_PORTS[2]}"
    for i in 0 1 2; do start_backend "$dir" "$i"; done
    for i in 0 1 2; do
        local b
        b=$(backend_of "${B_NAMES[$i]}" "${B_PORTS[$i]}") || die "backend ${B_NAMES[$i]} answers wrongly"
        [[ $b == "${B_NAMES[$i]}" ]] || die "backend ${B_NAMES[$i]} names itself '$b'"
    done
    if ! start_candidate "$name" "$dir"; then
        SKIPPED+=("$name: $SKIP_REASON")
        echo "fault.sh: SKIPPING $name: $SKIP_REASON" >&2
        stop_all
        return 0
    fi
    for i in 0 1 2; do : >"$dir/${B_NAMES[$i]}.access.log"; done   # drop the check requests

    log "$name: ${RATE} req/s for ${WARMUP}s warm-up + ${DURATION}s; kill -9 ${B_NAMES[$KILLED]} at ${T_KILL}s," \
        "restart it at ${T_RESTORE}s"
    taskset -c "$LOAD_CPU" env STRAIT_LOAD_JAR="$LOAD_JAR" "$ROOT/bin/strait-load" run \
        --url "http://$HOST:$port/" --rate "$RATE" --connections "$CONNECTIONS" --duration "${DURATION}s" \
        --warmup "${WARMUP}s" --json "$dir/load.json" >"$dir/load.txt" 2>&1 &
    local load_pid=$!
    PIDS+=("$load_pid")
    # The load starts when the first request reaches a backend; the measured part WARMUP seconds later. The schedule
    # is only approximate: the report maps the recorded kill and restore times onto strait-load's own timeline.
    local deadline=$((SECONDS + 60)) t0=""
    while ((SECONDS < deadline)); do
        if [[ -s $dir/b1.access.log || -s $dir/b2.access.log || -s $dir/b3.access.log ]]; then
            t0=$(now_ms)
            break
        fi
        kill -0 "$load_pid" 2>/dev/null || break
        sleep 0.02
    done
    if [[ -z $t0 ]]; then
        cat "$dir/load.txt" >&2
        die "strait-load sent no request through $name within 60 s"
    fi
    local victim=${BPID[$KILLED]}
    sleep_until $((t0 + (WARMUP + T_KILL) * 1000))
    kill -0 "$victim" 2>/dev/null || die "backend ${B_NAMES[$KILLED]} died before the kill"
    # Reaped in the same group, stderr off: else bash reports the job "Killed" when it next notices it.
    { kill -KILL "$victim"; KILL_MS[$name]=$(now_ms); wait "$victim"; } 2>/dev/null || true
    local kept=() p
    for p in "${PIDS[@]}"; do [[ $p == "$victim" ]] || kept+=("$p"); done
    PIDS=("${kept[@]}")
    log "$name: killed ${B_NAMES[$KILLED]} (pid $victim)"
    sleep_until $((t0 + (WARMUP + T_RESTORE) * 1000))
    RESTORE_MS[$name]=$(now_ms)
    start_backend "$dir" "$KILLED"
    UP_MS[$name]=$(now_ms)
    log "$name: ${B_NAMES[$KILLED]} restarted (pid ${BPID[$KILLED]}), listening after" \
        "$((UP_MS[$name] - RESTORE_MS[$name])) ms"
    local rc=0
    wait "$load_pid" || rc=$?
    kept=()
    for p in "${PIDS[@]}"; do [[ $p == "$load_pid" ]] || kept+=("$p"); done
    PIDS=("${kept[@]}")
    if ((rc != 0)) || [[ ! -s $dir/load.json ]]; then
        cat "$dir/load.txt" >&2
        die "strait-load failed against $name (exit $rc)"
    fi
    local cand_alive=1
    kill -0 "$STARTED_PID" 2>/dev/null || cand_alive=0
    stop_all
    ((cand_alive)) || { show_log "$dir/$name.log"; SKIPPED+=("$name: the proxy died during the run (figures kept)"); }
    RAN[$name]=1
    analyse "$name"
}

# --------------------------------------------------------------------------------------------------- analysis
# Per candidate, from strait-load's JSON (timeline of measured seconds) and the backends' access logs.
# Timeline entry i covers (end[i-1], end[i]], entry 0 from startEpochMillis. Phases: an entry is "before" when it
# ends by the kill, "after" when it starts at or after the restart, else "during".
declare -A SUMMARY=()

analyse() {   # analyse NAME ; writes $TMP/NAME/summary.kv, timeline.tsv, backends.tsv
    local name=$1 dir="$TMP/$1" k=${KILL_MS[$1]} r=${RESTORE_MS[$1]}
    jq -r '.startEpochMillis as $s | .timeline as $t
        | range(0; $t | length) as $i
        | [$i + 1, (if $i == 0 then $s else $t[$i - 1].epochMillis end), $t[$i].epochMillis, $t[$i].requests,
           $t[$i].errors, $t[$i].p50Ms, $t[$i].p99Ms] | @tsv' "$dir/load.json" >"$dir/timeline.raw"
    # Backend requests per timeline second: "entry b1 b2 b3" (entries without traffic get 0).
    local i
    for i in 0 1 2; do
        awk -v b="$i" 'NR == FNR { lo[NR] = $2; hi[NR] = $3; n = NR; next }
            { t = $1 * 1000; for (j = 1; j <= n; j++) if (t > lo[j] && t <= hi[j]) { c[j]++; break } }
            END { for (j = 1; j <= n; j++) print j, b, c[j] + 0 }' \
            "$dir/timeline.raw" "$dir/${B_NAMES[$i]}.access.log"
    done | sort -k1,1n -k2,2n | awk '{ v[$1] = v[$1] " " $3 } END { for (j in v) print j v[j] }' | sort -n \
        >"$dir/backend-seconds.txt"
    join -t $'\t' <(sort -k1,1 "$dir/timeline.raw") <(tr ' ' '\t' <"$dir/backend-seconds.txt" | sort -k1,1) \
        | sort -n >"$dir/timeline.tsv"
    # second lo hi requests errors p50 p99 b1 b2 b3
    local start end
    start=$(jq -r '.startEpochMillis' "$dir/load.json")
    end=$(jq -r '.timeline[-1].epochMillis // .startEpochMillis' "$dir/load.json")
    {
        jq -r '"requests=\(.totals.requests)", "errors=\(.totals.errors.total)",
            "err_connect=\(.totals.errors.connect // 0)", "err_reset=\(.totals.errors.reset // 0)",
            "err_timeout=\(.totals.errors.timeout // 0)", "err_parse=\(.totals.errors.parse // 0)",
            "err_connection=\(.totals.errors.connection // 0)",
            "err_non2xx=\(.totals.errors.non2xx // 0)", "abandoned=\(.totals.abandoned)",
            "p50=\(.latencyCorrected.percentiles["50"])", "p99=\(.latencyCorrected.percentiles["99"])",
            "p999=\(.latencyCorrected.percentiles["99.9"])", "max=\(.latencyCorrected.max)",
            "rps=\(.requestsPerSecond)"' "$dir/load.json"
        echo "start=$start"
        echo "end=$end"
        echo "kill_s=$(awk -v a="$k" -v s="$start" 'BEGIN { printf "%.2f", (a - s) / 1000 }')"
        echo "restore_s=$(awk -v a="$r" -v s="$start" 'BEGIN { printf "%.2f", (a - s) / 1000 }')"
        awk -F'\t' -v k="$k" -v r="$r" -v w=$((AFTER_KILL * 1000)) '
            { ph = ($3 <= k) ? "before" : ($2 >= r ? "after" : "during")
              if ($7 > p99[ph]) p99[ph] = $7; err[ph] += $5; n[ph]++
              if ($3 > k && $2 < k + w) { ek += $5; sk++ } }
            END { for (p in n) { print "p99_" p "=" p99[p]; print "errors_" p "=" err[p] + 0 }
                  print "errors_after_kill=" ek + 0; print "seconds_after_kill=" sk + 0 }' "$dir/timeline.tsv"
        for i in 0 1 2; do
            awk -v s="$start" -v k="$k" -v r="$r" -v e="$end" -v b="${B_NAMES[$i]}" '
                { t = $1 * 1000; if (t <= s || t > e) next
                  if (t < k) x++; else if (t < r) y++; else z++ }
                END { print b "_before=" x + 0; print b "_during=" y + 0; print b "_after=" z + 0 }' \
                "$dir/${B_NAMES[$i]}.access.log"
        done
        # The restored backend's first request after the restart, in ms after the restart.
        awk -v r="$r" '$1 * 1000 >= r { printf "first_after_restore_ms=%.0f\n", $1 * 1000 - r; exit }' \
            "$dir/${B_NAMES[$KILLED]}.access.log"
        # Requests the killed backend logged between the kill and the restart: should be none.
        echo "end_minus_restore_ms=$((end - r))"
    } >"$dir/summary.kv"
}
sv() { awk -F= -v k="$2" '$1 == k { v = $2 } END { print (v == "" ? "-" : v) }' "$TMP/$1/summary.kv"; }
f3() { [[ $1 == "-" ]] && echo "-" || awk -v v="$1" 'BEGIN { printf "%.3f", v }'; }
f1() { [[ $1 == "-" ]] && echo "-" || awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }

# ------------------------------------------------------------------------------------------------------ report
header() {
    local commit
    commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
    echo "# fault: an upstream killed mid-run, Strait vs nginx vs HAProxy ($(date '+%Y-%m-%d %H:%M:%S %Z'))"
    echo
    echo "- command: \`perf-tests/fault.sh $ARGS\`"
    echo "- commit: $commit; machine: $(getconf _NPROCESSORS_ONLN) CPUs," \
        "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), kernel $(uname -r)"
    echo "- uptime before: \`$UPTIME_BEFORE\`; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- other benchmarks (\`pgrep -f '$OTHER_BENCH'\`) before the first run: $QUIET_NOTE"
    echo "- load: strait-load, open loop at $RATE req/s over $CONNECTIONS connections, ${WARMUP}s warm-up (same run," \
        "not counted) + ${DURATION}s measured, timeout 2s, pinned on CPU $LOAD_CPU with the three backends; the proxy" \
        "(one worker / thread / event loop) alone on CPU $PROXY_CPU; candidates one after another, each with a fresh" \
        "set of backends"
    echo "- fault: \`kill -9\` of backend b2 (:${B_PORTS[1]}) ${T_KILL}s into the measured part, restarted on the" \
        "same port at ${T_RESTORE}s (actual times per candidate below, from the start of the measured part)"
    echo "- $(nginx -v 2>&1); $(haproxy -v 2>&1 | head -n 1 | cut -d' ' -f1-3)"
    if [[ -n $STRAIT_CMD_DESC ]]; then
        echo "- strait: \`$STRAIT_CMD_DESC\`; $(java -version 2>&1 | head -n 1)"
    fi
    echo
}

report() {
    local c
    echo "| candidate | responses | client errors | errors in ${AFTER_KILL}s after kill | errors during outage" \
        "| errors after restore | p99 ms before | p99 ms during | p99 ms after | p99 ms whole run | kill at s" \
        "| restart at s | b2 traffic again |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    for c in "${ORDER[@]}"; do
        [[ -n ${RAN[$c]:-} ]] || continue
        local err again first end_after
        err=$(sv "$c" errors)
        first=$(sv "$c" first_after_restore_ms)
        end_after=$(sv "$c" end_minus_restore_ms)
        if [[ $first == "-" ]]; then
            again="**no** (none in the last $(f1 "$(awk -v m="$end_after" 'BEGIN { print m / 1000 }')") s)"
        elif ((first <= RESTORE_WINDOW * 1000)); then
            again="yes, after $(f1 "$(awk -v m="$first" 'BEGIN { print m / 1000 }')") s"
        else
            again="**late**: after $(f1 "$(awk -v m="$first" 'BEGIN { print m / 1000 }')") s"
        fi
        echo "| $c | $(sv "$c" requests) | $err | $(sv "$c" errors_after_kill) | $(sv "$c" errors_during)" \
            "| $(sv "$c" errors_after) | $(f3 "$(sv "$c" p99_before)") | $(f3 "$(sv "$c" p99_during)")" \
            "| $(f3 "$(sv "$c" p99_after)") | $(f3 "$(sv "$c" p99)") | $(sv "$c" kill_s) | $(sv "$c" restore_s)" \
            "| $again |"
    done
    echo
    echo "Client errors = transport errors (connect, reset, timeout, parse) + non-2xx responses, as strait-load saw" \
        "them; responses = completed responses of any status. \"errors in ${AFTER_KILL}s after kill\": the timeline" \
        "seconds overlapping [kill, kill + ${AFTER_KILL}s). Phase p99 = the highest per-second p99 (corrected, from" \
        "each request's intended send time) among the timeline seconds of the phase: before = seconds ending by the" \
        "kill, after = seconds starting at or after the restart, during = the rest. \"b2 traffic again\": the first" \
        "request in b2's access log after its restart (yes when within ${RESTORE_WINDOW}s)."
    echo
    echo "Error kinds and requests served per backend (access logs; before = measured start..kill, during =" \
        "kill..restart, after = restart..end):"
    echo
    echo "| candidate | connect | reset | timeout | parse | connection | non-2xx | b1 before | b2 before | b3 before" \
        "| b1 during | b2 during | b3 during | b1 after | b2 after | b3 after |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for c in "${ORDER[@]}"; do
        [[ -n ${RAN[$c]:-} ]] || continue
        echo "| $c | $(sv "$c" err_connect) | $(sv "$c" err_reset) | $(sv "$c" err_timeout) | $(sv "$c" err_parse)" \
            "| $(sv "$c" err_connection) | $(sv "$c" err_non2xx) | $(sv "$c" b1_before) | $(sv "$c" b2_before) | $(sv "$c" b3_before)" \
            "| $(sv "$c" b1_during) | $(sv "$c" b2_during) | $(sv "$c" b3_during) | $(sv "$c" b1_after)" \
            "| $(sv "$c" b2_after) | $(sv "$c" b3_after) |"
    done
    local s
    echo
    for s in "${SKIPPED[@]}"; do echo "- skipped / note: $s"; done
    echo
    echo "## Timelines"
    echo
    echo "One row per measured second (s = its end, from the start of the measured part); b1..b3 = requests each" \
        "backend logged in that second. ← marks the seconds holding the kill (K) and the restart (R)."
    for c in "${ORDER[@]}"; do
        [[ -n ${RAN[$c]:-} ]] || continue
        echo
        echo "### $c"
        echo
        echo '```'
        printf '%5s %8s %7s %9s %9s %7s %7s %7s\n' s responses errors p50_ms p99_ms b1 b2 b3
        awk -F'\t' -v k="${KILL_MS[$c]}" -v r="${RESTORE_MS[$c]}" -v s0="$(sv "$c" start)" '{
            m = ""; if (k > $2 && k <= $3) m = m " <- K"; if (r > $2 && r <= $3) m = m " <- R"
            printf "%5.1f %8d %7d %9.3f %9.3f %7d %7d %7d%s\n", ($3 - s0) / 1000, $4, $5, $6, $7, $8, $9, $10, m
        }' "$TMP/$c/timeline.tsv"
        echo '```'
    done
}

# -------------------------------------------------------------------------------------------------------- main
ARGS="-R $RATE -d $DURATION -w $WARMUP -c $CONNECTIONS --kill-at $T_KILL --restore-at $T_RESTORE --only $(
    IFS=,
    echo "${CANDIDATES[*]}"
)"
ORDER=("${CANDIDATES[@]}")
log "fault scenario: ${CANDIDATES[*]}; temp dir $TMP"
ensure_load_jar
for c in "${CANDIDATES[@]}"; do [[ $c != strait ]] || check_strait_jar; done

QUIET_NOTE="not checked (--no-wait)"
if ((WAIT_QUIET)); then
    start_wait=$SECONDS
    wait_for_quiet
    QUIET_NOTE="none"
    ((SECONDS - start_wait < QUIET_POLL)) || QUIET_NOTE="none after waiting $((SECONDS - start_wait)) s"
fi
UPTIME_BEFORE=$(uptime)
log "uptime: $UPTIME_BEFORE"

for c in "${CANDIDATES[@]}"; do run_candidate "$c"; done
((${#RAN[@]} > 0)) || die "no candidate could be measured"

mkdir -p "$RESULTS_DIR"
STEM="$RESULTS_DIR/$(date +%Y-%m-%d)-fault"
[[ -e $STEM.md ]] && STEM="$RESULTS_DIR/$(date +%Y-%m-%d-%H%M%S)-fault"
{
    header
    report
} >"$STEM.md"
echo
cat "$STEM.md"
echo
echo "Written to ${STEM#"$ROOT"/}.md"
