/**
 * Whether Train on Workspace fine-tunes the model in use or trains a new one from scratch,
 * decided by measurement before training: the model's loss on the workspace's held-out text
 * against that of the training text's character frequencies (a unigram, add-one smoothed). A
 * model trained from scratch starts near the unigram within its first few hundred steps; a
 * pretrained model that cannot beat it there (a language it never read) brings nothing to start
 * from. Any model that has read code or prose beats it by far on code or prose.
 */
import type { CharModel } from '../model/char-model';
import { evaluate } from '../eval/evaluate';

export interface StartChoice {
  fineTune: boolean;
  /** nats/char on the held-out text: the model before training, and the unigram. */
  startLoss: number;
  unigramLoss: number;
  /** One sentence for the training report. */
  reason: string;
}

export async function chooseStart(model: CharModel, label: string, trainIds: ArrayLike<number>,
  validIds: ArrayLike<number>, signal?: AbortSignal): Promise<StartChoice> {
  const { loss: startLoss } = await evaluate(model, validIds, 32, 100, signal);
  const unigramLoss = unigramNats(trainIds, validIds, model.config.vocabSize);
  const fineTune = Number.isFinite(startLoss) && startLoss < unigramLoss;
  const measured = `on this workspace's held-out text ${label} scores ${startLoss.toFixed(3)} nats/char before any training, `
    + `character frequencies alone ${unigramLoss.toFixed(3)} (where training from scratch soon begins)`;
  const shape = `${model.config.layers}×${model.config.hidden}`;
  return { fineTune, startLoss, unigramLoss,
    reason: fineTune ? `Fine-tuning ${label} (${shape}, its shape kept): ${measured}.`
      : `Training a new model from scratch: ${measured}, so ${label} has nothing to start from here.` };
}

/** Mean -ln p over `validIds` of the add-one unigram of `trainIds` over `vocabSize` ids. */
function unigramNats(trainIds: ArrayLike<number>, validIds: ArrayLike<number>, vocabSize: number): number {
  const counts = new Float64Array(vocabSize).fill(1);
  for (let i = 0; i < trainIds.length; i++) counts[trainIds[i]]++;
  const total = trainIds.length + vocabSize;
  let nats = 0;
  for (let i = 0; i < validIds.length; i++) nats -= Math.log(counts[validIds[i]] / total);
  return validIds.length > 0 ? nats / validIds.length : NaN;
}
