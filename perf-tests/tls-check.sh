#!/usr/bin/env bash
# TLS configuration check: testssl.sh against Strait's, nginx's and HAProxy's *default* TLS settings (only the
# certificate is given), one throwaway EC P-256 certificate for all three, on 127.0.0.1 only. Prints each one's
# protocol, cipher, forward-secrecy and renegotiation findings side by side, and writes the full testssl.sh output
# to the result directory. Needs testssl.sh (Debian package testssl.sh), nginx and haproxy; a missing peer is skipped.
#   perf-tests/tls-check.sh [-o DIR]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$here/results/tls-check-$(date -u +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
    case "$1" in
        -o) out="$2"; shift 2 ;;
        *) echo "usage: $0 [-o DIR]" >&2; exit 2 ;;
    esac
done
testssl_bin="$(command -v testssl || command -v testssl.sh || true)"
[ -n "$testssl_bin" ] || { echo "testssl.sh is not installed (apt-get install testssl.sh)" >&2; exit 1; }
mkdir -p "$out"
work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
    -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
cat "$work/cert.pem" "$work/key.pem" > "$work/haproxy.pem"

strait_port=18443 nginx_port=18444 haproxy_port=18445 backend_port=18446

# The route goes to a backend that is not there: testssl.sh looks at the handshake, not the answer.
cat > "$work/strait.yaml" <<YAML
listeners:
  - name: tls
    address: 127.0.0.1:$strait_port
    tls: { certificates: [ { cert: $work/cert.pem, key: $work/key.pem } ] }
    virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: none } ] } ]
clusters: [ { name: none, endpoints: [ { address: 127.0.0.1:$backend_port } ] } ]
YAML
"$root/bin/strait" run -c "$work/strait.yaml" > "$out/strait.log" 2>&1 &
pids+=($!)
targets=("strait:$strait_port")

if command -v nginx >/dev/null; then
    mkdir -p "$work/nginx"
    cat > "$work/nginx.conf" <<CONF
daemon off; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
    uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;
        location / { return 200; }
    }
}
CONF
    nginx -c "$work/nginx.conf" -p "$work/nginx" &
    pids+=($!)
    targets+=("nginx:$nginx_port")
fi
if command -v haproxy >/dev/null; then
    cat > "$work/haproxy.cfg" <<CONF
defaults
    mode http
    timeout client 10s
    timeout server 10s
    timeout connect 1s
frontend tls
    bind 127.0.0.1:$haproxy_port ssl crt $work/haproxy.pem
    http-request return status 200
CONF
    haproxy -f "$work/haproxy.cfg" -db > "$out/haproxy.log" 2>&1 &
    pids+=($!)
    targets+=("haproxy:$haproxy_port")
fi

for t in "${targets[@]}"; do
    port="${t#*:}"
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.2
    done
done

for t in "${targets[@]}"; do
    name="${t%%:*}" port="${t#*:}"
    echo "== $name (127.0.0.1:$port)"
    # -p protocols, -s cipher categories, -f forward secrecy, -R renegotiation, -S server defaults (tickets...)
    "$testssl_bin" --quiet --color 0 --warnings batch --ip one -p -s -f -R -S "127.0.0.1:$port" \
        > "$out/$name.txt" 2>&1 || true
    grep -E "^ (SSLv2|SSLv3|TLS 1(\.[0-3])?)  |NULL ciphers|Anonymous NULL|Export ciphers|LOW:|Triple DES|Obsolete CBC|Strong encryption|PFS is offered|Secure Renegotiation|Secure Client-Initiated|Session Ticket RFC|Session Resumption|OCSP stapling|ALPN" \
        "$out/$name.txt" | sed 's/  */ /g' || true
done
echo "full output: $out"
