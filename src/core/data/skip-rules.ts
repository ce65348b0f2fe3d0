/**
 * Rules for what never goes into a training corpus, decided before anything is
 * read: name-based lists (a file's or folder's own name, case-insensitive) and
 * the workspace's `.gitignore` files.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import ignore, { type Ignore } from 'ignore';

/**
 * Folders never descended into, wherever they appear: version-control data,
 * dependencies, and build / cache output (generated text teaches the model the
 * tools' style, not the author's, and can be huge).
 */
const PRUNED_DIRS = new Set([
  '.git', '.hg', '.svn',
  'node_modules', 'bower_components',
  'dist', 'out', 'build', 'target', '.next', '.nuxt',
  '.vscode-test', '__pycache__', '.pytest_cache', '.mypy_cache', '.tox',
  '.venv', 'venv', '.gradle', '.turbo', '.parcel-cache', 'coverage',
]);

/** Exact file names (lower case) that hold credentials. */
const SECRET_NAMES = new Set([
  '.env', '.npmrc', '.netrc', '_netrc', '.pypirc', '.pgpass', '.htpasswd',
  '.git-credentials', '.dockercfg', 'secrets.json', 'secrets.yaml', 'secrets.yml',
]);

/** File-name prefixes (lower case) that hold credentials: `.env.local`, `id_rsa.pub`, `credentials.json`… */
const SECRET_PREFIXES = ['.env.', 'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'credentials'];

/** Extensions (lower case, with the dot) of key and certificate stores. */
const SECRET_EXTENSIONS = new Set([
  '.pem', '.key', '.p12', '.pfx', '.jks', '.keystore', '.ppk', '.kdbx', '.gpg', '.asc',
]);

/**
 * Extensions skipped as `ignored-name`: binary formats (most would also fail the
 * binary check, but skipping by name avoids reading them at all) and machine-made
 * text (minified code, source maps) that would only add noise.
 */
const IGNORED_EXTENSIONS = new Set([
  // images
  '.png', '.jpg', '.jpeg', '.gif', '.bmp', '.ico', '.icns', '.webp', '.tif', '.tiff', '.psd', '.avif', '.heic',
  // audio, video
  '.mp3', '.mp4', '.wav', '.ogg', '.flac', '.m4a', '.mov', '.avi', '.mkv', '.webm',
  // archives and packages
  '.zip', '.tar', '.gz', '.tgz', '.bz2', '.xz', '.zst', '.7z', '.rar', '.jar', '.war', '.vsix', '.deb', '.rpm', '.dmg', '.iso',
  // compiled code and native libraries
  '.wasm', '.exe', '.dll', '.so', '.dylib', '.o', '.obj', '.a', '.lib', '.class', '.pyc', '.pyo',
  // model weights and numeric data
  '.safetensors', '.bin', '.onnx', '.pt', '.pth', '.ckpt', '.h5', '.pkl', '.npy', '.npz', '.tflite',
  // fonts and documents
  '.woff', '.woff2', '.ttf', '.otf', '.eot', '.pdf', '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx',
  // databases
  '.sqlite', '.sqlite3', '.db',
  // generated text
  '.map', '.lock',
]);

/** Exact file names (lower case) of lockfiles: text, but huge and machine-written. */
const IGNORED_NAMES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb',
  'cargo.lock', 'poetry.lock', 'composer.lock', 'gemfile.lock', '.ds_store', 'thumbs.db',
]);

/** Suffixes (lower case) of minified bundles. */
const IGNORED_SUFFIXES = ['.min.js', '.min.css', '.min.mjs'];

/** True for a folder the walk never enters (unless it is itself an input). */
export function isPrunedDir(name: string): boolean {
  return PRUNED_DIRS.has(name.toLowerCase());
}

/** True for a file name that looks like it holds credentials. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    SECRET_NAMES.has(lower) ||
    SECRET_PREFIXES.some((prefix) => lower.startsWith(prefix)) ||
    SECRET_EXTENSIONS.has(extensionOf(lower))
  );
}

/** True for a known binary or machine-generated file, by name alone. */
export function isIgnoredName(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    IGNORED_NAMES.has(lower) ||
    IGNORED_EXTENSIONS.has(extensionOf(lower)) ||
    IGNORED_SUFFIXES.some((suffix) => lower.endsWith(suffix))
  );
}

/** `.ext` of the last dot, or '' (a leading dot, as in `.bashrc`, is not an extension). */
function extensionOf(lowerName: string): string {
  const dot = lowerName.lastIndexOf('.');
  return dot > 0 ? lowerName.slice(dot) : '';
}

/** A `.gitignore`'s rules and the folder its patterns are relative to. */
export interface IgnoreScope {
  dir: string;
  rules: Ignore;
}

/** `scopes` plus the `.gitignore` in `dir`; an unreadable one excludes nothing. */
export async function withGitignore(dir: string, scopes: readonly IgnoreScope[]): Promise<readonly IgnoreScope[]> {
  try {
    const rules = ignore().add(await fs.readFile(path.join(dir, '.gitignore'), 'utf8'));
    return [...scopes, { dir, rules }];
  } catch {
    return scopes;
  }
}

/** Git's precedence: the deepest `.gitignore` with a matching rule (ignore or `!` re-include) decides. */
export function isGitIgnored(full: string, isDir: boolean, scopes: readonly IgnoreScope[]): boolean {
  for (let i = scopes.length - 1; i >= 0; i--) {
    // `ignore` wants '/'-separated paths relative to the .gitignore's folder; a trailing '/' marks a folder.
    const relative = path.relative(scopes[i].dir, full).split(path.sep).join('/') + (isDir ? '/' : '');
    const result = scopes[i].rules.test(relative);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}
