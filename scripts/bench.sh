#!/usr/bin/env bash
# The benchmark (not part of scripts/test.sh): the provider against the runbook's own
# `aws` CLI commands and against Terraform's floor, refresh/plan of 1-100 profiles, the
# provider process (start-up, GetProviderSchema, peak RSS), the validator, and the apply of
# examples/prod under the strict sandbox with realistic transition times (--only strict-prod).
# Writes bench/results.json and bench/results.md; bench/README.md explains the figures.
#
# Usage: scripts/bench.sh [--no-build] [bench/run.py options, e.g. --runs 7 --only runbook]
# Environment: CARGO_TARGET_DIR (default <repo>/target): the release binaries are taken
#              from $CARGO_TARGET_DIR/release.
# On 2 cores the measurements take about 5-7 minutes, plus ~3 for strict-prod (20 s waits);
# the first release build of the AWS SDK crates comes on top (a later run only relinks).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

build=1
args=()
for arg in "$@"; do
    case "$arg" in
        --no-build) build=0 ;;
        -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$arg") ;;
    esac
done

t0=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - t0 ))"; }

step "setup: Python environment with the AWS CLI and gRPC client"
bash scripts/setup.sh --bench

target="${CARGO_TARGET_DIR:-$ROOT/target}"
if [[ $build -eq 1 ]]; then
    step "cargo build --release (provider and validator)"
    cargo build --release --quiet -p terraform-provider-smuppy -p smuppy-validate
fi
for bin in terraform-provider-smuppy smuppy-validate; do
    [[ -x "$target/release/$bin" ]] || { echo "bench: $target/release/$bin missing (build with cargo build --release)" >&2; exit 1; }
done

step "measurements"
"$ROOT/.venv/bin/python" bench/run.py --provider-dir "$target/release" ${args[@]+"${args[@]}"}
step "done"
