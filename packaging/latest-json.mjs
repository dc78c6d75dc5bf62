// Writes the updater's manifest (latest.json) for a release from its signed
// packages: each package's signature (the .sig the bundler wrote beside it)
// under the platform keys the updater looks up — `<os>-<arch>-<installer>`
// first, then `<os>-<arch>`.
//
//   node packaging/latest-json.mjs --version 0.2.0 --notes-file NOTES.md \
//     --base-url https://example.org/releases/v0.2.0 PACKAGE... > latest.json
//
// Used by the release workflow and by the package test, which serves a
// manifest it wrote this way from 127.0.0.1.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    version: { type: 'string' },
    'notes-file': { type: 'string' },
    'base-url': { type: 'string' },
    'pub-date': { type: 'string' },
  },
  allowPositionals: true,
});
if (!values.version || !values['base-url'] || positionals.length === 0) {
  console.error('usage: latest-json.mjs --version V --base-url URL [--notes-file F] PACKAGE...');
  process.exit(2);
}

/**
 * The platform keys a package serves, from its file name. An installed
 * package knows its own kind (the bundler marks the binary), so a .deb is
 * offered to .deb installs only — never to an AppImage or a build from source.
 */
function platformsOf(file) {
  if (file.endsWith('.deb')) return ['linux-x86_64-deb'];
  if (file.endsWith('.msi')) return ['windows-x86_64-msi'];
  if (file.endsWith('-setup.exe')) return ['windows-x86_64-nsis'];
  // A universal macOS app serves both architectures.
  if (file.endsWith('.app.tar.gz')) {
    return ['darwin-aarch64-app', 'darwin-aarch64', 'darwin-x86_64-app', 'darwin-x86_64'];
  }
  return [];
}

const platforms = {};
for (const file of positionals) {
  const keys = platformsOf(file);
  if (keys.length === 0) continue;
  const signature = readFileSync(`${file}.sig`, 'utf8').trim();
  const url = `${values['base-url'].replace(/\/$/, '')}/${encodeURIComponent(basename(file))}`;
  for (const key of keys) platforms[key] ??= { signature, url };
}
if (Object.keys(platforms).length === 0) {
  console.error('no updater package among the files given');
  process.exit(1);
}
const manifest = {
  version: values.version,
  notes: values['notes-file'] ? readFileSync(values['notes-file'], 'utf8').trim() : '',
  pub_date: values['pub-date'] ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  platforms,
};
console.log(JSON.stringify(manifest, null, 2));
