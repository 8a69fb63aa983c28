#!/usr/bin/env bash
# kubeplay: run one fuzz target for a while (docs/TESTING.md, "Fuzzing").
#
#   scripts/fuzz.sh TARGET SECONDS     # TARGET: manifest, script, scheduler_config, cel, workshop, url, share
#
# Needs cargo-fuzz (cargo install cargo-fuzz) and the nightly toolchain (rustup toolchain install
# nightly): libFuzzer's coverage instrumentation takes -Z flags. The corpus starts from the
# repository's own fixtures and grows in test-output/fuzz/corpus/TARGET (not committed); a crash,
# a hang (an input taking over a second) or an allocation over 2 GiB stops the run and leaves the
# input in fuzz/artifacts/TARGET/. Once fixed, minimise it (cargo +nightly fuzz tmin TARGET FILE)
# and keep it in fuzz/regressions/TARGET/, which `cargo test -p kubeplay-fuzzing` replays.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${1:?usage: scripts/fuzz.sh TARGET SECONDS}"
seconds="${2:?usage: scripts/fuzz.sh TARGET SECONDS}"
corpus="test-output/fuzz/corpus/$target"
mkdir -p "$corpus"

seed() { # seed NAME FILE...: copy fixtures into the corpus (idempotent)
    local name="$1"; shift
    local i=0 f
    for f in "$@"; do
        [[ -f "$f" ]] || continue
        cp "$f" "$corpus/seed-$name-$i"
        i=$((i + 1))
    done
}
case "$target" in
    script) seed kp tests/cli/*.kp ;;
    manifest) seed yaml tests/cli/manifests/*.yaml static/scenarios/*.yaml ;;
    scheduler_config)
        printf 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n  plugins:\n    score:\n      disabled:\n      - name: NodeResourcesBalancedAllocation\n  pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: MostAllocated\n        resources:\n        - name: cpu\n          weight: 1\n' > "$corpus/seed-binpack"
        ;;
    cel)
        printf "nodeInfo.allocatable.cpu - nodeInfo.requested.cpu >= podRequests.cpu && 'cost' in node.metadata.annotations\nint(node.metadata.annotations['cost'])" > "$corpus/seed-hightower"
        printf 'true\nsize(node.metadata.name) * 2' > "$corpus/seed-size"
        ;;
    workshop)
        w=static/workshops/ckad-scale
        { cat "$w/index.json"; printf '\0'; cat "$w/intro.md"; printf '\0'; cat "$w/step1/text.md"; printf '\0kubectl get deploy web\0'; cat "$w/step2/text.md"; } > "$corpus/seed-ckad-scale"
        ;;
    url)
        printf '?seed=7&scenario=empty&speed=2.5&theme=dark&panels=traffic,console&tour=0&workshop=labs%%2Fmy-lab' > "$corpus/seed-all"
        printf '?workshop=kelsey-2016&scenario=default' > "$corpus/seed-workshop"
        ;;
    share)
        seed link fuzz/regressions/share/corrupt-link.txt
        printf '{"format":1,"scenario":"default","seed":3,"speed":2,"now_ms":1767225700000,"log":[{"at_ms":1767225601000,"line":"kubectl create deployment web --image=nginx --replicas=3"},{"at_ms":1767225630000,"line":"node fail node-2","clock":"external"},{"at_ms":1767225640000,"line":"kubectl rollout status deploy/web","kind":{"resume":{"status":0,"next":1}}}]}' > "$corpus/seed-session"
        ;;
    *) echo "fuzz: unknown target $target (manifest, script, scheduler_config, cel, workshop, url, share)" >&2; exit 2 ;;
esac
# A replay may spend its whole budget of work (about a second natively, more under the
# sanitizer, about 15 times slower): the share target's inputs get 30 s before they count as hangs.
timeout=1
[[ "$target" == share ]] && timeout=30

exec cargo +nightly fuzz run "$target" "$corpus" -- \
    -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1
