/**
 * A learner thread: a copy of the editor's model that learns stretches of typed text
 * (TypedTextLearner) and sends back the adapted weights, so the gradient steps (55 ms for the
 * default model) and the repack for inference (27 ms) never hold up the editor's thread.
 */
import { parentPort } from 'node:worker_threads';
import { CharModel } from '../model/char-model';
import { createKernels } from '../nn/kernels/select';
import { lowerThisThreadsPriority } from '../threads/thread-priority';
import { TypedTextLearner } from './typed-text-learner';
import type { FromLearner, ToLearner } from './learner-protocol';

const port = parentPort;
if (!port) throw new Error('a learner must run in a worker thread');
const post = (message: FromLearner, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

lowerThisThreadsPriority();
let learner: TypedTextLearner | null = null;
let broken: string | null = null;

port.on('message', (message: ToLearner) => {
  if (message.kind === 'init') {
    try {
      const model = new CharModel(createKernels(), message.config);
      if (message.weights.length !== model.params.count) throw new Error(`${message.weights.length} weights for a model of ${model.params.count}`);
      model.k.heap.set(message.weights, model.params.values);
      learner = new TypedTextLearner(model, message.settings, true); // this model exists to be adapted
    } catch (e) {
      broken = (e as Error).message;
      post({ kind: 'failed', id: null, message: broken });
    }
    return;
  }
  if (!learner) {
    post({ kind: 'failed', id: message.id, message: broken ?? 'the learner was given no model' });
    return;
  }
  try {
    const result = learner.learn({ ids: message.ids, state: message.state });
    post({ kind: 'learned', id: message.id, result }, [result.snapshot.buffer as ArrayBuffer, result.state.buffer as ArrayBuffer]);
  } catch (e) {
    post({ kind: 'failed', id: message.id, message: (e as Error).message });
  }
});
