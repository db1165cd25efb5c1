# compare.sh's HTTP/2 scenarios (protocol = h2), h2load as the client: running it against a candidate, its command
# lines for --render-only, and one round of a candidate (measure_h2, measure's twin). Sourced by compare.sh once its
# settings (EFFECTIVE_CONNECTIONS, STREAMS, SCHEME, SCENARIO_PATH, TLS, RATE, DURATION, WARMUP, LOAD_CPU, PROXY_CPU,
# CLK_TCK, TMP, RAW), state (CANDIDATES, PID_OF, WARMED) and functions (port_of, drop_candidate, core_shares) are
# defined; lib/harness.sh gives the /proc sampling, lib/h2load.sh h2load's arguments and the parsing of its output.

# run_h2load PORT SECONDS OUT_PREFIX [RATE]: h2load pinned on LOAD_CPU against the candidate on PORT (the scenario's
# path), the scenario's connections and streams; OUT_PREFIX.txt gets its output, OUT_PREFIX.log its per-request log
# when RATE > 0 (RATE requests/s over all connections). timeout bounds it: a candidate that stalls costs
# SECONDS + 30 s, not the run.
run_h2load() {
    local port=$1 seconds=$2 out=$3 rate=${4:-0} args=()
    mapfile -t args < <(h2load_args "$EFFECTIVE_CONNECTIONS" "$STREAMS" "$seconds" \
        "$SCHEME://$HOST:$port$SCENARIO_PATH" "$TLS" "$rate" "$out.log")
    timeout -k 5 $((seconds + 30)) taskset -c "$LOAD_CPU" h2load "${args[@]}" >"$out.txt" 2>&1
}

# h2load's command lines for --render-only (what measure_h2 runs for a candidate on PORT).
h2load_commands() {
    local name port
    for name in "${CANDIDATES[@]}"; do
        port=$(port_of "$name")
        echo "$name throughput: h2load $(h2load_args "$EFFECTIVE_CONNECTIONS" "$STREAMS" "$DURATION" \
            "$SCHEME://$HOST:$port$SCENARIO_PATH" "$TLS" | tr '\n' ' ' | sed 's/ $//')"
        if ((RATE > 0)); then
            echo "$name latency: h2load $(h2load_args "$EFFECTIVE_CONNECTIONS" "$STREAMS" "$DURATION" \
                "$SCHEME://$HOST:$port$SCENARIO_PATH" "$TLS" "$RATE" "$TMP/$name.latency1.log" | tr '\n' ' ' \
                | sed 's/ $//')"
        fi
    done
}

# measure_h2 NAME ROUND: measure's HTTP/2 twin with h2load: the throughput run (req/s, the proxy's CPU per request
# from /proc around the whole h2load run, RSS) and the fixed-rate run (percentiles of h2load's per-request log). A
# run h2load cannot measure (no HTTP/2, no request succeeded, no summary) drops the candidate with h2load's reason.
measure_h2() {
    local name=$1 round=$2 port pid="" out t0=0 t1=0 rss="-" cpu="-" busy0 total0 busy1 total1 problem
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
            log "warm-up $name ${WARMUP}s (h2load)"
            local w
            for w in 1 2 3; do   # as measure: connection set-up and close run (and compile) before the measured part
                ((WARMUP > w)) && { run_h2load "$port" 1 "$TMP/$name.warmup$w" || true; }
            done
            run_h2load "$port" "$WARMUP" "$TMP/$name.warmup" || true
        fi
    fi
    out="$TMP/$name.round$round"
    [[ -n $pid ]] && t0=$(cpu_ticks "$pid")
    read -r busy0 total0 < <(core_ticks "$PROXY_CPU")
    run_h2load "$port" "$DURATION" "$out" || true
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
    problem=$(h2load_problem "$out.txt" "$TLS")
    if [[ -n $problem ]]; then
        show_log "$out.txt"
        drop_candidate "$name" "h2load in round $round: $problem"
        return 0
    fi
    local rps req err mean
    read -r rps req _ err mean _ < <(h2load_summary "$out.txt")
    [[ -n $pid ]] && cpu=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$req" \
        'BEGIN { printf "%.2f", (n > 0 ? d * 1e6 / hz / n : 0) }')
    local shares
    shares=$(core_shares "${pid:+$((t1 - t0))}" $((busy1 - busy0)) $((total1 - total0)))
    local lp50="-" lp99="-" lp999="-" lerr="-" rcpu="-"
    if ((RATE > 0)); then
        local lat="$TMP/$name.latency$round" l0=0 l1=0 lreq
        [[ -n $pid ]] && l0=$(cpu_ticks "$pid")
        run_h2load "$port" "$DURATION" "$lat" "$RATE" || true
        [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && l1=$(cpu_ticks "$pid")
        problem=$(h2load_problem "$lat.txt" "$TLS")
        if [[ -n $problem ]]; then
            show_log "$lat.txt"
            drop_candidate "$name" "h2load at $RATE req/s in round $round: $problem"
            return 0
        fi
        read -r _ lreq _ lerr _ _ < <(h2load_summary "$lat.txt")
        read -r lp50 lp99 lp999 _ < <(h2load_percentiles "$lat.log")
        [[ -n $pid ]] && rcpu=$(awk -v d=$((l1 - l0)) -v hz="$CLK_TCK" -v n="$lreq" \
            'BEGIN { if (d < 0 || n <= 0) print "-"; else printf "%.2f", d * 1e6 / hz / n }')
        rm -f "$lat.log"   # a line per request; the percentiles are taken
    fi
    echo "$name $round $rps $req $err $cpu $rss $shares $lp50 $lp99 $lp999 $lerr - - - $rcpu $mean" >>"$RAW"
    printf '   round %d %-8s %10s req/s  cpu %7s us/req  rss %8s KiB  errors %s  mean %s ms | at %s req/s: p50 %s p99 %s p99.9 %s ms, cpu %s us/req' \
        "$round" "$name" "$rps" "$cpu" "$rss" "$err" "$mean" "$RATE" "$lp50" "$lp99" "$lp999" "$rcpu" >&2
    echo "$shares" | awk -v c="$PROXY_CPU" '{ printf "  core %s: proxy %s other %s\n", c, $1 ($1 == "-" ? "" : "%"),
        $2 ($2 == "-" ? "" : "%") }' >&2
}
