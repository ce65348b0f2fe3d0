/**
 * A package's licence as its own metadata states it: npm's `package.json` `license` (an SPDX
 * expression), Debian's `usr/share/doc/<name>/copyright` (the `Files: *` stanza of a
 * machine-readable file, or the Python licence's own heading in CPython's free-form one).
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { Origin } from './sources';
import { PERMISSIVE_LICENCES } from './sources';

/** The licence the package declares, or null where it declares none this code can read. */
export async function readLicence(origin: Origin, root: string, fetchDoc?: (name: string) => Promise<string>): Promise<string | null> {
  if (origin.kind === 'file') return origin.licence;
  if (origin.kind === 'npm') {
    const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as {
      license?: unknown; licenses?: { type?: unknown }[];
    };
    if (typeof pkg.license === 'string') return pkg.license;
    const old = pkg.licenses?.map((l) => l.type).filter((t): t is string => typeof t === 'string');
    return old && old.length > 0 ? old.join(' OR ') : null;
  }
  const docDir = path.join(root, 'usr/share/doc', origin.name);
  let copyright = await fs.readFile(path.join(docDir, 'copyright'), 'utf8').catch(() => null);
  if (copyright === null && fetchDoc) {
    // Debian shares one doc folder between a source's binary packages through a link
    // (libpython3.11-stdlib -> libpython3.11-minimal): read the linked package's file.
    const target = await fs.readlink(docDir).catch(() => null);
    if (target !== null) copyright = await fetchDoc(path.basename(target)).then((other) => fs.readFile(path.join(other, 'usr/share/doc', path.basename(target), 'copyright'), 'utf8'));
  }
  return copyright === null ? null : debianLicence(copyright);
}

/** The licence of a Debian copyright file's main files. */
export function debianLicence(copyright: string): string | null {
  if (/^Format:\s*\S*copyright-format/m.test(copyright)) {
    const stanza = copyright.split(/\n\s*\n/).find((s) => /^Files:\s*\*\s*$/m.test(s));
    return stanza?.match(/^License:\s*(.+)$/m)?.[1].trim() ?? null;
  }
  if (/PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2/.test(copyright)) return 'PSF-2.0';
  return null;
}

/**
 * Whether an SPDX-style expression lets the corpus use the package: some alternative of an
 * `OR` whose every `AND` term is permissive. Unknown names and `WITH` exceptions are refused.
 */
export function isPermissive(expression: string | null): boolean {
  if (expression === null) return false;
  const bare = expression.replace(/[()]/g, ' ').trim();
  return bare.split(/\s+OR\s+|\s+or\s+/).some((alternative) =>
    alternative.split(/\s+AND\s+|\s+and\s+/).every((term) => PERMISSIVE_LICENCES.has(term.trim())));
}
