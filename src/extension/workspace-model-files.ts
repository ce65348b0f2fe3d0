/**
 * One workspace's trained models in the extension's storage folder:
 *   workspace.safetensors       the model completions use for this workspace
 *   candidate.safetensors       the best checkpoint of the run going on, or of one cut short
 *   rnn-comparison.safetensors  the vanilla RNN of the panel's comparison (never used to complete)
 * A run writes its checkpoints to the candidate only (each write atomic), so the workspace model
 * is never half-written nor replaced by a worse one. `settle` decides between the two when a run
 * ends, and again at the next start when VS Code closed (or crashed) mid-run. No vscode import:
 * tested in plain Node.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describeWriteError } from '../core/io/file-io';
import { loadModel } from '../core/io/model-file';
import { createKernels } from '../core/nn/kernels/select';

export type Settlement =
  /** No candidate: no run saved a checkpoint (or it was settled already). */
  | { kept: 'none' }
  /** The candidate became the workspace model; `previous` is the loss of the one it replaced. */
  | { kept: 'candidate'; loss: number; previous: number | null }
  /** The workspace model was as good or better; the candidate was removed. */
  | { kept: 'previous'; loss: number; previous: number }
  /** The candidate did not load (`why`) and was removed; the workspace model is untouched. */
  | { kept: 'previous'; damaged: string };

export class WorkspaceModelFiles {
  constructor(readonly folder: string) {}

  get workspace(): string {
    return path.join(this.folder, 'workspace.safetensors');
  }

  get candidate(): string {
    return path.join(this.folder, 'candidate.safetensors');
  }

  get comparison(): string {
    return path.join(this.folder, 'rnn-comparison.safetensors');
  }

  /** Makes the folder and removes `file` (a run's output) left from before; throws one line. */
  async prepare(file: string): Promise<void> {
    try {
      await fs.mkdir(this.folder, { recursive: true });
      await fs.rm(file, { force: true });
    } catch (e) {
      throw new Error(`cannot use the storage folder: ${describeWriteError(this.folder, e)}`);
    }
  }

  /**
   * Keeps the better of the candidate and the workspace model, by validation loss. A candidate
   * is only promoted once it has loaded in full (checksum, shapes, finite weights). Throws one
   * line if the folder cannot be written; the candidate then stays for the next attempt.
   */
  async settle(): Promise<Settlement> {
    if (!(await exists(this.candidate))) return { kept: 'none' };
    const candidate = await validLoss(this.candidate);
    if (typeof candidate === 'string') {
      await this.remove(this.candidate);
      return { kept: 'previous', damaged: candidate };
    }
    const previous = await validLoss(this.workspace);
    const previousLoss = typeof previous === 'number' ? previous : null;
    if (previousLoss !== null && previousLoss <= candidate) {
      await this.remove(this.candidate);
      return { kept: 'previous', loss: candidate, previous: previousLoss };
    }
    try {
      await fs.rename(this.candidate, this.workspace);
    } catch (e) {
      throw new Error(`cannot keep the new model: ${describeWriteError(this.workspace, e)}`);
    }
    return { kept: 'candidate', loss: candidate, previous: previousLoss };
  }

  private async remove(file: string): Promise<void> {
    try {
      await fs.rm(file, { force: true });
    } catch (e) {
      throw new Error(`cannot remove ${describeWriteError(file, e)}`);
    }
  }
}

/** The file's validation loss (nats/char), or why it cannot be used: missing, damaged, no loss. */
async function validLoss(file: string): Promise<number | string> {
  try {
    const { info } = await loadModel(file, createKernels('reference'));
    return typeof info.validLoss === 'number' && Number.isFinite(info.validLoss)
      ? info.validLoss : `${file} has no validation loss`;
  } catch (e) {
    return (e as Error).message;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}
