#!/usr/bin/env bash
# The layers' boundaries, checked rather than hoped for:
# - scaling (the model and the rule engine) depends on no AWS SDK and no
#   protocol crate;
# - tfplugin (the protocol) depends on no AWS crate;
# - scaling-aws (the AWS side) depends on no protocol crate;
# - the provider library carries no docs rendering (docs-gen/, the
#   smuppy-docs crate, does; its HCL parser stays out of the provider).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fail=0
# The dependency list of one crate, or exit status 1 (with cargo's error) if
# cargo tree fails: an empty list from a failed run would read as "no forbidden
# dependency".
deps() {
    local out err
    err=$(mktemp)
    if ! out=$(cargo tree -p "$1" -e normal --prefix none --format '{p}' 2>"$err"); then
        cat "$err" >&2
        rm -f "$err"
        return 1
    fi
    rm -f "$err"
    # A crate always lists itself first: fewer than one line means cargo said nothing.
    if ! grep -q "^$1 " <<<"$out"; then
        echo "cargo tree -p $1 did not list $1 itself" >&2
        return 1
    fi
    awk '{print $1}' <<<"$out" | sort -u
}
check() {
    local crate=$1 pattern=$2 why=$3 found list
    if ! list=$(deps "$crate"); then
        echo "boundary not checked: cargo tree failed for $crate" >&2
        fail=1
        return
    fi
    found=$(grep -E "$pattern" <<<"$list" || true)
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
check terraform-provider-smuppy '^(hcl-rs|smuppy-docs)$' "docs generator dependency"
exit $fail
