#!/usr/bin/env bash
# kubeplay: the whole test run (what CI runs, through .ci/run).
#
#   1. setup          scripts/setup.sh (installs what is missing; one line when all is there)
#   2. native tests   cargo test --workspace --locked
#   3. CLI tests      tests/cli/run.sh, if it exists (provided by the CLI team)
#   4. web build      trunk build --release --offline  -> dist/
#   5. browser suite  node --test tests/e2e/          (headless Debian Chromium via playwright-core)
#
# Every step runs even if an earlier one failed (except that the browser suite needs the web
# build); the exit status is non-zero if any step failed. A summary is printed at the end.
#
# Environment: KUBEPLAY_FAIL_FAST=1 stops at the first failing step.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A fresh CI clone gains nothing from incremental caches; keep them for local runs.
if [[ "${CI:-}" == true ]]; then export CARGO_INCREMENTAL=0; fi

results=()
failed=0
run_start=$SECONDS

# step <name> <command...>: print a header, run, record the result.
step() {
    local name="$1"; shift
    local t0=$SECONDS rc
    printf '\n==> [%s] %s\n' "$name" "$*"
    "$@"
    rc=$?
    local dt=$((SECONDS - t0))
    if [[ $rc -eq 0 ]]; then
        results+=("PASS  $name (${dt}s)")
    else
        results+=("FAIL  $name (${dt}s, exit $rc)")
        failed=1
        printf '==> [%s] FAILED (exit %s)\n' "$name" "$rc"
    fi
    if [[ $rc -ne 0 && "${KUBEPLAY_FAIL_FAST:-0}" == 1 ]]; then summary; fi
    return $rc
}

summary() {
    printf '\n==> summary (%ss)\n' "$((SECONDS - run_start))"
    printf '    %s\n' "${results[@]}"
    # One plain closing line for CI: how many steps passed and failed.
    local passed=0 nfailed=0 r
    for r in "${results[@]}"; do
        case "$r" in PASS*) passed=$((passed + 1)) ;; FAIL*) nfailed=$((nfailed + 1)) ;; esac
    done
    printf 'steps: %s passed, %s failed\n' "$passed" "$nfailed"
    if [[ $failed -ne 0 ]]; then
        echo "==> FAILED"
        exit 1
    fi
    echo "==> all steps passed"
    exit 0
}

skip() {
    results+=("SKIP  $1 ($2)")
    printf '\n==> [%s] skipped: %s\n' "$1" "$2"
}

# 1. setup (sourced: puts trunk, wasm-bindgen, wasm-opt on PATH)
printf '==> [setup] scripts/setup.sh\n'
if ! source scripts/setup.sh; then
    results+=("FAIL  setup")
    failed=1
    summary
fi

# 2. native tests
step "cargo test" cargo test --workspace --locked

# 3. CLI tests ------------------------------------------------------------------------------
# CLI TEAM: tests/cli/run.sh is yours. It runs from the repo root, must exit non-zero on failure,
# and should use `cargo run --release --locked --bin kubeplay -- ...` or the built binary.
if [[ -f tests/cli/run.sh ]]; then
    step "cli tests" bash tests/cli/run.sh
else
    skip "cli tests" "tests/cli/run.sh does not exist yet"
fi

# 4. web build
if step "trunk build" trunk build --release --offline --dist dist; then
    # 5. browser suite (Node 20 test runner; one test file at a time: 2 cores, one Chromium)
    step "browser suite" node --test --test-concurrency=1 tests/e2e/
else
    skip "browser suite" "trunk build failed"
fi

summary
