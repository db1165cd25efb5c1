#!/usr/bin/env bash
# Thin alias for bin/strait-load (Strait's HTTP/1.1 load generator); see perf-tests/README.md.
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bin/strait-load" "$@"
