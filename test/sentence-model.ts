// A model that has learned one sentence, one per line (about half a second of training): what
// the completion tests complete with.
import { Vocab } from '../src/core/data/vocab';
import { splitCorpus } from '../src/core/data/corpus';
import { train } from '../src/core/train/trainer';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { createKernels } from '../src/core/nn/kernels/select';
import type { CharModel } from '../src/core/model/char-model';

export const SENTENCE = 'the quick brown fox jumps over the lazy dog.';

/** Trained on SENTENCE repeated; `extraChars` join its vocabulary without being trained on. */
export async function trainedOnSentence(extraChars = ''): Promise<{ model: CharModel; vocab: Vocab }> {
  const text = `${SENTENCE}\n`.repeat(80);
  const vocab = Vocab.fromText(text + extraChars);
  const { train: trainText, valid } = splitCorpus(text);
  const { model } = await train({
    kernels: createKernels(), vocab, train: trainText, valid,
    model: { cell: 'lstm', embedding: 8, hidden: 32, layers: 1, dropout: 0 },
    config: { ...DEFAULT_TRAIN_CONFIG, batch: 8, seqLen: 32, lr: 1e-2, epochs: 40, validateEvery: 0, patience: 0 },
  });
  return { model, vocab };
}
