/**
 * The pretraining corpus's recipe: which pinned packages it reads, which of their files, and how
 * much of each. The same list makes the same corpus (tarballs on the npm registry never change;
 * a Debian version is pinned exactly and the build stops if it is gone).
 *
 * Shares are decided here, by bytes: code the editor's users type most (TypeScript, JavaScript,
 * Python) first, then prose (Markdown docs, Shakespeare), then configuration and markup.
 */

/** Where a source's files come from. */
export type Origin =
  | { kind: 'npm'; name: string; version: string }
  | { kind: 'deb'; name: string; version: string }
  /** A file of this repository (relative to its root), with the licence stated by the recipe. */
  | { kind: 'file'; path: string; licence: string };

export interface Source {
  /** A short name, used in the manifest and in shard names. */
  id: string;
  origin: Origin;
  /** Gitignore-style globs of the files taken, relative to the package root. */
  include: string[];
  /** Globs left out even when included. */
  exclude?: string[];
  /** At most this many bytes are taken: whole files, chosen in a seeded order. */
  maxBytes?: number;
  /** Held out for validation, whole: validation is by package, not by position. */
  valid?: boolean;
  /**
   * A `file` source cut in two by position: the first `1 - validTail` trains, the rest validates
   * (tinyshakespeare's last 10% is the figure every char-RNN reports).
   */
  validTail?: number;
  /** The training part is written this many times (prose would otherwise be a sliver of the mix). */
  repeat?: number;
}

const MB = 1_000_000;

export const PRETRAIN_SOURCES: Source[] = [
  // TypeScript
  { id: 'typescript', origin: { kind: 'npm', name: 'typescript', version: '5.9.3' }, include: ['lib/lib.*.d.ts'] },
  { id: 'types-node', origin: { kind: 'npm', name: '@types/node', version: '20.19.25' }, include: ['**/*.d.ts'] },
  { id: 'rxjs', origin: { kind: 'npm', name: 'rxjs', version: '7.8.2' }, include: ['src/**/*.ts'], valid: true },
  { id: 'effect', origin: { kind: 'npm', name: 'effect', version: '3.19.0' }, include: ['src/**/*.ts'], maxBytes: 5 * MB },
  // JavaScript
  { id: 'three', origin: { kind: 'npm', name: 'three', version: '0.180.0' }, include: ['src/**/*.js', 'examples/jsm/**/*.js'], maxBytes: 4 * MB },
  { id: 'eslint', origin: { kind: 'npm', name: 'eslint', version: '9.39.0' }, include: ['lib/**/*.js', 'conf/**/*.js'] },
  { id: 'webpack', origin: { kind: 'npm', name: 'webpack', version: '5.101.3' }, include: ['lib/**/*.js'], maxBytes: 3 * MB },
  { id: 'lodash', origin: { kind: 'npm', name: 'lodash', version: '4.17.21' }, include: ['*.js'], exclude: ['lodash.js', 'core.js', 'fp.js', '*.min.js'], valid: true },
  { id: 'express', origin: { kind: 'npm', name: 'express', version: '4.21.2' }, include: ['lib/**/*.js', '*.md'] },
  // Python
  { id: 'python-stdlib', origin: { kind: 'deb', name: 'libpython3.11-stdlib', version: '3.11.2-6+deb12u8' },
    include: ['usr/lib/python3.11/**/*.py'], exclude: ['**/test/**', '**/tests/**', '**/idle_test/**', '**/_sysconfigdata_*', 'usr/lib/python3.11/pydoc_data/**', 'usr/lib/python3.11/encodings/**'] },
  { id: 'python-minimal', origin: { kind: 'deb', name: 'libpython3.11-minimal', version: '3.11.2-6+deb12u8' },
    include: ['usr/lib/python3.11/**/*.py'], exclude: ['usr/lib/python3.11/encodings/**'] },
  { id: 'node-gyp', origin: { kind: 'npm', name: 'node-gyp', version: '11.5.0' }, include: ['gyp/**/*.py', 'gyp/**/*.md', '*.md'], valid: true },
  // Markdown and prose
  { id: 'nodejs-doc', origin: { kind: 'deb', name: 'nodejs-doc', version: '18.20.4+dfsg-1~deb12u2' }, include: ['usr/share/doc/nodejs/api/*.md'], maxBytes: 3 * MB },
  { id: 'shakespeare', origin: { kind: 'file', path: 'data/tinyshakespeare.txt', licence: 'public domain' }, include: ['data/tinyshakespeare.txt'], validTail: 0.1, repeat: 5 },
  // CSS, JSON, shell (no npm package or Debian package under these licences ships hand-written HTML or YAML worth the name)
  { id: 'bootstrap', origin: { kind: 'npm', name: 'bootstrap', version: '5.3.8' }, include: ['scss/**/*.scss', 'dist/css/bootstrap.css', 'js/src/**/*.js'] },
  { id: 'bulma', origin: { kind: 'npm', name: 'bulma', version: '1.0.4' }, include: ['sass/**/*.scss', 'css/bulma.css'], valid: true },
  { id: 'highlight-styles', origin: { kind: 'npm', name: 'highlight.js', version: '11.11.1' }, include: ['styles/**/*.css'], exclude: ['**/*.min.css'] },
  { id: 'ajv', origin: { kind: 'npm', name: 'ajv', version: '8.17.1' }, include: ['lib/**/*.ts', 'lib/refs/**/*.json', '*.md', 'package.json'] },
  { id: 'mime-db', origin: { kind: 'npm', name: 'mime-db', version: '1.54.0' }, include: ['db.json', '*.md'] },
  { id: 'n', origin: { kind: 'npm', name: 'n', version: '10.2.0' }, include: ['bin/n', '*.md'] },
  { id: 'bats', origin: { kind: 'npm', name: 'bats', version: '1.12.0' }, include: ['libexec/**/*', 'lib/**/*', 'bin/*', '*.md'] },
];

/** Licences the corpus may hold (SPDX ids and the names Debian and npm metadata use for them). */
export const PERMISSIVE_LICENCES = new Set([
  'MIT', 'Expat', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'Apache-2.0', 'PSF-2.0', 'Python',
  'CC0-1.0', 'Unlicense', 'public domain',
]);
