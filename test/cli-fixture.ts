// What the command-line tests share: the built CLI (run `npm run build` first), a way to run it,
// and a folder with a word text and a tiny model trained on it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { wordText } from './word-text';

export const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
/** A model that trains on 5 kB in a second or two. */
export const TINY = ['--hidden', '32', '--layers', '1', '--embedding', '8', '--batch', '4', '--seq-len', '32'];

export interface Run { code: number | null; stdout: string; stderr: string }

/** `node dist/cli.js ...args` in `cwd`, killed after `timeoutMs`. */
export function runCli(cwd: string, args: readonly string[], timeoutMs: number): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A new folder (`prefix`) holding corpus.txt (5 kB of word text) and tiny.safetensors trained on it with `trainArgs`. */
export function tinyModelFolder(prefix: string, trainArgs: readonly string[], timeoutMs: number): { dir: string; corpus: string; model: string } {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const corpus = path.join(dir, 'corpus.txt');
  writeFileSync(corpus, wordText(5000));
  const model = path.join(dir, 'tiny.safetensors');
  const r = runCli(dir, ['train', corpus, '--out', model, ...TINY, ...trainArgs], timeoutMs);
  assert.equal(r.code, 0, r.stderr);
  return { dir, corpus, model };
}
