#!/usr/bin/env bash
# Makes a throwaway mesh CA and three SPIFFE workload certificates (X.509-SVIDs, EC P-256, valid 7 days) in certs/
# next to this script, for the two-sidecar example: frontend (the client side), backend (the server side) and
# stranger (a workload of the same trust domain that the server side does not allow on /api/).
# Run again to start over with a new CA. Needs openssl 1.1.1 or newer.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/certs"
mkdir -p "$dir"
cd "$dir"
rm -f ./*.pem ./*.key ./*.srl

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
  -subj "/O=Strait mesh example/CN=example.org CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
  -keyout ca.key -out ca.pem 2>/dev/null

# workload NAME: NAME.pem and NAME.key with URI SAN spiffe://example.org/ns/demo/sa/NAME and DNS SAN NAME.demo.
workload() {
  local name="$1"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=Strait mesh example/CN=$name" \
    -keyout "$name.key" -out "$name.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=URI:spiffe://example.org/ns/demo/sa/$name,DNS:$name.demo" \
    "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 -extfile "$name.ext" \
    -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

workload frontend
workload backend
workload stranger
rm -f ca.srl
chmod 600 ./*.key
echo "mesh certificates in $dir: ca.pem, frontend, backend and stranger (.pem and .key)"
