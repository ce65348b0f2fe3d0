// What the tests of training through the real worker thread (dist/train-worker.js) share.
import { after } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResourceLimits } from 'node:worker_threads';
import { TrainingClient } from '../src/extension/training-client';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../src/core/train/config';
import type { TrainRequest } from '../src/protocol/training';
import { writeTree } from './temp-tree';

export const TRAIN_WORKER = path.join(__dirname, '..', 'dist', 'train-worker.js');

/**
 * Makes TrainingClients (on `workerPath`), every one disposed after the calling file's tests, so a
 * failed assertion cannot leave a worker keeping Node alive.
 */
export function trainingClients(workerPath = TRAIN_WORKER): (limits?: ResourceLimits) => TrainingClient {
  const clients: TrainingClient[] = [];
  after(() => {
    for (const c of clients) c.dispose();
  });
  return (limits) => {
    const c = new TrainingClient(workerPath, limits);
    clients.push(c);
    return c;
  };
}

/** A new folder under `root` holding `files` (relative path → content). */
export function workspaceIn(root: string, files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(root, 'ws-'));
  writeTree(dir, files);
  return dir;
}

/** A run of a tiny model (1x LSTM 16, embedding 8; batch 4 x 32) validating every 10 steps, no early stop. */
export function tinyRequest(folder: string, outPath: string, config: Partial<TrainConfig> = {}): TrainRequest {
  return {
    folders: [folder], exclude: [], outPath,
    model: { cell: 'lstm', embedding: 8, hidden: 16, layers: 1, dropout: 0 },
    config: { ...DEFAULT_TRAIN_CONFIG, batch: 4, seqLen: 32, validateEvery: 10, patience: 0, ...config },
  };
}
