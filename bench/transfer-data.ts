// The held-out codebases of the transfer table (bench/transfer.ts), code in no training corpus:
// this project's own TypeScript and the public Python of bench/data/python (SOURCES.md). Each is
// split BY FILE into a fixed held-out set (the same for every workspace size) and a workspace
// part, from whose first files (path order) workspaces of about a given size are taken. Sizes and
// counts are in characters (code points), as the corpus counts them.
import { relative, join } from 'node:path';
import { documentStarts, gatherCorpus } from '../src/core/data/corpus';

const ROOT = join(__dirname, '..');

/** One file of a codebase: its path, its path relative to the codebase's root, its characters. */
export interface CodeFile {
  path: string;
  rel: string;
  chars: number;
}

export interface Codebase {
  /** Short key ('typescript', 'python') and a phrase for the table. */
  key: string;
  label: string;
  /** Where `rel` paths start: a workspace is these files copied under a new folder at the same `rel` paths. */
  root: string;
  /** Held out (path order) and the workspace part (path order); no file in both. */
  heldOut: CodeFile[];
  workspace: CodeFile[];
}

/** The held-out text of a codebase, as the corpus reads it (each file followed by the separator). */
export interface HeldOutText {
  text: string;
  /** Where each file starts in `text`, in code points (one Vocab id each): a document cache starts afresh there. */
  starts: number[];
  files: number;
}

/** Characters held out per codebase: at least this many, by whole files. */
export const HELD_OUT_CHARS = 150_000;
/** No held-out file is longer (characters), so that no single file makes up most of the set. */
const HELD_OUT_MAX_FILE_CHARS = 30_000;

/** This project's .ts files (src, test, bench, webview; not test/fixtures, not bench/data). */
export async function typescriptCodebase(): Promise<Codebase> {
  const corpus = await gatherCorpus(['src', 'test', 'bench', 'webview'].map((d) => join(ROOT, d)));
  const files = corpus.files.map((f) => ({ path: f.path, rel: relative(ROOT, f.path), chars: f.chars }))
    .filter((f) => f.rel.endsWith('.ts') && !f.rel.startsWith(join('test', 'fixtures')) && !f.rel.startsWith(join('bench', 'data')));
  return split('typescript', "TypeScript: this project's source", ROOT, files);
}

/** The .py files of bench/data/python (click, flask, requests, jinja: SOURCES.md). */
export async function pythonCodebase(): Promise<Codebase> {
  const root = join(ROOT, 'bench', 'data', 'python');
  const corpus = await gatherCorpus([root]);
  const files = corpus.files.map((f) => ({ path: f.path, rel: relative(root, f.path), chars: f.chars }))
    .filter((f) => f.rel.endsWith('.py'));
  return split('python', 'Python: click, flask, requests, jinja', root, files);
}

/**
 * Held out: files taken in the order of a hash of their relative path (FNV-1a, so adding or
 * editing one file leaves the others' choice alone) until HELD_OUT_CHARS; files longer than
 * HELD_OUT_MAX_FILE_CHARS stay in the workspace part.
 */
function split(key: string, label: string, root: string, files: CodeFile[]): Codebase {
  const sorted = [...files].sort((a, b) => compare(a.rel, b.rel));
  const held = new Set<string>();
  let chars = 0;
  for (const f of [...sorted].sort((a, b) => fnv1a(a.rel) - fnv1a(b.rel) || compare(a.rel, b.rel))) {
    if (chars >= HELD_OUT_CHARS) break;
    if (f.chars > HELD_OUT_MAX_FILE_CHARS || f.chars === 0) continue;
    held.add(f.rel);
    chars += f.chars;
  }
  return { key, label, root, heldOut: sorted.filter((f) => held.has(f.rel)), workspace: sorted.filter((f) => !held.has(f.rel)) };
}

/** A workspace of about `chars` characters: the workspace part's files in path order, each that still fits. */
export interface Workspace {
  files: CodeFile[];
  chars: number;
  /** Asked for; `chars` is less (the whole workspace part) when the codebase is smaller. */
  asked: number;
  /** Whether it is the whole workspace part, the codebase being smaller than asked. */
  whole: boolean;
}

export function workspaceOf(codebase: Codebase, asked: number): Workspace {
  const available = codebase.workspace.reduce((n, f) => n + f.chars, 0);
  if (available <= asked) return { files: codebase.workspace, chars: available, asked, whole: true };
  const files: CodeFile[] = [];
  let chars = 0;
  for (const f of codebase.workspace) {
    if (chars + f.chars > asked) continue;
    files.push(f);
    chars += f.chars;
  }
  return { files, chars, asked, whole: false };
}

/** The held-out files' text and document starts, read as Train on Workspace reads files. */
export async function heldOutText(codebase: Codebase): Promise<HeldOutText> {
  const corpus = await gatherCorpus(codebase.heldOut.map((f) => f.path));
  return { text: corpus.text, starts: documentStarts(corpus.files), files: corpus.files.length };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
