/**
 * A pretrained model made ready for a text with characters it has never seen: each new
 * character gets its own row in the embedding and its own output, and the model predicts the
 * characters it knew exactly as before.
 *
 * Before, every new character was read as "unknown": so its embedding row starts as the
 * unknown row (the model reads the text exactly as it did), and the probability the model gave
 * "unknown" is shared evenly between "unknown" and the k new characters: each of the k + 1
 * logits is the unknown logit less log(k + 1), the unknown output weights copied, so the
 * softmax's sum and every known character's probability are unchanged. Training then tells the
 * new characters apart.
 */
import { Vocab } from '../data/vocab';
import { CharModel } from './char-model';

export interface GrownModel {
  model: CharModel;
  vocab: Vocab;
  /** The characters added, in id order (after the old ones, before "unknown"). */
  added: string[];
}

/** `model` over `vocab` grown by the characters of `text` it lacks; the same model when it lacks none. */
export function growVocab(model: CharModel, vocab: Vocab, text: string): GrownModel {
  const added = Vocab.fromText(text).chars.filter((ch) => vocab.id(ch) === vocab.unknownId);
  if (added.length === 0) return { model, vocab, added };
  const grown = Vocab.fromChars([...vocab.chars, ...added]);
  const k = model.k;
  const out = new CharModel(k, { ...model.config, vocabSize: grown.size });
  const oldUnknown = vocab.unknownId;
  // Where each new id's row comes from in the old model: known ids map to themselves, the new
  // characters and "unknown" to the old unknown row.
  const source = (id: number): number => (id < vocab.chars.length ? id : oldUnknown);
  const shareShift = Math.log(added.length + 1);
  const heap = k.heap;
  for (const p of out.params.list) {
    const from = model.params.get(p.name);
    if (p.name === 'embedding.table') {
      const dim = p.shape[1];
      for (let id = 0; id < grown.size; id++) heap.copyWithin(p.value + id * dim, from.value + source(id) * dim, from.value + (source(id) + 1) * dim);
    } else if (p.name === 'dense.w') {
      // [hidden, vocab] row-major: column id of every row.
      const [rows, cols] = p.shape, oldCols = from.shape[1];
      for (let r = 0; r < rows; r++) {
        for (let id = 0; id < cols; id++) heap[p.value + r * cols + id] = heap[from.value + r * oldCols + source(id)];
      }
    } else if (p.name === 'dense.b') {
      for (let id = 0; id < grown.size; id++) {
        heap[p.value + id] = heap[from.value + source(id)] - (id < vocab.chars.length ? 0 : shareShift);
      }
    } else {
      heap.copyWithin(p.value, from.value, from.value + p.size);
    }
  }
  return { model: out, vocab: grown, added };
}
