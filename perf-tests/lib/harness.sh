# Shared by compare.sh, fault.sh and accuracy.sh (sourced, not run): logging, tool checks, ports, the temporary
# directory and the processes started in it, config templates, start-up waits, body checks, TLS certificates,
# /proc sampling and the jars. The sourcing script sets SCRIPT_NAME, ROOT and HOST first, and before the functions
# that use them TMP (start_tmp), PROXY_CPU, LOAD_CPU, KEEP, STARTUP_TIMEOUT, LOAD_JAR and JAR (empty: the default).

log() { echo "== $*" >&2; }
die() { echo "$SCRIPT_NAME: $*" >&2; exit 1; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# ensure_tools [TOOL[:PACKAGE]...]: nginx, haproxy and the given tools, installed from Debian's archive when missing
# (PACKAGE when the package is named otherwise, e.g. h2load:nghttp2-client; apt-get update only if the first install
# fails; sudo when not root); then every tool the scripts use, and two distinct CPUs for the proxy and the load.
ensure_tools() {
    local missing=() tools=() t
    for t in nginx haproxy "$@"; do
        tools+=("${t%%:*}")
        command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
    done
    if ((${#missing[@]})); then
        log "installing missing packages: ${missing[*]}"
        local sudo=()
        ((EUID == 0)) || sudo=(sudo)
        if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; then
            "${sudo[@]}" apt-get update
            "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
        fi
    fi
    for t in "${tools[@]}" java curl taskset getconf awk; do
        command -v "$t" >/dev/null || die "required tool not found: $t"
    done
    local ncpu
    ncpu=$(getconf _NPROCESSORS_ONLN)
    ((ncpu > PROXY_CPU && ncpu > LOAD_CPU)) || die "needs CPUs $LOAD_CPU and $PROXY_CPU; this machine has $ncpu"
    [[ $PROXY_CPU != "$LOAD_CPU" ]] || die "PROXY_CPU and LOAD_CPU must differ"
}

# ------------------------------------------------------------------------------ temporary directory, processes
# start_tmp NAME: makes TMP (mktemp, named after NAME) and arms the exit trap: every process in PIDS is stopped,
# and TMP removed unless KEEP is 1. Ctrl-C and TERM exit through it too.
start_tmp() {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    PIDS=()   # every process started and not yet stopped
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

stop_pids() {   # stop_pids PID...: TERM, up to 5 s, then KILL; reaps them
    local pid i
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "$@"; do
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

stop_all() {   # stops every process in PIDS
    ((${#PIDS[@]} == 0)) || stop_pids "${PIDS[@]}"
    PIDS=()
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_all
    if ((KEEP)); then echo "$SCRIPT_NAME: kept $TMP" >&2; else rm -rf "$TMP"; fi
    exit "$rc"
}

start_pinned() {   # start_pinned CPU LOG CMD... : runs CMD on CPU in the background; sets STARTED_PID
    taskset -c "$1" "${@:3}" >"$2" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}

# The PID to measure: PID itself if it is java (taskset and the launcher exec), else its java child.
java_pid() {   # java_pid PID
    local child
    if [[ $(cat "/proc/$1/comm" 2>/dev/null) != java ]]; then
        child=$(pgrep -P "$1" -x java | head -n 1 || true)
        [[ -z $child ]] || { echo "$child"; return; }
    fi
    echo "$1"
}

# wait_until PID SECONDS CMD...: true once CMD succeeds; false when PID exits first or SECONDS pass.
wait_until() {
    local pid=$1 deadline=$((SECONDS + $2))
    shift 2
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || return 1
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

# answers URL [CURL_ARG...]: true when URL answers anything over HTTP(S) within a second.
answers() { curl -s -o /dev/null -m 1 "${@:2}" "$1"; }

# --------------------------------------------------------------------------------------------------- templates
# render_template IN OUT [KEY VALUE]... [-- SED_ARG...]: IN with every @KEY@ replaced by VALUE (values must not hold
# '|'), then the raw sed arguments after --, written to OUT.
render_template() {
    local in=$1 out=$2 args=()
    shift 2
    while (($#)) && [[ $1 != -- ]]; do args+=(-e "s|@$1@|$2|g"); shift 2; done
    (($#)) && shift
    sed "${args[@]}" "$@" "$in" >"$out"
}

# make_body SIZE FILE: prints the backends' body (SIZE bytes of alphanumerics, so it needs no escaping in an nginx
# config or sed) and writes it to FILE, for the candidates' body checks.
make_body() {
    local body
    body=$(printf '%s' "$(printf '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ%.0s' {1..17})" \
        | head -c "$1")
    printf '%s' "$body" >"$2"
    printf '%s' "$body"
}

# check_body NAME URL [CURL_ARG...]: true when URL answers 200 with exactly the body in $TMP/body.expected; keeps
# the response in $TMP/check.NAME and its headers in $TMP/check.NAME.headers.
check_body() {
    local name=$1 url=$2 code
    shift 2
    code=$(curl -s -m 5 "$@" -D "$TMP/check.$name.headers" -o "$TMP/check.$name" -w '%{http_code}' "$url") \
        || code="curl-failed"
    if [[ $code != 200 ]]; then
        echo "$SCRIPT_NAME: $name at $url answered $code, expected 200" >&2
        return 1
    fi
    if ! cmp -s "$TMP/check.$name" "$TMP/body.expected"; then
        echo "$SCRIPT_NAME: $name at $url answered a body of $(wc -c <"$TMP/check.$name") bytes, not the expected" \
            "$(wc -c <"$TMP/body.expected")" >&2
        return 1
    fi
}

show_log() {   # show_log FILE
    [[ -s $1 ]] || return 0
    echo "--- last lines of $1:" >&2
    tail -n 20 "$1" >&2
}

# make_tls_certs DIR LABEL: a throwaway CA (named after LABEL) and a server certificate for localhost / 127.0.0.1
# (EC P-256) in DIR: ca.pem, server.pem, server.key, combined.pem (HAProxy's crt: certificate and key in one file)
# and nginx-tls.inc (certificate, TLS 1.2 and 1.3, a session cache and tickets: on by default, said here).
make_tls_certs() {
    local d=$1
    mkdir -p "$d"
    {
        openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" \
            -out "$d/ca.pem" -days 2 -subj "/CN=strait $2 throwaway CA" &&
            openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/server.key" \
                -out "$d/server.csr" -subj "/CN=localhost" &&
            printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
                "keyUsage=digitalSignature" "extendedKeyUsage=serverAuth" >"$d/server.ext" &&
            openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
                -sha256 -extfile "$d/server.ext" -out "$d/server.pem"
    } >"$d/openssl.log" 2>&1 || { show_log "$d/openssl.log"; die "could not make the TLS certificates"; }
    cat "$d/server.pem" "$d/server.key" >"$d/combined.pem"
    cat >"$d/nginx-tls.inc" <<INC
ssl_certificate $d/server.pem;
ssl_certificate_key $d/server.key;
ssl_protocols TLSv1.2 TLSv1.3;
ssl_session_cache shared:SSL:10m;
ssl_session_timeout 1h;
ssl_session_tickets on;
INC
}

# ---------------------------------------------------------------------------------------------- /proc sampling
cpu_ticks() {   # cpu_ticks PID: utime+stime of the whole process (all threads, live and exited), in clock ticks
    local stat fields
    stat=$(<"/proc/$1/stat")
    stat=${stat##*) }   # drop "pid (comm) ": comm may hold spaces
    read -r -a fields <<<"$stat"
    echo $((fields[11] + fields[12]))   # fields 14 and 15 of proc(5), counted from field 3
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# core_ticks CPU: "busy total" clock ticks of that core from /proc/stat (busy = all but idle and iowait).
core_ticks() {
    awk -v c="cpu$1" '$1 == c { b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6 }' /proc/stat
}

# -------------------------------------------------------------------------------------------------------- jars
ensure_load_jar() {
    [[ -n $LOAD_JAR ]] || LOAD_JAR="$ROOT/perf-tests/target/strait-load.jar"
    if [[ ! -f $LOAD_JAR ]]; then
        log "no $LOAD_JAR: building it (mvn -B -q -DskipTests package -pl perf-tests -am)"
        (cd "$ROOT" && mvn -B -q -DskipTests package -pl perf-tests -am) >"$TMP/load-build.log" 2>&1 \
            || { show_log "$TMP/load-build.log"; die "could not build strait-load"; }
    fi
    [[ -f $LOAD_JAR ]] || die "no strait-load jar at $LOAD_JAR"
}

# ensure_strait_jar: sets JAR (default server/target/strait.jar, built when missing); false, with SKIP_REASON, when
# there is none.
ensure_strait_jar() {
    [[ -n $JAR ]] || JAR="$ROOT/server/target/strait.jar"
    if [[ ! -f $JAR ]]; then
        log "no $JAR: building it (mvn -B -q -DskipTests package -pl server -am)"
        (cd "$ROOT" && mvn -B -q -DskipTests package -pl server -am) >"$TMP/strait-build.log" 2>&1 \
            || { show_log "$TMP/strait-build.log"; SKIP_REASON="the Maven build failed"; return 1; }
    fi
    [[ -f $JAR ]] || { SKIP_REASON="no jar at $JAR"; return 1; }
}

# start_strait_pinned LOG CONFIG: Strait (JAR) through bin/strait (its JVM flags; STRAIT_JAVA_OPTS reaches it through
# the environment) on PROXY_CPU; sets STARTED_PID and STRAIT_CMD_DESC (how it was started, for the report).
start_strait_pinned() {
    STRAIT_CMD_DESC="bin/strait run -c ${2##*/}"
    start_pinned "$PROXY_CPU" "$1" env STRAIT_JAR="$JAR" "$ROOT/bin/strait" run -c "$2"
}
