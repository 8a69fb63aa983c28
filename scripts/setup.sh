#!/usr/bin/env bash
# kubeplay: install the build and test toolchain, idempotently.
#
#   bash scripts/setup.sh          # run it
#   source scripts/setup.sh        # ... or source it: also puts the tools on PATH in your shell
#
# Installs only what is missing, and says one line when everything is already there:
#   - rustup target wasm32-unknown-unknown
#   - Trunk 0.21.14                 (cargo install --locked trunk@0.21.14, ~6 min on 2 cores)
#   - wasm-bindgen-cli = the wasm-bindgen version in Cargo.lock
#                                   (cargo install wasm-bindgen-cli --version X, WITHOUT --locked, ~2 min)
#   - Debian chromium + chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)
#   - npm packages from package-lock.json (npm ci): binaryen (wasm-opt), playwright-core and
#     axe-core (the accessibility scan).
#     Never downloads a browser.
# Sourced, it also puts <repo>/node_modules/.bin first on PATH (so Trunk finds wasm-opt there)
# and adds $CARGO_HOME/bin if missing, and exports KUBEPLAY_ROOT.
#
# Environment:
#   KUBEPLAY_SKIP_SETUP=1   do nothing but set PATH (tools are known to be present)
#   KUBEPLAY_SETUP_QUIET=1  print nothing when everything is already installed
#
# Concurrent runs are serialised with flock; a `cargo install` of the same tool that someone
# started by hand is waited for rather than duplicated.

_kp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Sourced: do the work in a child bash (so `set -e` semantics are our own and a failure cannot
# kill an interactive shell), then put the tools on PATH in the caller's shell.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    if [[ "${KUBEPLAY_SKIP_SETUP:-0}" != 1 ]]; then
        if ! bash "${BASH_SOURCE[0]}"; then
            echo "setup: FAILED" >&2
            unset _kp_root
            return 1
        fi
    fi
    export KUBEPLAY_ROOT="$_kp_root"
    case ":$PATH:" in *":$_kp_root/node_modules/.bin:"*) ;; *) PATH="$_kp_root/node_modules/.bin:$PATH" ;; esac
    case ":$PATH:" in *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;; *) PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin" ;; esac
    export PATH
    unset _kp_root
    return 0
fi

# Executed.
set -euo pipefail
KUBEPLAY_ROOT="$_kp_root"
[[ "${KUBEPLAY_SKIP_SETUP:-0}" == 1 ]] && exit 0
cd "$KUBEPLAY_ROOT"
TRUNK_VERSION="0.21.14"
export PATH="$KUBEPLAY_ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

present=() installed=()
say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

# One setup at a time on this machine (the tools are machine-wide).
lock="${TMPDIR:-/tmp}/kubeplay-setup.lock"
if { exec 9>>"$lock"; } 2>/dev/null; then
    if ! flock -n 9; then
        say "another setup is running; waiting for it ..."
        flock 9
    fi
fi

# Wait for a `cargo install <crate>` already running (e.g. started by hand) instead of racing it.
wait_for_cargo_install() {
    local crate="$1" pids
    pids="$(pgrep -f "cargo install .*${crate}" || true)"
    [[ -z "$pids" ]] && return 0
    say "waiting for a running 'cargo install ${crate}' (pid ${pids//$'\n'/ }) to finish ..."
    while pgrep -f "cargo install .*${crate}" >/dev/null; do sleep 5; done
}

as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}

command -v cargo >/dev/null || die "cargo not found (install Rust with rustup first)"
command -v node >/dev/null || die "node not found (Node.js 20 is required)"
command -v npm >/dev/null || die "npm not found"

# --- 1. wasm32 target -------------------------------------------------------------------
if [[ $'\n'"$(rustup target list --installed 2>/dev/null || true)"$'\n' == *$'\nwasm32-unknown-unknown\n'* ]]; then
    present+=("wasm32-unknown-unknown")
else
    say "adding rustup target wasm32-unknown-unknown ..."
    rustup target add wasm32-unknown-unknown
    installed+=("wasm32-unknown-unknown")
fi

# --- 2. Trunk ------------------------------------------------------------------------------
# (Output captured, not piped into grep -q: with pipefail an early grep exit can fail the pipe.)
trunk_ok() { [[ " $(trunk --version 2>/dev/null || true) " == *" $TRUNK_VERSION "* ]]; }
if ! trunk_ok; then wait_for_cargo_install trunk; fi
if trunk_ok; then
    present+=("trunk $TRUNK_VERSION")
else
    say "installing trunk $TRUNK_VERSION (cargo install --locked, about 6 min on 2 cores) ..."
    cargo install --locked "trunk@$TRUNK_VERSION"
    trunk_ok || die "trunk --version does not say $TRUNK_VERSION after install"
    installed+=("trunk $TRUNK_VERSION")
fi

# --- 3. wasm-bindgen-cli, same version as the wasm-bindgen crate in Cargo.lock --------------
if [[ ! -f Cargo.lock ]]; then
    if [[ -f Cargo.toml ]]; then
        say "no Cargo.lock: running cargo generate-lockfile ..."
        cargo generate-lockfile
    else
        say "WARNING: no Cargo.toml yet; skipping wasm-bindgen-cli"
    fi
fi
wb_version=""
if [[ -f Cargo.lock ]]; then
    # The version line that follows `name = "wasm-bindgen"` inside a [[package]] block.
    wb_version="$(awk '
        /^\[\[package\]\]/ { inpkg = 0; next }
        /^name = "wasm-bindgen"$/ { inpkg = 1; next }
        inpkg && /^version = / { gsub(/^version = "|"$/, ""); print; inpkg = 0 }
    ' Cargo.lock | sort -u)"
    if [[ "$(printf '%s' "$wb_version" | grep -c .)" -gt 1 ]]; then
        die "Cargo.lock has several wasm-bindgen versions ($(echo $wb_version)); pin one with '='"
    fi
    [[ -z "$wb_version" ]] && say "WARNING: Cargo.lock has no wasm-bindgen package; skipping wasm-bindgen-cli"
fi
if [[ -n "$wb_version" ]]; then
    wb_ok() { [[ " $(wasm-bindgen --version 2>/dev/null || true) " == *" $wb_version "* ]]; }
    if ! wb_ok; then wait_for_cargo_install wasm-bindgen-cli; fi
    if wb_ok; then
        present+=("wasm-bindgen $wb_version")
    else
        say "installing wasm-bindgen-cli $wb_version (about 2 min) ..."
        # No --locked: the CLI's own lock file names a webpki-roots version the registry lacks.
        cargo install wasm-bindgen-cli --version "$wb_version"
        wb_ok || die "wasm-bindgen --version does not say $wb_version after install"
        installed+=("wasm-bindgen $wb_version")
    fi
fi

# --- 4. Chromium (Debian) ----------------------------------------------------------------
apt_pkgs=()
[[ -x /usr/bin/chromium ]] || apt_pkgs+=(chromium)
[[ -x /usr/bin/chromedriver ]] || apt_pkgs+=(chromium-driver)
if [[ ${#apt_pkgs[@]} -eq 0 ]]; then
    present+=("chromium")
else
    apt_busy() { pgrep -x apt-get >/dev/null || pgrep -x apt >/dev/null || pgrep -x dpkg >/dev/null; }
    if apt_busy; then
        say "waiting for a running apt-get/dpkg to finish ..."
        while apt_busy; do sleep 5; done
    fi
    if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
        present+=("chromium")
    else
        say "installing ${apt_pkgs[*]} from Debian ..."
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_pkgs[@]}"
        [[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium missing after apt-get install"
        installed+=("chromium")
    fi
fi

# --- 5. npm packages (binaryen -> wasm-opt, playwright-core) -----------------------------
[[ -f package-lock.json ]] || die "package-lock.json missing (it is committed; run npm install once to create it)"
have_hash=""
want_hash="$( { cat package.json package-lock.json; node --version; } | sha256sum | cut -d' ' -f1)"
[[ -f node_modules/.lock-hash ]] && have_hash="$(cat node_modules/.lock-hash)"
if [[ "$want_hash" == "$have_hash" && -x node_modules/.bin/wasm-opt ]]; then
    present+=("npm")
else
    say "npm ci (binaryen, playwright-core, axe-core; no browser download) ..."
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null
    printf '%s\n' "$want_hash" > node_modules/.lock-hash
    installed+=("npm")
fi

if [[ ${#installed[@]} -gt 0 ]]; then
    say "installed: ${installed[*]}${present:+; already present: ${present[*]}}"
elif [[ "${KUBEPLAY_SETUP_QUIET:-0}" != 1 ]]; then
    say "ok (${present[*]})"
fi
