import { BATCH, MODEL_M, SEQ_LEN } from './model-m';

/**
 * The embedding is a bias-free dense layer over one-hot characters: the same function and
 * gradients as tf.layers.embedding, whose gradient kernel (UnsortedSegmentSum) the wasm backend
 * lacks.
 *
 * Training chars/s of tfjs-layers' own LSTM on model M (the same shape, Adam, softmax
 * cross-entropy) on a tfjs backend: 'cpu', 'wasm', or 'tensorflow' when @tensorflow/tfjs-node
 * loads. One warm-up batch, then `batches` timed ones: each takes tens of seconds here.
 */
export async function benchTfjsLayers(backend: 'cpu' | 'wasm' | 'tensorflow', ids: Uint16Array,
  vocabSize: number, batches: number): Promise<number | null> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require(backend === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  if (backend === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) return null;
  await tf.ready();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [SEQ_LEN, vocabSize], units: MODEL_M.embedding, useBias: false }),
      tf.layers.lstm({ units: MODEL_M.hidden, returnSequences: true, recurrentActivation: 'sigmoid' }),
      tf.layers.lstm({ units: MODEL_M.hidden, returnSequences: true, recurrentActivation: 'sigmoid' }),
      tf.layers.dense({ units: vocabSize, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(2e-3), loss: 'sparseCategoricalCrossentropy' });
  const x = new Float32Array(BATCH * SEQ_LEN * vocabSize), y = new Float32Array(BATCH * SEQ_LEN);
  const batch = (s: number) => {
    x.fill(0);
    for (let b = 0; b < BATCH; b++) for (let t = 0; t < SEQ_LEN; t++) {
      const at = (s * BATCH + b) * SEQ_LEN + t;
      x[(b * SEQ_LEN + t) * vocabSize + ids[at]] = 1;
      y[b * SEQ_LEN + t] = ids[at + 1];
    }
    return [tf.tensor3d(x, [BATCH, SEQ_LEN, vocabSize]), tf.tensor3d(y, [BATCH, SEQ_LEN, 1])] as const;
  };
  const [x0, y0] = batch(0);
  await model.trainOnBatch(x0, y0);
  const start = performance.now();
  for (let s = 1; s <= batches; s++) {
    const [xs, ys] = batch(s);
    await model.trainOnBatch(xs, ys);
    tf.dispose([xs, ys]);
  }
  const charsPerSec = (batches * BATCH * SEQ_LEN) / ((performance.now() - start) / 1000);
  model.dispose();
  return charsPerSec;
}
