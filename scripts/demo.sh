#!/usr/bin/env bash
# The main job: sets everything up, starts the sandbox account (AWS emulators
# on loopback), builds the provider, applies examples/staging with the real
# Terraform core, prints the capacity and cost analysis and the settings read
# back from the AWS APIs, shows that a second apply changes nothing, and stops
# the sandbox. Extra arguments go to scripts/demo.py (--keep, --example prod).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
echo "demo: building the provider and the validator (first build takes a few minutes)"
# One --bin per binary: a --bin selects targets in every package named with -p,
# so "--bin terraform-provider-smuppy" alone would leave smuppy-validate unbuilt.
cargo build --quiet -p terraform-provider-smuppy --bin terraform-provider-smuppy \
    -p smuppy-validate --bin smuppy-validate
export SMUPPY_PROVIDER_DIR="$ROOT/target/debug"
echo
echo "== smuppy-validate examples/staging"
"$ROOT/target/debug/smuppy-validate" examples/staging || true
exec .venv/bin/python scripts/demo.py "$@"
