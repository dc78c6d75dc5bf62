#!/usr/bin/env bash
# The .deb as a user gets it: built from the end-to-end tests' debug build,
# checked with dpkg-deb and lintian, installed with apt, used through the
# installed /usr/bin/kizuna (tests/e2e/tests/installed.rs), updated to a
# newer signed package served from 127.0.0.1, removed — and the user's data
# folder is still there afterwards. Run by tests/run.sh after
# the end-to-end tests, inside the same kind of Xvfb, D-Bus and keyring
# session; needs root or passwordless sudo (for apt, and for the updater,
# which installs through sudo where no polkit agent runs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
}
fail() { printf 'package test failed: %s\n' "$*" >&2; exit 1; }

out="$root/target/package-test"
rm -rf "$out"
package="$(bash packaging/build-deb.sh --debug --out "$out")"
echo "built $package"

# What the package holds and declares.
fields="$(dpkg-deb --field "$package" Package Version Depends Recommends)"
echo "$fields"
grep -q '^Package: kizuna$' <<<"$fields" || fail "the package is not named kizuna"
for needed in libwebkit2gtk-4.1-0 libayatana-appindicator3-1 fonts-noto-cjk libssl3; do
  grep -q "$needed" <<<"$fields" || fail "Depends lacks $needed"
done
contents="$(dpkg-deb --contents "$package")"
for path in usr/bin/kizuna usr/share/applications/Kizuna.desktop \
  usr/share/doc/kizuna/copyright usr/share/doc/kizuna/changelog.gz \
  usr/share/man/man1/kizuna.1.gz; do
  grep -Eq " (\./)?$path\$" <<<"$contents" || fail "$path is not in the package"
done
for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  grep -q "hicolor/$size/apps/kizuna.png" <<<"$contents" || fail "no $size icon"
done
desktop="$(dpkg-deb --fsys-tarfile "$package" | tar -xO --wildcards '*usr/share/applications/Kizuna.desktop')"
grep -qx 'Name=絆 Kizuna' <<<"$desktop" || fail "the menu entry is not named 絆 Kizuna"
grep -qx 'Name\[ja\]=絆 Kizuna' <<<"$desktop" || fail "no Japanese menu name"
grep -q '^Comment\[ja\]=' <<<"$desktop" || fail "no Japanese comment"
grep -qx 'Exec=kizuna' <<<"$desktop" || fail "the menu entry does not start kizuna"

# Debian's own checker: no errors (warnings and pedantic notes are shown).
lintian --fail-on error --display-level '>=warning' --tag-display-limit 0 "$package"

# Installed as a user installs it, then used through the real window.
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null
trap 'as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q kizuna >/dev/null 2>&1 || true' EXIT
[[ -x /usr/bin/kizuna ]] || fail "/usr/bin/kizuna is not installed"
version="$(dpkg-deb --field "$package" Version)"
[[ "$(/usr/bin/kizuna --version)" == "kizuna $version" ]] || fail "kizuna --version does not say $version"
/usr/bin/kizuna --help | grep -- '--data-dir' >/dev/null || fail "kizuna --help does not list its options"
home="$(mktemp -d)"
KIZUNA_APP=/usr/bin/kizuna KIZUNA_TEST_HOME="$home" \
  cargo test -p kizuna-e2e --locked --test installed -- \
  --ignored --test-threads=1 the_installed_app

# A newer version, signed with a key made for this test (the release key
# never leaves its owner), offered by a server on 127.0.0.1: refused when
# damaged, installed when sound.
updates="$out/updates"
mkdir -p "$updates"
ui/node_modules/.bin/tauri signer generate --ci -w "$updates/updater.key" >/dev/null
printf 'テスト用の更新です。\nA test update.\n' >"$updates/notes.md"
TAURI_SIGNING_PRIVATE_KEY="$updates/updater.key" TAURI_SIGNING_PRIVATE_KEY_PASSWORD="" \
  bash packaging/build-deb.sh --debug --out "$updates" \
  --config '{"version":"0.1.1"}' >/dev/null
[[ -s "$updates/kizuna_0.1.1_amd64.deb.sig" ]] || fail "the newer package was not signed"
KIZUNA_APP=/usr/bin/kizuna KIZUNA_TEST_UPDATES="$updates" \
  cargo test -p kizuna-e2e --locked --test installed -- \
  --ignored --test-threads=1 a_signed_update

# Removed: the program goes, the customer book stays.
as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q kizuna >/dev/null
trap - EXIT
[[ ! -e /usr/bin/kizuna ]] || fail "/usr/bin/kizuna is still there after removal"
book="$home/.local/share/app.kizuna.desktop/kizuna.sqlite3"
[[ -s "$book" ]] || fail "removing the package removed the data folder ($book)"
rm -rf "$home"
echo "package test passed: $(basename "$package"), $(du -h "$package" | cut -f1)"
