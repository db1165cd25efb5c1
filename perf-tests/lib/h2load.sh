# h2load (Debian's nghttp2-client) as compare.sh's client in HTTP/2 scenarios (protocol = h2): its command line, and
# the figures read back from its output and its per-request log. Sourced, not run; needs only awk, sort and bash, so
# the module's tests (H2loadScriptTest) call these functions on recorded h2load output without any proxy installed.

# h2load_args CLIENTS STREAMS SECONDS URL TLS [RATE LOG]: prints h2load's arguments, one per line. One thread (-t1:
# the load core), CLIENTS connections with up to STREAMS concurrent streams each, SECONDS of measurement (-D). TLS=1
# offers only h2 by ALPN (--npn-list=h2): h2load would otherwise fall back to HTTP/1.1 silently when the server picks
# it. With RATE > 0 each connection sends RATE / CLIENTS requests/s (h2load's --rps is per client) and every request
# is written to LOG (start µs, status, µs to the end of the response) for the percentiles; a throughput run keeps no
# log, since h2load writes a line per request with its own write(2) (a syscall per request on the load core).
h2load_args() {
    local clients=$1 streams=$2 seconds=$3 url=$4 tls=$5 rate=${6:-0} logfile=${7:-}
    printf '%s\n' -t1 -c "$clients" -m "$streams" -D "$seconds"
    ((tls)) && printf '%s\n' --npn-list=h2
    if ((rate > 0)); then
        awk -v r="$rate" -v c="$clients" 'BEGIN { printf "--rps=%.3f\n", r / c }'
        printf '%s\n' "--log-file=$logfile"
    fi
    printf '%s\n' "$url"
}

# h2load_summary FILE: "rps done succeeded errors mean_ms protocol" from h2load's stdout in FILE; false when FILE has
# no "finished in" and "requests:" lines (h2load did not get that far). done = responses of any status; errors =
# h2load's "failed" (non-2xx/3xx statuses, resets, connection errors and timeouts: "errored" and "timeout" are
# subsets of it) plus 3xx (h2load counts those as succeeded; every resource here answers 200); mean_ms = its
# "time for request" mean; protocol = its "Application protocol" (h2c, h2, http/1.1) or "-" when it printed none
# (no connection spoke HTTP/2).
h2load_summary() {
    awk '
        function ms(v,   n, u) {
            n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
            if (u == "us") return n / 1000; if (u == "ms") return n; if (u == "s") return n * 1000
            return -1
        }
        /^Application protocol:/ { proto = $3 }
        /^finished in / { rps = $4; finished = 1 }
        /^requests: / { done = $6; ok = $8; failed = $10; seen = 1 }
        /^status codes: / { s3 = $5 }
        /^time for request:/ { mean = ms($6) }
        END {
            if (!finished || !seen) exit 1
            printf "%s %d %d %d %.3f %s\n", rps, done, ok, failed + s3, (mean == "" ? -1 : mean), (proto == "" ? "-" : proto)
        }' "$1"
}

# h2load_problem FILE [TLS]: prints why the h2load run in FILE cannot be measured, nothing when it can: h2load did
# not finish, no connection spoke HTTP/2 (h2c in clear, h2 over TLS), or not one request succeeded. The reason
# quotes h2load's own "requests:" line.
h2load_problem() {
    local summary requests want=h2c proto ok
    ((${2:-0})) && want=h2
    requests=$(grep -m1 '^requests: ' "$1" 2>/dev/null || true)
    if ! summary=$(h2load_summary "$1"); then
        echo "h2load did not finish (no summary: $(grep -v -e '^progress:' -e '^$' "$1" 2>/dev/null | tail -n 2 \
            | tr '\n' ' ' | sed 's/ *$//'))"
        return 0
    fi
    read -r _ _ ok _ _ proto <<<"$summary"
    if [[ $proto != "$want" ]]; then
        echo "no connection spoke $want (h2load's application protocol: ${proto/#-/none}; $requests)"
    elif ((ok == 0)); then
        echo "no request succeeded ($requests)"
    fi
}

# h2load_percentiles LOG: "p50_ms p99_ms p999_ms count" of the responses' times in h2load's --log-file LOG (third
# column, µs; nearest rank); "- - - 0" for an empty log. From each request's actual send: h2load's --rps schedule is
# not corrected for coordinated omission (a request waiting for a free stream does not count the wait).
h2load_percentiles() {
    cut -f3 "$1" | sort -n | awk '
        { v[NR] = $1 }
        function at(p,   i) { i = int(p * NR); if (i < p * NR) i++; if (i < 1) i = 1; return v[i] / 1000 }
        END {
            if (NR == 0) { print "- - - 0"; exit }
            printf "%.3f %.3f %.3f %d\n", at(0.50), at(0.99), at(0.999), NR
        }'
}
