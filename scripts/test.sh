#!/usr/bin/env bash
# Sets everything up and runs every test: formatting and lints, the Rust unit
# and integration tests, the architecture boundaries, the validator corpus,
# a short run of every fuzz target, and the acceptance tests that run the real Terraform core against the
# sandbox account (AWS emulators the tests start on loopback ports).
#
# Usage: scripts/test.sh            (everything)
#        SMUPPY_SKIP_LINT=1 ...     (skip fmt/clippy while iterating)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

t0=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - t0 ))"; }

step "setup: Python environment, the Terraform core and the fault-injection proxy"
bash scripts/setup.sh --faults

if [[ -z "${SMUPPY_SKIP_LINT:-}" ]]; then
    step "cargo fmt --check"
    cargo fmt --all -- --check
    cargo fmt --manifest-path fuzz/Cargo.toml -- --check
    step "cargo clippy"
    cargo clippy --workspace --all-targets --quiet -- -D warnings
fi

step "architecture boundaries"
bash scripts/check-boundaries.sh

step "cargo build (provider and validator binaries)"
cargo build --workspace --bins --quiet

step "cargo test"
cargo test --workspace --quiet 2>&1 | tee target/cargo-test.log | grep -Ev '^(running [0-9]+ tests?|test result: ok\. 0 passed.*|)$' || true
# tee hides cargo's exit status: read it from the log.
if grep -Eq '^test result: FAILED|^error(\[|:)' target/cargo-test.log; then
    echo "cargo test failed" >&2
    exit 1
fi
passed=$(grep -Eo '^test result: ok\. [0-9]+ passed' target/cargo-test.log | awk '{s+=$4} END {print s+0}')
echo "cargo test: ${passed} passed"

step "fuzz smoke run (every cargo-fuzz target, a few seconds each)"
bash scripts/fuzz.sh --smoke

step "terraform fmt -check"
# fmt needs no CLI configuration; an empty one keeps a TF_CLI_CONFIG_FILE that
# points at a missing file from adding a warning to the log.
TF_CLI_CONFIG_FILE=/dev/null .venv/bin/terraform fmt -check -recursive -diff terraform examples

step "acceptance tests (real Terraform core against the sandbox)"
export SMUPPY_PROVIDER_DIR="$ROOT/target/debug"
# setup.sh --faults installed the fault proxy: the fault tests must run, not skip.
export SMUPPY_REQUIRE_FAULTS=1
.venv/bin/python -m pytest tests -q -p no:cacheprovider

step "done"
