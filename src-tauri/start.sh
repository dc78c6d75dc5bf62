#!/usr/bin/env bash
# Installs everything, builds Kizuna and starts it on your own data folder.
#   bash src-tauri/start.sh          your data (the OS app-data folder, or $KIZUNA_DATA_DIR)
#   bash src-tauri/start.sh --demo   a separate folder filled with ~200 demo customers
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/.ci/setup.sh"
cd "$root"

say "Building the interface and the app (the first build takes a few minutes)"
(cd ui && npm run --silent build)
cargo build --release --locked -p kizuna -p kizuna-cli --features kizuna/custom-protocol

if [[ "${1:-}" == "--demo" ]]; then
  demo_dir="$(./target/release/kizuna-cli where --demo)"
  ./target/release/kizuna-cli --data-dir "$demo_dir" demo --if-empty
  say "Starting Kizuna on demo data in $demo_dir"
  exec env KIZUNA_DATA_DIR="$demo_dir" ./target/release/kizuna
fi
say "Starting Kizuna"
exec ./target/release/kizuna
