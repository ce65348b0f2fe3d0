// The layers of the code (docs/architecture.md, "How it works"): each folder of src/ imports only folders
// below it in LAYERS, so a change to a layer cannot reach up into the editor, and the engine
// (src/core) runs without VS Code. Imports of every kind count: type-only, re-exports, dynamic
// import() and require(). Read with TypeScript's own pre-processor (the `typescript` package
// the type check already uses), not a regular expression, so comments and strings that look
// like imports do not count; a dependency-graph tool (madge, dependency-cruiser) would add a
// dependency tree for the 80 lines this is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/**
 * From the bottom up: a folder may import the folders before it. Base (numbers, file kinds,
 * threads) → text → network → model → its runs (priming, stepping and sampling, evaluation) →
 * n-gram and mixtures → typing adaptation → files on disk → training → the message protocols →
 * the front ends (completion, corpus, CLI, worker) → the VS Code extension.
 */
export const LAYERS = [
  'core/math', 'core/files', 'core/threads',
  'core/data',
  'core/nn',
  'core/model',
  'core/pipeline', 'core/sampling', 'core/eval',
  'core/ngram', 'core/mix',
  'core/dynamic',
  'core/io',
  'core/train',
  'protocol',
  'completion', 'corpus', 'cli', 'worker',
  'extension',
] as const;

interface Import { from: string; to: string; spec: string }

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The layer of a file under src/: its first two folders under core/, else its first (extension/panel is extension). */
function layerOf(file: string): string {
  const parts = path.relative(path.join(ROOT, 'src'), file).split(path.sep).slice(0, -1);
  return parts[0] === 'core' ? parts.slice(0, 2).join('/') : parts[0] ?? '.';
}

/** The file a relative specifier names, or null (a package, or nothing there). */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

function importsOf(file: string): { spec: string; target: string | null }[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map(({ fileName }) => ({ spec: fileName, target: resolve(file, fileName) }));
}

function crossLayerImports(dir: string): Import[] {
  return sources(dir).flatMap((file) => importsOf(file)
    .filter((i): i is { spec: string; target: string } => i.target !== null && i.target.startsWith(path.join(ROOT, 'src') + path.sep))
    .map((i) => ({ from: layerOf(file), to: layerOf(i.target), spec: `${path.relative(ROOT, file)} imports ${i.spec}` }))
    .filter((i) => i.from !== i.to));
}

test('every folder of src/ has its place in the layers', () => {
  const layers = new Set(sources(path.join(ROOT, 'src')).map(layerOf));
  const unplaced = [...layers].filter((l) => !(LAYERS as readonly string[]).includes(l));
  assert.deepEqual(unplaced, [], `folders missing from LAYERS: ${unplaced.join(', ')}`);
});

test('imports only go down the layers: no import of a folder above, hence no cycle between folders', () => {
  const rank = (layer: string) => (LAYERS as readonly string[]).indexOf(layer);
  const upward = crossLayerImports(path.join(ROOT, 'src')).filter((i) => rank(i.to) >= rank(i.from));
  assert.deepEqual(upward.map((i) => `${i.spec} (${i.from} → ${i.to})`), []);
});

test('only src/extension imports vscode', () => {
  const outside = sources(path.join(ROOT, 'src')).filter((f) => layerOf(f) !== 'extension')
    .filter((f) => importsOf(f).some((i) => i.spec === 'vscode'));
  assert.deepEqual(outside.map((f) => path.relative(ROOT, f)), []);
});

test('the webview (browser code) imports from src/ only the panel\'s protocol', () => {
  const allowed = new Set(['protocol']);
  const reached = sources(path.join(ROOT, 'webview')).flatMap((file) => importsOf(file)
    .filter((i) => i.target?.startsWith(path.join(ROOT, 'src') + path.sep))
    .map((i) => ({ layer: layerOf(i.target!), spec: `${path.relative(ROOT, file)} imports ${i.spec}` })));
  assert.deepEqual(reached.filter((r) => !allowed.has(r.layer)).map((r) => r.spec), []);
});

test('the check sees an upward import: a folder importing one above it is caught', () => {
  // The rule on a made-up edge, so that the test above cannot pass by reading nothing.
  assert.ok(crossLayerImports(path.join(ROOT, 'src')).length > 50, 'the imports between folders are read');
  const rank = (layer: string) => (LAYERS as readonly string[]).indexOf(layer);
  assert.ok(rank('core/io') > rank('core/model') && rank('extension') > rank('core/train'));
});
