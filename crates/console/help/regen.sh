#!/usr/bin/env bash
# Regenerates the help texts in this folder from the real kubectl (the binary that
# scripts/regen-kubectl-fixtures.sh installs into .venv-kubectl), run with no cluster.
# The console prints them for `kubectl ... --help`, byte for byte.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
kubectl="$root/.venv-kubectl/bin/kubectl"
[ -x "$kubectl" ] || { echo "run scripts/regen-kubectl-fixtures.sh first (it installs $kubectl)" >&2; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/path"
while IFS= read -r cmd; do
    file="$here/$(echo "kubectl $cmd" | sed 's/ *$//' | tr ' ' '-').txt"
    # shellcheck disable=SC2086
    env -i HOME="$work/home" PATH="$work/path" LANG=C LC_ALL=C TZ=UTC \
        "$kubectl" $cmd --help </dev/null >"$file" 2>&1
done <<'LIST'

get
describe
create
create deployment
create service
create service clusterip
create service nodeport
create service loadbalancer
create service externalname
create secret
create secret generic
create secret tls
create priorityclass
create poddisruptionbudget
create ingress
create quota
create serviceaccount
create role
create clusterrole
create rolebinding
create clusterrolebinding
create token
auth
auth can-i
auth whoami
create configmap
create namespace
create job
create cronjob
run
expose
autoscale
apply
delete
scale
set
set image
rollout
rollout status
rollout history
rollout undo
rollout pause
rollout resume
rollout restart
label
annotate
cordon
uncordon
drain
taint
top
top node
top pod
logs
wait
version
api-resources
explain
LIST
