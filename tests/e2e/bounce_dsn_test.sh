#!/bin/bash
# bounce_dsn_test.sh - bounce_test.sh with every failure coming back as a
# delivery status notification from Postfix (RFC 3464) over LMTP.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
BOUNCE_MODE=dsn
. "$(dirname "$0")/bounce_test.sh"
