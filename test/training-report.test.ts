// The training report's lines in the output channel: what was read and every path not read, and
// one line per start, validation and end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusLines, eventLine } from '../src/extension/training-report';

test('the corpus lines list what was read, the exclusions, the encodings and each path not read', () => {
  assert.deepEqual(corpusLines(3, 12345, 'skipped 1 file: 1 secret', {
    excluded: '1 path excluded: 1 by charLstm.exclude', encodings: '1 file read as Windows-1252',
    skippedFiles: [{ path: '.env', reason: 'secret' }, { path: 'drafts/', reason: 'excluded by charLstm.exclude' }],
    skippedFilesMore: 2,
  }), [
    'read 3 files, 12,345 chars (skipped 1 file: 1 secret)',
    '1 path excluded: 1 by charLstm.exclude',
    '1 file read as Windows-1252',
    '  not read: .env: secret',
    '  not read: drafts/: excluded by charLstm.exclude',
    '  not read: 2 more',
  ]);
  assert.equal(corpusLines(2, 5, 'no files skipped', { excluded: '', encodings: '', skippedFiles: [], skippedFilesMore: 0 }).length, 1,
    'nothing left out: one line');
});

test('validations and the end get a line; steps do not', () => {
  assert.equal(eventLine({ kind: 'validation', epoch: 1, step: 250, charsSeen: 0, loss: 1.23456, best: true, bestLoss: 1.23456, lr: 0.002,
    sample: '', sampleStrategy: '' }), 'step 250: validation loss 1.235 nats/char (best)');
  assert.equal(eventLine({ kind: 'end', reason: 'cancelled', bestLoss: null, steps: 7, charsSeen: 0, elapsedMs: 1500 }),
    'training ended (cancelled) after 7 steps, 1.5 s');
  assert.equal(eventLine({ kind: 'step', epoch: 1, step: 1, stepsPerEpoch: 1, totalSteps: 1, loss: 1, smoothLoss: 1, charsSeen: 1,
    charsPerSec: 1, elapsedMs: 1, etaMs: 1 }), null);
});
