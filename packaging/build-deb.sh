#!/usr/bin/env bash
# Builds Kizuna's .deb with the Tauri bundler from an already built app.
#
#   packaging/build-deb.sh [--debug] [--out DIR] [--config JSON]
#
# Release by default: target/release/kizuna, built here with the
# custom-protocol feature (the bundler itself would not strip it). With
# --debug the end-to-end tests' build (target/debug/kizuna) is packaged
# instead, so the package test does not compile the app a second time.
#
# The binary is stripped in a staging target folder (the build's own file is
# left alone), its shared-library dependencies are computed by Debian's
# dpkg-shlibdeps rather than listed by hand, and the bundler is pointed at
# the staging folder. The bundler compresses with gzip; the package is
# rebuilt with xz, as Debian's own are (a third smaller). With
# TAURI_SIGNING_PRIVATE_KEY set (the key or its file) and
# TAURI_SIGNING_PRIVATE_KEY_PASSWORD, the final package is signed for the
# updater (`<package>.sig`, naming its version). --config adds a Tauri
# configuration overlay (JSON), e.g. a newer version for the updater test.
# Prints the package's path.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile=release
out="$root/target/package"
overlay='{}'
while (($#)); do
  case "$1" in
    --debug) profile=debug ;;
    --out) out="$2"; shift ;;
    --config) overlay="$2"; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

cd "$root"
if [[ "$profile" == release ]]; then
  (cd ui && npm run build >/dev/null)
  cargo build --release --locked -p kizuna --features kizuna/custom-protocol >&2
fi
binary="$root/target/$profile/kizuna"
[[ -x "$binary" ]] || { echo "no $binary: build the app first" >&2; exit 1; }

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/target/$profile"
strip --strip-unneeded -o "$staging/target/$profile/kizuna" "$binary"

# dpkg-shlibdeps reads the package's name from a debian/control.
mkdir -p "$staging/debian"
printf 'Source: kizuna\n\nPackage: kizuna\nArchitecture: any\n' >"$staging/debian/control"
shlibs="$(cd "$staging" && dpkg-shlibdeps -O "target/$profile/kizuna")"
shlibs="${shlibs#shlibs:Depends=}"

# Debian wants the manual page and the changelog compressed, at the
# package's name (the bundler's own changelog goes under the product name).
gzip -9n <packaging/kizuna.1 >"$staging/kizuna.1.gz"
gzip -9n <packaging/changelog >"$staging/changelog.gz"

# The configuration overlay for the bundler: the computed libraries before
# the packages tauri.conf.json names (fonts), and the compressed files.
config="$(node - "$overlay" "$shlibs" "$staging" <<'JS'
const fs = require("fs");
const [overlayText, shlibs, staging] = process.argv.slice(2);
const overlay = JSON.parse(overlayText);
const conf = JSON.parse(fs.readFileSync("src-tauri/tauri.conf.json", "utf8")).bundle.linux.deb;
const libraries = shlibs.split(",").map((d) => d.trim()).filter((d) => d !== "");
overlay.bundle ??= {};
overlay.bundle.linux ??= {};
const deb = (overlay.bundle.linux.deb ??= {});
deb.depends = [...libraries, ...conf.depends.filter((d) => !libraries.includes(d))];
deb.files = {
  ...conf.files,
  "/usr/share/man/man1/kizuna.1.gz": `${staging}/kizuna.1.gz`,
  "/usr/share/doc/kizuna/changelog.gz": `${staging}/changelog.gz`,
};
console.log(JSON.stringify(overlay));
JS
)"

bundle_flags=(--bundles deb --config "$config" --ci)
[[ "$profile" == debug ]] && bundle_flags+=(--debug)
CARGO_TARGET_DIR="$staging/target" ui/node_modules/.bin/tauri bundle "${bundle_flags[@]}" >&2

built="$(find "$staging/target/$profile/bundle/deb" -name '*.deb' | head -n1)"
[[ -n "$built" ]] || { echo "the bundler made no .deb" >&2; exit 1; }

# Rebuilt with xz and named as Debian names packages: kizuna_<version>_<arch>.deb
# (the bundler uses the product name, Kizuna_…).
mkdir -p "$out"
dpkg-deb --raw-extract "$built" "$staging/tree"
version="$(dpkg-deb --field "$built" Version)"
package="$out/kizuna_${version}_$(dpkg-deb --field "$built" Architecture).deb"
dpkg-deb -Zxz -z9 --root-owner-group --build "$staging/tree" "$package" >/dev/null

if [[ -n "${TAURI_SIGNING_PRIVATE_KEY:-}" ]]; then
  key=(--private-key "$TAURI_SIGNING_PRIVATE_KEY")
  [[ -f "$TAURI_SIGNING_PRIVATE_KEY" ]] && key=(--private-key-path "$TAURI_SIGNING_PRIVATE_KEY")
  rm -f "$package.sig"
  # Given as arguments: the same variables would also be read as options.
  env -u TAURI_SIGNING_PRIVATE_KEY -u TAURI_SIGNING_PRIVATE_KEY_PASSWORD \
    ui/node_modules/.bin/tauri signer sign "${key[@]}" \
    --password "${TAURI_SIGNING_PRIVATE_KEY_PASSWORD:-}" --app-version "$version" "$package" >&2
  [[ -s "$package.sig" ]] || { echo "the package was not signed" >&2; exit 1; }
fi
echo "$package"
