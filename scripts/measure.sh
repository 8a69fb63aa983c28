#!/usr/bin/env bash
# kubeplay: bundle size and time to interactive of the release build.
#   scripts/measure.sh            # setup, trunk build --release --offline, then measure
#   scripts/measure.sh --no-build # measure the dist/ that is there
# Other arguments go to tests/e2e/lib/measure.mjs: --runs N (default 5), --no-tti, --json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

build=1
args=()
for a in "$@"; do
    if [[ "$a" == --no-build ]]; then build=0; else args+=("$a"); fi
done
if [[ $build == 1 ]]; then
    echo "==> trunk build --release --offline" >&2
    trunk build --release --offline --dist dist
fi
exec node tests/e2e/lib/measure.mjs "${args[@]}"
