// The shipped default model: what it can read, what it was made from, and that it completes code
// in code and verse in verse before any training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CompletionEngine } from '../src/completion';
import { PRINTABLE_ASCII } from '../src/core/data/vocab';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import { isPermissive } from '../src/corpus/licence';
import type { Manifest } from '../src/corpus/build-corpus';

const ROOT = path.join(__dirname, '..');
const loaded = loadModel(path.join(ROOT, 'models', 'default.safetensors'), createKernels());

async function ghost(text: string): Promise<string> {
  const { model, vocab, mixture } = await loaded;
  const r = new CompletionEngine(model, vocab, undefined, mixture ?? null).complete({
    docKey: 'doc', text, offset: text.length, strategy: { kind: 'greedy' }, maxChars: 40, stopAtEndOfLine: true });
  return r?.insertText ?? '';
}

test('the default model knows every printable ASCII character, tab and newline, and ships with its n-gram', async () => {
  const { vocab, mixture } = await loaded;
  for (const ch of PRINTABLE_ASCII) assert.notEqual(vocab.id(ch), vocab.unknownId, `${JSON.stringify(ch)} is in the vocabulary`);
  assert.ok(mixture, 'completions mix it with the corpus n-gram');
});

test('the manifest beside the default names every source, each under a permissive licence, and none of this project\'s code', () => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'models', 'default.manifest.json'), 'utf8')) as Manifest;
  assert.ok(manifest.sources.length >= 10);
  for (const s of manifest.sources) {
    assert.ok(isPermissive(s.licence), `${s.package} ${s.version}: ${s.licence}`);
    assert.ok(s.files.length > 0 && s.bytes > 0);
    if (!s.package.startsWith('npm:') && !s.package.startsWith('deb:')) assert.equal(s.package, 'data/tinyshakespeare.txt');
  }
  for (const language of ['TypeScript', 'JavaScript', 'Python', 'Markdown', 'JSON', 'CSS', 'Shell', 'Prose']) {
    assert.ok((manifest.train.languages[language] ?? 0) > 0, `${language} in the training text`);
  }
});

test('before any training it completes code in code and verse in verse', async () => {
  const code = await ghost("import { readFileSync } from 'fs';\n\nexport function lines(file: string): string[] {\n  ret");
  assert.match(code, /^urn [\w(]/, JSON.stringify(code));
  const scene = readFileSync(path.join(ROOT, 'test', 'fixtures', 'workspace', 'shakespeare.txt'), 'utf8');
  const verse = await ghost(`${scene}\nROMEO:\n`);
  assert.match(verse, /^[A-Z][a-z]*[ ,]/, `a line of verse after a speaker's name: ${JSON.stringify(verse)}`);
  assert.doesNotMatch(verse, /[(){};=<>]/, JSON.stringify(verse));
});
