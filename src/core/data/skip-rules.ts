/**
 * Rules for what never goes into a training corpus, mostly decided before anything is
 * read: name-based lists (a file's or folder's own name, case-insensitive), the
 * workspace's `.gitignore` files and the user's exclude settings; one check of the
 * text itself (a PEM private key, whatever the file is called).
 */
import * as path from 'path';
import ignore, { type Ignore } from 'ignore';
import expand from 'brace-expansion';
import { readRegularFile } from '../files/read-regular-file';

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

/**
 * Exact file names (lower case) that hold credentials: package-registry and HTTP logins, database
 * password files, git's stored credentials, cloud CLIs' keys, and the usual names of secret
 * stores and kubeconfigs. (Dotenv files are a prefix, below.)
 */
const SECRET_NAMES = new Set([
  '.npmrc', '.yarnrc', '.yarnrc.yml', '.netrc', '_netrc', '.pypirc', '.pgpass', '.my.cnf',
  '.htpasswd', '.git-credentials', '.dockercfg', '.boto', '.s3cfg', '.vault-token', 'kubeconfig',
  'secrets.json', 'secrets.yaml', 'secrets.yml', 'secrets.toml', '.secrets', 'wp-config.php',
]);

/**
 * File-name prefixes (lower case) that hold credentials: `.env*` (`.env`, `.env.local`, direnv's
 * `.envrc`; an `.env.example` is lost, which is cheap), `id_rsa.pub`, `id_ed25519_sk`,
 * `credentials.json`, `credentials.yml.enc`… (`id_*` as a whole would also catch
 * source files such as `id_utils.py`, so only the key types ssh-keygen writes are listed.)
 */
const SECRET_PREFIXES = ['.env', 'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_xmss', 'credentials'];

/** Extensions (lower case, with the dot) of keys, certificates, key stores, password databases and Terraform secrets. */
const SECRET_EXTENSIONS = new Set([
  '.pem', '.key', '.p8', '.p12', '.pfx', '.pkcs12', '.jks', '.jceks', '.keystore', '.ppk',
  '.crt', '.cer', '.der', '.p7b', '.csr',
  '.kdbx', '.kdb', '.keychain', '.gpg', '.pgp', '.asc', '.ovpn',
  '.tfvars', '.tfstate',
]);

/** Name endings (lower case) that hold credentials beyond the extension: Terraform state backups. */
const SECRET_SUFFIXES = ['.tfstate.backup'];

/** JSON files named like a cloud service-account key (`serviceAccountKey.json`, `service-account-prod.json`). */
const SECRET_JSON_PREFIXES = ['serviceaccount', 'service-account', 'service_account'];

/**
 * Folders (lower case) that hold keys and credentials: ssh and GnuPG keys, cloud CLIs' logins,
 * kubeconfigs, Docker registry logins, `pass` stores. Met when a home folder is opened as a
 * workspace; never walked, and refused as an input folder.
 */
const SECRET_DIRS = new Set(['.ssh', '.gnupg', '.aws', '.azure', '.kube', '.docker', '.password-store']);

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
    SECRET_EXTENSIONS.has(extensionOf(lower)) ||
    SECRET_SUFFIXES.some((suffix) => lower.endsWith(suffix)) ||
    (lower.endsWith('.json') && SECRET_JSON_PREFIXES.some((prefix) => lower.startsWith(prefix)))
  );
}

/** True for a folder name that holds keys or credentials (`.ssh`, `.aws`, …). */
export function isSecretDir(name: string): boolean {
  return SECRET_DIRS.has(name.toLowerCase());
}

/**
 * True for text holding a PEM private key: a `-----BEGIN … PRIVATE KEY-----` line (RSA, OPENSSH,
 * EC, ENCRYPTED, plain PKCS#8…) with its matching END line after it, whatever the file is
 * called. A lone header (this comment, a parser's source) is not a key.
 */
export function holdsPrivateKey(text: string): boolean {
  for (const m of text.matchAll(/-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----/g)) {
    if (text.includes(`-----END ${m[1]}PRIVATE KEY-----`, m.index + m[0].length)) return true;
  }
  return false;
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

/** A set of gitignore-style rules, the folder its patterns are relative to, and where it came from. */
export interface IgnoreScope {
  dir: string;
  rules: Ignore;
  /** For the report: the `.gitignore`'s path relative to the walked input folder (`.gitignore`, `sub/.gitignore`). */
  source: string;
}

/** A `.gitignore` is a few kB; this bounds the read of one that is not. */
const MAX_GITIGNORE_BYTES = 64 * 1024 * 1024;

/**
 * `scopes` plus the `.gitignore` in `dir`; an unreadable one excludes nothing. Read without
 * blocking: a FIFO put in its place after the folder was listed is refused, not waited on.
 */
export async function withGitignore(dir: string, scopes: readonly IgnoreScope[], source: string): Promise<readonly IgnoreScope[]> {
  try {
    const rules = ignore().add((await readRegularFile(path.join(dir, '.gitignore'), MAX_GITIGNORE_BYTES)).toString('utf8'));
    return [...scopes, { dir, rules, source }];
  } catch {
    return scopes;
  }
}

/**
 * Git's precedence: the deepest `.gitignore` with a matching rule (ignore or `!` re-include)
 * decides. The source of the `.gitignore` that ignores the path, or null if it is not ignored.
 */
export function gitIgnoredBy(full: string, isDir: boolean, scopes: readonly IgnoreScope[]): string | null {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const result = scopes[i].rules.test(relativeForIgnore(scopes[i].dir, full, isDir));
    if (result.ignored) return scopes[i].source;
    if (result.unignored) return null;
  }
  return null;
}

/** `ignore` wants '/'-separated paths relative to the rules' folder; a trailing '/' marks a folder. */
export function relativeForIgnore(dir: string, full: string, isDir: boolean): string {
  return path.relative(dir, full).split(path.sep).join('/') + (isDir ? '/' : '');
}

/**
 * Gitignore-style patterns from a setting, with VS Code's `{a,b}` alternatives expanded (gitignore
 * has none; `*.{js,map}` is common in `files.exclude`), by the `brace-expansion` package (as
 * minimatch does). An unclosed `{` and a `{x}` without a comma stay literal.
 */
export function expandBraces(pattern: string): string[] {
  return expand(pattern);
}
