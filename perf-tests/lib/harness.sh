# Shared by compare.sh and fault.sh (sourced, not run): logging, tool checks, ports, logs and the strait-load jar.
# The sourcing script defines die() and sets ROOT, TMP, HOST, PROXY_CPU, LOAD_CPU and LOAD_JAR (empty: the default).

log() { echo "== $*" >&2; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# ensure_tools [PACKAGE...]: nginx, haproxy and the given packages, installed from Debian's archive when missing
# (apt-get update only if the first install fails; sudo when not root); then every tool the scripts use, and two
# distinct CPUs for the proxy and the load.
ensure_tools() {
    local missing=() t
    for t in nginx haproxy "$@"; do
        command -v "$t" >/dev/null || missing+=("$t")
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
    for t in nginx haproxy "$@" java curl taskset getconf awk; do
        command -v "$t" >/dev/null || die "required tool not found: $t"
    done
    local ncpu
    ncpu=$(getconf _NPROCESSORS_ONLN)
    ((ncpu > PROXY_CPU && ncpu > LOAD_CPU)) || die "needs CPUs $LOAD_CPU and $PROXY_CPU; this machine has $ncpu"
    [[ $PROXY_CPU != "$LOAD_CPU" ]] || die "PROXY_CPU and LOAD_CPU must differ"
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

show_log() {   # show_log FILE
    [[ -s $1 ]] || return 0
    echo "--- last lines of $1:" >&2
    tail -n 20 "$1" >&2
}

ensure_load_jar() {
    [[ -n $LOAD_JAR ]] || LOAD_JAR="$ROOT/perf-tests/target/strait-load.jar"
    if [[ ! -f $LOAD_JAR ]]; then
        log "no $LOAD_JAR: building it (mvn -B -q -DskipTests package -pl perf-tests -am)"
        (cd "$ROOT" && mvn -B -q -DskipTests package -pl perf-tests -am) >"$TMP/load-build.log" 2>&1 \
            || { show_log "$TMP/load-build.log"; die "could not build strait-load"; }
    fi
    [[ -f $LOAD_JAR ]] || die "no strait-load jar at $LOAD_JAR"
}
