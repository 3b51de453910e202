#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ for a fixed time each and prints, per
# target, the executions, the corpus size and the crashes found.
#
# Usage: scripts/fuzz.sh [--smoke] [TARGET...]
#   --smoke            the short run of the test command: an unoptimised
#                      build (minutes instead of half an hour cold: the AWS
#                      SDK is linked in) and 5 s per target
#   FUZZ_SECONDS=N     seconds per target (default 20; overrides --smoke)
#   FUZZ_SANITIZER=S   none (default: fastest build) or address
#   FUZZ_BUILD_ONLY=1  build the targets and stop
#
# Seeds and regression inputs live in fuzz/corpus/<target>/ (committed); what a
# run discovers goes to fuzz/work/<target>/ and crashing inputs to
# fuzz/artifacts/<target>/ (both ignored by git). cargo-fuzz is installed into
# .tools/ on first use. Only stable Rust is needed: RUSTC_BOOTSTRAP lets
# cargo-fuzz pass its -Z flags. Exit status 1 if any target crashed, if
# cargo fuzz list fails or misses a file of fuzz/fuzz_targets/, or if a target
# reports no executions.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

seconds=20
mode=--release
targets=()
for arg in "$@"; do
    case "$arg" in
        --smoke) seconds=5; mode=--dev ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $arg" >&2; exit 2 ;;
        *) targets+=("$arg") ;;
    esac
done
seconds="${FUZZ_SECONDS:-$seconds}"
sanitizer="${FUZZ_SANITIZER:-none}"
export RUSTC_BOOTSTRAP=1

CARGO_FUZZ_VERSION=0.13.2
cargo_fuzz="$ROOT/.tools/bin/cargo-fuzz"
if [[ ! -x "$cargo_fuzz" ]]; then
    echo "== installing cargo-fuzz into .tools/"
    cargo install --locked --root "$ROOT/.tools" cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

if [[ ${#targets[@]} -eq 0 ]]; then
    # Every target: what cargo fuzz lists, which must be every file in
    # fuzz/fuzz_targets/ (a failed or short list would otherwise run fewer
    # targets, or none, and still exit 0).
    if ! listed=$("$cargo_fuzz" list); then
        echo "fuzz.sh: cargo fuzz list failed" >&2
        exit 1
    fi
    mapfile -t targets < <(grep -v '^$' <<<"$listed" || true)
    missing=()
    for f in fuzz/fuzz_targets/*.rs; do
        name=$(basename "$f" .rs)
        printf '%s\n' "${targets[@]}" | grep -qx "$name" || missing+=("$name")
    done
    if [[ ${#targets[@]} -eq 0 || ${#missing[@]} -gt 0 ]]; then
        echo "fuzz.sh: cargo fuzz list gave ${#targets[@]} targets; not listed: ${missing[*]:-(none in fuzz/fuzz_targets/)}" >&2
        exit 1
    fi
fi

echo "== building ${#targets[@]} fuzz targets (${mode#--} build, sanitizer: $sanitizer)"
t0=$(date +%s)
mkdir -p fuzz/work
if ! "$cargo_fuzz" build "$mode" --sanitizer "$sanitizer" >fuzz/work/build.log 2>&1; then
    tail -40 fuzz/work/build.log >&2
    echo "fuzz.sh: build failed (log fuzz/work/build.log)" >&2
    exit 1
fi
echo "build: $(( $(date +%s) - t0 )) s"
[[ -n "${FUZZ_BUILD_ONLY:-}" ]] && exit 0

summary=()
failed=0
notrun=()
total_execs=0
for t in "${targets[@]}"; do
    mkdir -p "fuzz/work/$t" "fuzz/corpus/$t" "fuzz/artifacts/$t"
    log="fuzz/work/$t.log"
    before=$(find "fuzz/artifacts/$t" -type f -name 'crash-*' | wc -l)
    echo "== $t: ${seconds}s"
    set +e
    "$cargo_fuzz" run "$mode" --sanitizer "$sanitizer" "$t" "fuzz/work/$t" "fuzz/corpus/$t" -- \
        -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 >"$log" 2>&1
    rc=$?
    set -e
    # (|| true: no stats line must reach the check below, not end the script under set -e.)
    execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1 || true)
    execs=${execs:-0}
    rate=$(grep -Eo 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1 || true)
    corpus=$(find "fuzz/work/$t" -type f | wc -l)
    crashes=$(( $(find "fuzz/artifacts/$t" -type f -name 'crash-*' | wc -l) - before ))
    if [[ $rc -ne 0 ]]; then
        failed=1
        [[ $crashes -eq 0 ]] && crashes=1
        echo "   CRASH (exit $rc); log $log; input:"
        grep -E 'Test unit written to|panicked at' "$log" | sed 's/^/     /' || true
    elif [[ $execs -eq 0 ]]; then
        # libFuzzer prints its final stats whenever it ran: none (or 0
        # executions) means the target never executed.
        failed=1
        notrun+=("$t")
        echo "   DID NOT RUN: no executions reported; log $log"
    fi
    total_execs=$((total_execs + execs))
    summary+=("$(printf '%-18s %12s %10s %8s %8s' "$t" "$execs" "${rate:-0}" "$corpus" "$crashes")")
done

echo
printf '%-18s %12s %10s %8s %8s\n' target executions exec/s corpus crashes
printf '%s\n' "${summary[@]}"
echo "total executions: $total_execs in $(( $(date +%s) - t0 )) s (build included)"
if [[ ${#notrun[@]} -gt 0 ]]; then
    echo "fuzz.sh: ${#notrun[@]} of ${#targets[@]} targets did not execute: ${notrun[*]}" >&2
fi
exit $failed
