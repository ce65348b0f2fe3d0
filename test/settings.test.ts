// The extension's settings parser: defaults, every strategy, and bad values falling back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSettings } from '../src/extension/settings-parse';
import { applyPlan, shapeIsFixed } from '../src/core/train/planned-settings';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';

const from = (values: Record<string, unknown>) => parseSettings((key) => values[key]);

test('no settings give the documented defaults', () => {
  const s = from({});
  assert.equal(s.enabled, true);
  assert.deepEqual(s.languages, []);
  assert.deepEqual(s.strategy, { kind: 'greedy' });
  assert.equal(s.maxChars, 40);
  assert.equal(s.stopAtEndOfLine, true);
  assert.equal(s.debounceMs, 75);
  assert.equal(s.adaptToTyping, true, 'completions learn what is typed unless turned off');
  assert.equal(from({ 'completion.adaptToTyping': false }).adaptToTyping, false);
  assert.deepEqual(s.training.model, { cell: 'lstm', embedding: 64, hidden: 256, layers: 2, dropout: 0 });
  assert.equal(s.training.config.maxMinutes, 10);
  assert.equal(s.training.config.threads, 0, 'one training thread per core');
  assert.equal(from({ 'training.threads': 1 }).training.config.threads, 1);
});

test('each sampling strategy takes its own parameters', () => {
  assert.deepEqual(from({ 'sampling.strategy': 'temperature', 'sampling.temperature': 0.5 }).strategy, { kind: 'temperature', temperature: 0.5 });
  assert.deepEqual(from({ 'sampling.strategy': 'topk', 'sampling.k': 3 }).strategy, { kind: 'topk', k: 3, temperature: 0.8 });
  assert.deepEqual(from({ 'sampling.strategy': 'topp', 'sampling.p': 0.5 }).strategy, { kind: 'topp', p: 0.5, temperature: 0.8 });
});

test('values of the wrong type or out of range fall back to defaults instead of breaking completions', () => {
  const s = from({
    enabled: 'yes', languages: ['markdown', 3], 'sampling.strategy': 'beam', 'sampling.k': 2.5,
    'completion.maxChars': -1, 'completion.debounceMs': 'fast', 'completion.adaptToTyping': 'no', 'training.hidden': 0, 'training.layers': 99, 'training.cell': 'gru',
  });
  assert.equal(s.enabled, true);
  assert.deepEqual(s.languages, ['markdown']);
  assert.deepEqual(s.strategy, { kind: 'greedy' });
  assert.equal(s.maxChars, 40);
  assert.equal(s.debounceMs, 75);
  assert.equal(s.adaptToTyping, true);
  assert.equal(s.training.model.hidden, 256);
  assert.equal(s.training.model.layers, 2);
  assert.equal(s.training.model.cell, 'lstm');
  assert.equal(from({ 'sampling.strategy': 'topk', 'sampling.k': 2.5 }).strategy.kind, 'topk');
});

test('charLstm.exclude: a list of patterns; non-strings and blank entries are dropped', () => {
  assert.deepEqual(from({}).exclude, []);
  assert.deepEqual(from({ exclude: ['drafts/', 3, ' ', '*.csv'] }).exclude, ['drafts/', '*.csv']);
  assert.deepEqual(from({ exclude: 'drafts/' }).exclude, []);
});

test('every setting package.json contributes is read, and the manifest declares workspace trust and virtual workspaces', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manifest = require('../package.json');
  const declared = Object.keys(manifest.contributes.configuration.properties).map((k) => k.replace(/^charLstm\./, '')).sort();
  const read = new Set<string>();
  for (const strategy of ['greedy', 'temperature', 'topk', 'topp']) {
    parseSettings((key) => { read.add(key); return key === 'sampling.strategy' ? strategy : undefined; });
  }
  assert.deepEqual([...read].sort(), declared);
  // Loading a model is pure data (safetensors / JSON, no code) and training only reads the
  // workspace into the extension's own storage: nothing to restrict in an untrusted workspace.
  assert.deepEqual(manifest.capabilities.untrustedWorkspaces, { supported: true });
  assert.equal(manifest.capabilities.virtualWorkspaces.supported, 'limited');
  assert.match(manifest.capabilities.virtualWorkspaces.description, /Train on Workspace .* needs a folder on disk/);
});

test('training is sized to the workspace by default; the sized settings a user set (validly) are kept', () => {
  assert.equal(from({}).training.planned, true);
  assert.deepEqual(from({}).training.fixed, []);
  assert.equal(from({ 'training.sizeToWorkspace': false }).training.planned, false);
  // VS Code's get() also returns defaults: isSet says what the user wrote.
  const written = { 'training.hidden': 512, 'training.dropout': 0.3, 'training.seqLen': 0, 'training.lr': 0.01 };
  const s = parseSettings((key) => (written as Record<string, unknown>)[key] ?? (key === 'training.layers' ? 2 : undefined),
    (key) => key in written);
  assert.deepEqual(s.training.fixed, ['hidden', 'dropout'], 'layers is only a default; seqLen 0 is invalid; lr is not sized');
  assert.equal(shapeIsFixed(s.training.fixed), true);
  assert.equal(shapeIsFixed(['dropout', 'epochs']), false);
});

test('a plan replaces the sized settings except those the user fixed, and never the cell, batch or learning rate', () => {
  const model = { cell: 'rnn' as const, embedding: 64, hidden: 512, layers: 2, dropout: 0.3 };
  const config = { ...DEFAULT_TRAIN_CONFIG, batch: 16, lr: 0.01 };
  const plan = {
    model: { cell: 'lstm' as const, embedding: 32, hidden: 128, layers: 1, dropout: 0.1 },
    config: { batch: 32, seqLen: 50, lr: 0.002, epochs: 40, validateEvery: 30, patience: 4 },
  };
  const chosen = applyPlan(model, config, plan, ['hidden', 'dropout']);
  assert.deepEqual(chosen.model, { cell: 'rnn', embedding: 32, hidden: 512, layers: 1, dropout: 0.3 });
  assert.equal(chosen.config.seqLen, 50);
  assert.equal(chosen.config.epochs, 40);
  assert.equal(chosen.config.validateEvery, 30);
  assert.equal(chosen.config.patience, 4);
  assert.equal(chosen.config.batch, 16);
  assert.equal(chosen.config.lr, 0.01);
});

test('every thread the extension starts has its bundle built and shipped in the VSIX', () => {
  const root = path.join(__dirname, '..');
  const started = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else for (const m of fs.readFileSync(p, 'utf8').matchAll(/(?:startWorker\(|path\.join\(__dirname, )'([\w-]+\.js)'/g)) started.add(m[1]);
    }
  };
  walk(path.join(root, 'src'));
  assert.deepEqual([...started].sort(), ['infer-stage.js', 'train-peer.js', 'train-worker.js', 'typing-learner.js']);
  const shipped = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
  const built = fs.readFileSync(path.join(root, 'esbuild.mjs'), 'utf8');
  for (const bundle of started) {
    assert.ok(shipped.includes(`!dist/${bundle}`), `.vscodeignore lets dist/${bundle} in`);
    assert.ok(built.includes(`'dist/${bundle}'`), `esbuild.mjs builds dist/${bundle}`);
  }
});
