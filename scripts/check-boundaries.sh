#!/usr/bin/env bash
# The layers' boundaries, checked rather than hoped for:
# - scaling (the model and the rule engine) depends on no AWS SDK and no
#   protocol crate;
# - tfplugin (the protocol) depends on no AWS crate;
# - scaling-aws (the AWS side) depends on no protocol crate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fail=0
deps() { cargo tree -p "$1" -e normal --prefix none --format '{p}' 2>/dev/null | awk '{print $1}' | sort -u; }
check() {
    local crate=$1 pattern=$2 why=$3 found
    found=$(deps "$crate" | grep -E "$pattern" || true)
    if [[ -n "$found" ]]; then
        echo "boundary broken: $crate depends on $(echo "$found" | tr '\n' ' ')($why)" >&2
        fail=1
    else
        echo "ok: $crate has no $why"
    fi
}
check scaling '^(aws-|tonic|prost|tfplugin)' "AWS SDK or protocol dependency"
check tfplugin '^(aws-sdk|aws-config|aws-smithy|aws-types|scaling)' "AWS or smuppy dependency"
check scaling-aws '^(tonic|prost|tfplugin)' "protocol dependency"
exit $fail
