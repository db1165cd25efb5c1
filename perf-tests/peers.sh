#!/usr/bin/env bash
# The 1 KiB keep-alive comparison (direct / Strait / nginx / HAProxy), as peers.sh always measured it: now
# compare.sh's 1kib-keepalive scenario. Takes compare.sh's options (-d, -r, -c, -R, -w, --only, --jar, --keep).
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/compare.sh" 1kib-keepalive "$@"
