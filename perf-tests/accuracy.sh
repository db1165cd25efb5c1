#!/usr/bin/env bash
# Accuracy check of strait-load against wrk: the same nginx backend (1 KiB body, perf-tests/conf/nginx-backend.conf),
# the same connections / threads / duration, each generator pinned on the same core (LOAD_CPU) and the backend alone
# on the other (BACKEND_CPU), rounds interleaved (wrk, strait-load, wrk, ...). Two parts:
#   A. same settings as peers.sh (-t1 -c64): req/s, p50, p99 of each and strait-load / wrk;
#   B. max throughput on 1 core (-t1 -cMAX_CONNECTIONS): req/s, the generator's CPU us per request and its core's
#      busy share, and the 1-core capacity that implies (1e6 / CPU us per request).
# With --h2: HTTP/2 cleartext (prior knowledge) instead, against h2load (nghttp2) with -m STREAMS per connection; the
# backend listens with http2. h2load prints no percentiles: compare req/s, mean latency and CPU per request.
# With --tls: HTTPS (TLS 1.3, a throwaway EC P-256 certificate, as compare.sh's TLS scenarios) against wrk over
# https://; the backend's listener gets ssl; every handshake happens before the measured part (keep-alive).
# See perf-tests/README.md.
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
HOST=127.0.0.1
BACKEND_PORT=${BACKEND_PORT:-28080}
LOAD_CPU=${LOAD_CPU:-0}
BACKEND_CPU=${BACKEND_CPU:-1}
BODY_SIZE=1024
DURATION=10
ROUNDS=3
CONNECTIONS=64
MAX_CONNECTIONS=256
WARMUP=5
KEEP=0
H2=0
TLS=0
STREAMS=10

usage() {
    cat <<USAGE
Usage: perf-tests/accuracy.sh [-d SECONDS] [-r ROUNDS] [-c CONNECTIONS] [-C MAX_CONNECTIONS] [-w SECONDS] [--keep]
                              [--h2 [-m STREAMS] | --tls]
  -d  duration of each measured run (default $DURATION)
  -r  interleaved rounds (default $ROUNDS)
  -c  connections of part A (default $CONNECTIONS)
  -C  connections of part B, max throughput (default $MAX_CONNECTIONS)
  -w  strait-load warm-up before each run, not counted (JIT; default $WARMUP, 8 with --tls); wrk needs none
  --h2  HTTP/2 (h2c, prior knowledge) against h2load instead of HTTP/1.1 against wrk (defaults -c 8 -C 32)
  -m  with --h2: concurrent streams per connection, both tools (default $STREAMS)
  --tls  HTTPS (TLS 1.3, keep-alive) against wrk over https:// instead of plain HTTP/1.1
Environment: BACKEND_PORT ($BACKEND_PORT), LOAD_CPU ($LOAD_CPU), BACKEND_CPU ($BACKEND_CPU), STRAIT_LOAD_JAVA_OPTS.
USAGE
}
while (($#)); do
    case $1 in
        -d) DURATION=$2; shift 2 ;;
        -r) ROUNDS=$2; shift 2 ;;
        -c) CONNECTIONS=$2; C_SET=1; shift 2 ;;
        -C) MAX_CONNECTIONS=$2; CMAX_SET=1; shift 2 ;;
        -w) WARMUP=$2; W_SET=1; shift 2 ;;
        -m) STREAMS=$2; shift 2 ;;
        --h2) H2=1; shift ;;
        --tls) TLS=1; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done

SCRIPT_NAME=accuracy.sh
# shellcheck source=lib/harness.sh
source "$SCRIPT_DIR/lib/harness.sh"
REF=wrk                  # the reference generator
LOAD_ARGS=()             # strait-load's protocol flags
CURL_ARGS=()
SCHEME=http
((H2 && TLS)) && die "--h2 and --tls do not combine (h2 here is cleartext)"
if ((TLS)); then
    SCHEME=https
    LOAD_ARGS=(--tls-versions TLSv1.3)
    ((${W_SET:-0})) || WARMUP=8   # the TLS client path needs ~4-5 s of C2 compilation (see compare.sh GEN_WARMUP)
fi
if ((H2)); then
    REF=h2load
    LOAD_ARGS=(--protocol h2 --streams "$STREAMS")
    CURL_ARGS=(--http2-prior-knowledge)
    ((${C_SET:-0})) || CONNECTIONS=8
    ((${CMAX_SET:-0})) || MAX_CONNECTIONS=32
fi
for t in nginx "$REF" jq taskset curl awk $( ((TLS)) && echo openssl); do command -v "$t" >/dev/null || die "required tool not found: $t"; done
(($(getconf _NPROCESSORS_ONLN) > LOAD_CPU && $(getconf _NPROCESSORS_ONLN) > BACKEND_CPU)) || die "not enough CPUs"

start_tmp strait-accuracy

# The backend: the same nginx template as peers.sh, 1 KiB alphanumeric body.
BODY=$(make_body "$BODY_SIZE" "$TMP/body.expected")
render_template "$SCRIPT_DIR/conf/nginx-backend.conf" "$TMP/nginx-backend.conf" TMP "$TMP" BODY "$BODY" \
    BACKEND_PORT "$BACKEND_PORT"
if ((H2)); then   # h2c with prior knowledge on the same port (HTTP/1.1 is then not served there)
    sed -i -e "s|listen $HOST:$BACKEND_PORT;|listen $HOST:$BACKEND_PORT http2;|" "$TMP/nginx-backend.conf"
    grep -q " http2;" "$TMP/nginx-backend.conf" || die "could not add http2 to the backend's listen directive"
fi
if ((TLS)); then   # a throwaway CA and server certificate (EC P-256), as compare.sh; the listener gets ssl
    d="$TMP/tls"
    make_tls_certs "$d" accuracy.sh
    sed -i -e "s|listen $HOST:$BACKEND_PORT;|listen $HOST:$BACKEND_PORT ssl; include $d/nginx-tls.inc;|" \
        "$TMP/nginx-backend.conf"
    grep -q " ssl;" "$TMP/nginx-backend.conf" || die "could not add ssl to the backend's listen directive"
    CURL_ARGS=(--cacert "$d/ca.pem")
fi
port_in_use "$BACKEND_PORT" && die "port $BACKEND_PORT is in use (set BACKEND_PORT)"
start_pinned "$BACKEND_CPU" "$TMP/backend.log" \
    nginx -p "$TMP" -e "$TMP/backend.error.log" -c "$TMP/nginx-backend.conf"
wait_until "$STARTED_PID" 10 port_in_use "$BACKEND_PORT" || { show_log "$TMP/backend.error.log"; die "no backend"; }
check_body backend "$SCHEME://$HOST:$BACKEND_PORT/" "${CURL_ARGS[@]}" \
    || die "the nginx backend did not answer with the body"

# The jar (built by the launcher if missing), before anything is timed.
"$ROOT/bin/strait-load" --version >/dev/null || die "strait-load does not start"

CLK_TCK=$(getconf CLK_TCK)
parse_wrk() {   # -> "rps p50_ms p99_ms requests errors mean_ms"
    awk '
        function ms(v,   n, u) {
            n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
            if (u == "us") return n / 1000; if (u == "ms") return n; if (u == "s") return n * 1000
            return -1
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Latency" && mean == "" { mean = ms($2) }
        / requests in / { req = $1 }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { err += $NF }
        /Socket errors:/ { for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { x = $i; sub(/,/, "", x); err += x } }
        END {
            if (rps == "" || p99 == "") exit 1
            printf "%.2f %.3f %.3f %d %d %.3f\n", rps, p50, p99, req, err, mean
        }' "$1"
}

parse_h2load() {   # -> "rps p50_ms p99_ms requests errors mean_ms" (no percentiles: p50 and p99 are -1)
    awk '
        function ms(v,   n, u) {
            n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
            if (u == "us") return n / 1000; if (u == "ms") return n; if (u == "s") return n * 1000
            return -1
        }
        /^finished in/ { rps = $4 }
        /^requests:/ { req = $8; err += $10 + $12 + $14 }
        /^status codes:/ { err += $5 + $7 + $9 }
        /^time for request:/ { mean = ms($6) }
        END {
            if (rps == "" || mean == "") exit 1
            printf "%.2f -1 -1 %d %d %.3f\n", rps, req, err, mean
        }' "$1"
}

RAW="$TMP/raw.txt"   # part tool round rps p50 p99 requests errors cpu_us_per_req core_busy% mean
: >"$RAW"

run_one() {   # run_one PART TOOL ROUND CONNECTIONS
    local part=$1 tool=$2 round=$3 conns=$4 out="$TMP/$1.$2.$3" b0 t0 b1 t1 parsed cpu
    read -r b0 t0 < <(core_ticks "$LOAD_CPU")
    if [[ $tool == wrk ]]; then
        /usr/bin/time -f '%U %S' -o "$out.time" taskset -c "$LOAD_CPU" \
            wrk -t1 -c"$conns" -d"${DURATION}s" --latency "$SCHEME://$HOST:$BACKEND_PORT/" >"$out.txt" 2>&1
        read -r b1 t1 < <(core_ticks "$LOAD_CPU")
        parsed=$(parse_wrk "$out.txt") || { cat "$out.txt" >&2; die "cannot parse wrk output"; }
    elif [[ $tool == h2load ]]; then
        /usr/bin/time -f '%U %S' -o "$out.time" taskset -c "$LOAD_CPU" \
            h2load -t1 -c"$conns" -m"$STREAMS" -D"$DURATION" "http://$HOST:$BACKEND_PORT/" >"$out.txt" 2>&1
        read -r b1 t1 < <(core_ticks "$LOAD_CPU")
        parsed=$(parse_h2load "$out.txt") || { cat "$out.txt" >&2; die "cannot parse h2load output"; }
    fi
    if [[ $tool != strait-load ]]; then
        local req
        req=$(awk '{ print $4 }' <<<"$parsed")
        cpu=$(awk -v r="$req" '{ printf "%.2f", ($1 + $2) * 1e6 / r }' "$out.time")
    else
        # Busy share: only the measured part counts, so sample the core after the warm-up (start + WARMUP s).
        taskset -c "$LOAD_CPU" "$ROOT/bin/strait-load" run --url "$SCHEME://$HOST:$BACKEND_PORT/" -t 1 -c "$conns" \
            "${LOAD_ARGS[@]}" -d "${DURATION}s" -w "${WARMUP}s" --quiet --json "$out.json" >"$out.txt" 2>&1 &
        local pid=$!
        sleep "$WARMUP.3"
        read -r b0 t0 < <(core_ticks "$LOAD_CPU")
        wait "$pid" || { cat "$out.txt" >&2; die "strait-load failed"; }
        read -r b1 t1 < <(core_ticks "$LOAD_CPU")
        parsed=$(jq -r '[.requestsPerSecond, .latencyCorrected.percentiles["50"], .latencyCorrected.percentiles["99"],
            .totals.requests, .totals.errors.total, .latencyCorrected.mean]
            | "\(.[0]) \(.[1]) \(.[2]) \(.[3]) \(.[4]) \(.[5])"' "$out.json")
        cpu=$(jq -r '.generatorCpuMicrosPerRequest' "$out.json")
    fi
    local busy mean
    read -r _ _ _ _ _ mean <<<"$parsed"
    parsed=$(awk '{ print $1, $2, $3, $4, $5 }' <<<"$parsed")
    busy=$(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.1f", (t > 0 ? 100 * b / t : 0) }')
    echo "$part $tool $round $parsed $cpu $busy $mean" >>"$RAW"
    log "$(printf '%s round %d %-11s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %5.2f us/req  core %s%%' \
        "$part" "$round" "$tool" $(awk '{ print $1, $2, $3 }' <<<"$parsed") "$cpu" "$busy")"
}

median() {   # median PART TOOL COLUMN
    awk -v p="$1" -v t="$2" -v c="$3" '$1 == p && $2 == t { print $c }' "$RAW" | sort -g | awk '
        { a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b == 0 ? 0 : a / b) }'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "temp dir $TMP; load average $LOAD_BEFORE; generator on CPU $LOAD_CPU, nginx backend on CPU $BACKEND_CPU"
log "strait-load JIT warm-up run (not counted)"
taskset -c "$LOAD_CPU" "$ROOT/bin/strait-load" run --url "$SCHEME://$HOST:$BACKEND_PORT/" -c "$CONNECTIONS" -d 3s \
    "${LOAD_ARGS[@]}" --quiet >/dev/null 2>&1 || true
for part in A B; do
    conns=$CONNECTIONS
    [[ $part == B ]] && conns=$MAX_CONNECTIONS
    for ((r = 1; r <= ROUNDS; r++)); do
        run_one "$part" "$REF" "$r" "$conns"
        run_one "$part" strait-load "$r" "$conns"
    done
done

echo
echo "# strait-load vs $REF$( ((H2)) && echo " (HTTP/2, h2c, $STREAMS streams per connection)")$( ((TLS)) \
    && echo " (HTTPS, TLS 1.3, keep-alive)") ($(date '+%Y-%m-%d %H:%M:%S %Z'))"
echo
echo "- commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'); $(getconf _NPROCESSORS_ONLN) CPUs," \
    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); $(java -version 2>&1 | head -n 1)"
echo "- load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- generator pinned on CPU $LOAD_CPU (-t1), nginx backend (1 worker, 1 KiB body) on CPU $BACKEND_CPU;" \
    "${DURATION}s runs, $ROUNDS interleaved rounds, medians; strait-load warm-up ${WARMUP}s per run (not counted)"
echo
echo "| part | connections | tool | req/s | p50 ms | p99 ms | mean ms | C / req/s ms | CPU us/req | core busy % |" \
    "1-core capacity req/s | req/s ratio | p50 ratio | p99 ratio | mean ratio |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for part in A B; do
    conns=$CONNECTIONS
    [[ $part == B ]] && conns=$MAX_CONNECTIONS
    w_rps=$(median "$part" "$REF" 4); w_p50=$(median "$part" "$REF" 5); w_p99=$(median "$part" "$REF" 6)
    w_mean=$(median "$part" "$REF" 11)
    for tool in "$REF" strait-load; do
        rps=$(median "$part" "$tool" 4); p50=$(median "$part" "$tool" 5); p99=$(median "$part" "$tool" 6)
        cpu=$(median "$part" "$tool" 9); busy=$(median "$part" "$tool" 10); mean=$(median "$part" "$tool" 11)
        printf '| %s | %s | %s | %.0f | %.3f | %.3f | %.3f | %.3f | %.2f | %.1f | %.0f | %s | %s | %s | %s |\n' \
            "$part" "$conns" "$tool" "$rps" "$p50" "$p99" "$mean" \
            "$(awk -v c="$((conns * (H2 ? STREAMS : 1)))" -v r="$rps" \
                'BEGIN { printf "%.3f", (r > 0 ? c * 1000 / r : 0) }')" "$cpu" "$busy" \
            "$(awk -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? 1e6 / c : 0) }')" \
            "$(ratio "$rps" "$w_rps")" "$(ratio "$p50" "$w_p50")" "$(ratio "$p99" "$w_p99")" \
            "$(ratio "$mean" "$w_mean")"
    done
done
echo
echo "Ratios are strait-load / $REF ($REF's own row is 1.00). CPU us/req: $REF's whole process (user+sys,"
echo "/usr/bin/time) over its requests; strait-load's process CPU during the measured part (JIT and GC included)."
((H2)) && echo "h2load prints no percentiles (its p50 / p99 show -1, their ratios are meaningless): compare the means."
echo "Errors (all runs): $REF $(awk -v t="$REF" '$2 == t { s += $8 } END { print s + 0 }' "$RAW")," \
    "strait-load $(awk '$2 == "strait-load" { s += $8 } END { print s + 0 }' "$RAW")."
echo
echo "C / req/s (C = connections, x streams with --h2) = the mean time one request slot takes per request (Little's"
echo "law): a mean latency well below it means part of each request cycle (between a response and the next request)"
echo "is not in the latency."
echo
echo "Raw runs (part tool round req/s p50_ms p99_ms requests errors cpu_us_per_req core_busy% mean_ms):"
echo
echo '```'
cat "$RAW"
echo '```'
