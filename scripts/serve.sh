#!/usr/bin/env bash
# kubeplay: development server. Installs missing tools (scripts/setup.sh), then
#   trunk serve --release --offline --address 127.0.0.1 --port 8080
# Rebuilds on change; open http://127.0.0.1:8080/. Extra arguments go to trunk serve.
# PORT=9000 scripts/serve.sh to use another port.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
exec trunk serve --release --offline --address 127.0.0.1 --port "${PORT:-8080}" "$@"
