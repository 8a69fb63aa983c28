#!/usr/bin/env bash
# kubeplay: every benchmark of issue 15 in one table (figure, value, target). Measures; asserts
# nothing (CI does not run it). Takes 5-10 minutes on 2 cores.
#   scripts/bench.sh            # setup, release builds, then all figures
#   scripts/bench.sh --no-build # use the dist/ that is there (native builds still run)
#   scripts/bench.sh --quick    # one engine run natively, no engine run in the page
# Figures are also written to test-output/bench.tsv. Quote medians in docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh >/dev/null

build=1
quick=0
for a in "$@"; do
    case "$a" in
        --no-build) build=0 ;;
        --quick) quick=1 ;;
        *) echo "bench.sh: unknown argument $a" >&2; exit 2 ;;
    esac
done
mkdir -p test-output
tsv=test-output/bench.tsv
: >"$tsv"
row() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$tsv"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

echo "==> engine: 1,000 nodes, 10,000 pods (crates/engine/examples/scale.rs)" >&2
cargo build -q --release -p kubeplay-engine --example scale
runs=3; [[ $quick == 1 ]] && runs=1
for _ in $(seq "$runs"); do target/release/examples/scale; done >test-output/bench-engine.txt
pick() { awk -F'\t' -v k="$1" '$1 == k {print $2}' test-output/bench-engine.txt | median; }
row "engine: create and settle, native (s, median of $runs)" "$(pick settle_s)" "<= 3"
row "engine: ten simulated minutes with traffic, native (s)" "$(pick ten_minutes_s)" "<= 1"
row "engine: peak memory, native (MB)" "$(pick peak_rss_mb)" "<= 300"

echo "==> scheduler: criterion (crates/scheduler/benches/schedule.rs)" >&2
cargo bench -q -p kubeplay-scheduler --bench schedule -- --warm-up-time 1 --measurement-time 3 \
    2>/dev/null >test-output/bench-scheduler.txt
# The middle of criterion's throughput interval, in pods per second.
thrpt() {
    grep -A3 "$1" test-output/bench-scheduler.txt | awk '/thrpt:/ {
        gsub(/\[|\]/, ""); v = $4; u = $5;
        if (u ~ /^Kelem/) v *= 1000; else if (u ~ /^Melem/) v *= 1000000;
        printf "%d\n", v; exit }'
}
row "scheduler: 10,000 pods on 1,000 nodes, native (pods/s)" "$(thrpt 10000_pods_1000_nodes)" ">= 100000"
row "scheduler: with decision records, 100 nodes, native (pods/s)" "$(thrpt with_records)" ">= 8200"

if [[ $build == 1 ]]; then
    echo "==> trunk build --release --offline" >&2
    trunk build --release --offline --dist dist >&2
fi
echo "==> bundle and time to interactive (tests/e2e/lib/measure.mjs)" >&2
node tests/e2e/lib/measure.mjs --json --runs 5 >test-output/bench-measure.json
echo "==> the page (tests/e2e/lib/bench.mjs)" >&2
browser_args=()
[[ $quick == 1 ]] && browser_args+=(--quick)
node tests/e2e/lib/bench.mjs "${browser_args[@]}" >test-output/bench-browser.json

node - "$tsv" <<'JSEOF' >>"$tsv"
const fs = require('fs');
const m = JSON.parse(fs.readFileSync('test-output/bench-measure.json', 'utf8'));
const b = JSON.parse(fs.readFileSync('test-output/bench-browser.json', 'utf8'));
const row = (f, v, t) => console.log([f, v ?? 'not measured', t].join('\t'));
row('first load: wasm + JS, gzip (KiB)', (m.total.gzip / 1024).toFixed(1), '<= 550');
row('time to interactive, loopback (ms, median of 5)', m.tti_ms && Math.round(m.tti_ms.median), '<= 250');
row('scheduler in Chromium (pods/s, median of 3)', b.scheduler_wasm_pods_per_s, '>= 50000');
row('engine in Chromium: create and settle (s)', b.engine_wasm_settle_s, '<= 10');
row('engine in Chromium: ten simulated minutes (s)', b.engine_wasm_ten_minutes_s, '-');
row('?scenario=scale: console usable after (s)', b.scale_ready_s, '-');
row('?scenario=scale: map while settling (fps)', b.scale_fps_settling, '>= 30');
row('?scenario=scale: map idle (fps)', b.scale_fps_idle, '>= 30');
row('?scenario=scale: map during a rolling update (fps)', b.scale_fps_rollout, '>= 30');
row('?scenario=scale: kubectl get pods -A | wc -l (ms)', b.scale_get_pods_ms, '< 1000');
JSEOF

echo
column -t -s $'\t' -N figure,value,target "$tsv" 2>/dev/null || cat "$tsv"
