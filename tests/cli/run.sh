#!/usr/bin/env bash
# CLI tests: runs every console script tests/cli/*.kp through the real `kubeplay` binary and
# compares what it prints (standard output and error, merged in order, then the exit status)
# with the committed tests/cli/*.expected. A script's first lines may say `# args: ...` (extra
# `kubeplay run` options); `export.kp` runs through `kubeplay export` instead. Then `kubeplay
# check` on the workshop fixtures (tests/fixtures/killercoda, tests/fixtures/workshops-broken)
# and on static/workshops.
#
#   bash tests/cli/run.sh            compare (exit 1 on any difference)
#   UPDATE=1 bash tests/cli/run.sh   rewrite the .expected files
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

cargo build --release --locked --quiet --bin kubeplay || exit 1
kubeplay() { cargo run --release --locked --quiet --bin kubeplay -- "$@"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
for script in tests/cli/*.kp; do
    name="$(basename "$script" .kp)"
    expected="tests/cli/$name.expected"
    args="$(sed -n 's/^# args: //p' "$script" | head -n1)"
    # shellcheck disable=SC2086
    if [[ "$name" == export ]]; then
        kubeplay export $args "$script" >"$work/out" 2>"$work/err"
        code=$?
        cat "$work/err" "$work/out" >"$work/actual"
    else
        kubeplay run --echo $args "$script" >"$work/actual" 2>&1
        code=$?
    fi
    printf '[exit %s]\n' "$code" >>"$work/actual"
    if [[ "${UPDATE:-0}" == 1 ]]; then
        cp "$work/actual" "$expected"
        echo "updated $expected"
        continue
    fi
    if diff -u "$expected" "$work/actual" >"$work/diff"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $script"
        cat "$work/diff"
    fi
done

# The trace is JSON Lines, and the same seed gives the same trace.
kubeplay run --seed 3 --trace "$work/trace1.jsonl" tests/cli/hightower.kp >/dev/null 2>&1
kubeplay run --seed 3 --trace "$work/trace2.jsonl" tests/cli/hightower.kp >/dev/null 2>&1
if [[ -s "$work/trace1.jsonl" ]] && cmp -s "$work/trace1.jsonl" "$work/trace2.jsonl" \
    && head -n1 "$work/trace1.jsonl" | grep -q '^{"object":'; then
    pass=$((pass + 1))
else
    fail=$((fail + 1))
    echo "FAIL --trace: missing, not JSON Lines, or not reproducible"
fi

# Standard input as the script.
if echo 'kubectl get ns default -o name' | kubeplay run - | grep -qx 'namespace/default'; then
    pass=$((pass + 1))
else
    fail=$((fail + 1))
    echo "FAIL run - (script on standard input)"
fi

# kubeplay check: Killercoda scenarios import and check unchanged; deliberately broken workshops
# fail with lines naming the step and the check, and a non-zero exit status.
for dir in tests/fixtures/killercoda/*/; do
    if kubeplay check --import "$dir" >"$work/check" 2>&1 && tail -n1 "$work/check" | grep -qx '[0-9]* passed, 0 failed'; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL check --import $dir"
        cat "$work/check"
    fi
done
kubeplay check tests/fixtures/workshops-broken >"$work/check" 2>&1
code=$?
if [[ $code -ne 0 ]] \
    && grep -qx 'PASS  check-passes-early step 1 "Create the Deployment"' "$work/check" \
    && grep -qx 'FAIL  check-passes-early step 2 "Expose it": check "service" already passes before the solution is run' "$work/check" \
    && grep -q '^FAIL  solution-unsatisfied step 1 "Scale to three": check "replicas" still fails' "$work/check" \
    && tail -n1 "$work/check" | grep -qx '1 passed, 2 failed'; then
    pass=$((pass + 1))
else
    fail=$((fail + 1))
    echo "FAIL check tests/fixtures/workshops-broken (exit $code)"
    cat "$work/check"
fi
# The workshops the site ships.
if [ -d static/workshops ]; then
    if kubeplay check static/workshops >"$work/check" 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL check static/workshops"
        cat "$work/check"
    fi
fi

echo "cli: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
