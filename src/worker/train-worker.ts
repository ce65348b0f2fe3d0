/**
 * Training in a worker thread, so the editor's extension host never waits on a step. Speaks
 * only the protocol of src/protocol/training.ts: gathers the workspace text, trains, saves every
 * new best checkpoint to the requested path, and reports events (steps at most 4 per second).
 * On Linux the thread runs at nice 19, below the extension host's thread.
 */
import { parentPort } from 'node:worker_threads';
import * as path from 'node:path';
import { documentStarts, gatherCorpus, splitCorpus } from '../core/data/corpus';
import { describeEncodings, describeExclusions, describeSkips, listSkippedPaths } from '../core/data/left-out';
import { Vocab } from '../core/data/vocab';
import { createKernels } from '../core/nn/kernels/select';
import type { Kernels } from '../core/nn/kernels/kernels';
import { loadModel, saveModel, startedFromLabel } from '../core/io/model-file';
import type { CharModel } from '../core/model/char-model';
import { growVocab } from '../core/model/grow-vocab';
import { withDropout } from '../core/model/with-dropout';
import { chooseStart } from '../core/train/start-choice';
import { planFineTuning } from '../core/train/fine-tune-plan';
import { seqLenFor } from '../core/train/plan';
import { describeWriteError } from '../core/io/file-io';
import { refuseTooLittleText, runTraining, type RunSettings } from '../core/train/training-run';
import { planTraining } from '../core/train/plan';
import { budgetLeft } from '../core/train/budget';
import { SMALLEST_LIKELY_VOCAB, trainingHeapRefusal } from '../core/train/heap-need';
import type { ModelConfig } from '../core/model/config';
import { probeSpeed } from '../core/train/speed-probe';
import { applyPlan, shapeIsFixed } from '../core/train/planned-settings';
import type { FromWorker, ToWorker, TrainRequest } from '../protocol/training';
import { lowerThisThreadsPriority } from '../core/threads/thread-priority';

const port = parentPort;
if (!port) throw new Error('train-worker must run in a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
lowerThisThreadsPriority();
const runs = new Map<number, AbortController>();
/** The report lists this many skipped or excluded paths at most, and counts the rest. */
const SKIPPED_FILES_LISTED = 500;

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'train': {
      const controller = new AbortController();
      runs.set(message.id, controller);
      run(message.id, message.request, controller.signal)
        .catch((e: unknown) => post({ type: 'failed', id: message.id, message: (e as Error).message ?? String(e) }))
        .finally(() => runs.delete(message.id));
      break;
    }
    case 'cancel':
      runs.get(message.id)?.abort();
      break;
  }
});

async function run(id: number, request: TrainRequest, signal: AbortSignal): Promise<void> {
  const started = Date.now();
  // A shape the user fixed that the heap cannot hold is refused before the folder is read.
  if (!request.plan || shapeIsFixed(request.plan.fixed)) {
    const refusal = heapRefusalOf({ ...request.model, vocabSize: SMALLEST_LIKELY_VOCAB }, request.config, false);
    if (refusal) throw new Error(refusal);
  }
  let corpus;
  try {
    corpus = await gatherCorpus(request.folders, { exclude: request.exclude, signal });
  } catch (e) {
    if (signal.aborted) return post({ type: 'finished', id, reason: 'cancelled', bestLoss: null });
    throw e;
  }
  const { lines, more } = listSkippedPaths(corpus, request.folders, SKIPPED_FILES_LISTED);
  post({
    type: 'corpus', id, files: corpus.files.length, chars: corpus.text.length, skipped: describeSkips(corpus.skipped),
    skippedFiles: lines, skippedFilesMore: more, excluded: describeExclusions(corpus.excluded),
    encodings: describeEncodings(corpus.files),
  });
  let texts: { train: string; valid: string } | null = splitCorpus(corpus.text);
  refuseTooLittleText(texts, corpus.files.reduce((n, f) => n + f.chars, 0));
  // One heap for the run: a model to fine-tune is loaded into the heap it trains in.
  const kernels = createKernels();
  const start = request.startFrom ? await startingPoint(id, request, kernels, corpus.text, texts, signal) : null;
  if (signal.aborted) return post({ type: 'finished', id, reason: 'cancelled', bestLoss: null });
  const vocab = start?.vocab ?? Vocab.fromText(corpus.text);
  const files = corpus.files.length;
  let lastStep = 0;
  const training = runTraining({
    kernels, vocab, texts, documentStarts: documentStarts(corpus.files), signal, started,
    // The workspace n-gram first (seconds: it reads at most the text's last 8 M characters): the
    // baseline the LSTM's validation loss is measured against, and part of every checkpoint.
    mixture: true,
    onNgram: (ngram) => post({ type: 'ngram', id, ...ngram }),
    model: start?.model ?? request.model, config: request.config,
    // Sized to the workspace and this machine once the n-gram is built (request.plan).
    size: async (texts, validChars): Promise<RunSettings> => {
      let sized: Pick<TrainRequest, 'model' | 'config'> = start ? { model: shapeOf(start.model), config: request.config } : request;
      if (request.plan) {
        sized = start
          ? await sizeFineTuning(id, request, start.model, texts.train, validChars, started, signal)
          : await sizeToWorkspace(id, request, vocab, texts.train, validChars, started, signal);
      }
      const { model: shape, config } = sized;
      const refusal = heapRefusalOf(start ? { ...start.model.config, dropout: shape.dropout } : { ...shape, vocabSize: vocab.size },
        config);
      if (refusal) throw new Error(refusal);
      return { model: start ? withDropout(start.model, shape.dropout) : shape, config };
    },
    onEvent: (event) => {
      if (event.kind === 'step') {
        const now = Date.now();
        if (now - lastStep < 250) return;
        lastStep = now;
      }
      post({ type: 'event', id, event });
    },
    save: async (model, best, mixture) => {
      try {
        await saveModel(request.outPath, model, vocab, {
          validLoss: best.validLoss, charsSeen: best.charsSeen, steps: best.step,
          corpus: `${files} files of ${request.folders.map((f) => path.basename(f)).join(', ')}`,
          ...(start ? { startedFrom: start.label } : {}),
        }, { mixture });
      } catch (e) {
        // The atomic write left the last checkpoint (if any) whole; training on would only make
        // more checkpoints that cannot be kept.
        throw new Error(`could not save the model: ${describeWriteError(request.outPath, e)}`);
      }
      const { lstm, ngram, mixture: mixed } = mixture!.valid;
      post({ type: 'saved', id, path: request.outPath, validLoss: best.validLoss, mixture: { lstm, ngram, mixture: mixed } });
    },
  });
  // The run has taken the text: let the corpus go while it trains (a 50 MB workspace's text is 50 MB).
  corpus = texts = null;
  const result = await training;
  post({ type: 'finished', id, reason: result?.end.reason ?? 'cancelled', bestLoss: result?.end.bestLoss ?? null });
}

/**
 * The shape and settings planned for this workspace's size and this machine's speed (a second
 * of real training per shape considered) in what is left of the budget of a run that began at
 * `started` (ms), with the user's own settings kept; reported with why.
 */
async function sizeToWorkspace(id: number, request: TrainRequest, vocab: Vocab, train: string, validChars: number,
  started: number, signal: AbortSignal): Promise<Pick<TrainRequest, 'model' | 'config'>> {
  const fixed = request.plan?.fixed ?? [];
  const { config } = request;
  const spentSec = (Date.now() - started) / 1000;
  // The probe trains on the workspace's own text: its vocabulary sizes the dense layer's cost.
  const sample = train.slice(0, PROBE_SAMPLE_CHARS);
  const plan = await planTraining({
    // UTF-16 length: close enough to characters for sizing, and no copy of a 50 MB text.
    trainChars: train.length, validChars, minutes: budgetLeft(config.maxMinutes, started), vocabSize: vocab.size, batch: config.batch,
    shapes: shapeIsFixed(fixed) ? [request.model] : undefined,
    speed: (shape) => probeSpeed(shape, { threads: config.threads, signal, sample }),
  });
  const chosen = applyPlan(request.model, config, plan, fixed);
  const spent = config.maxMinutes > 0
    ? [`Reading the folder and building the n-gram took ${spentSec.toFixed(1)} s of the ${config.maxMinutes}-minute budget: `
      + 'the rest is planned for, less the speed probe.'] : [];
  const kept = fixed.length > 0 ? [`Kept from your settings: ${fixed.map((k) => `${k} ${String({ ...chosen.model, ...chosen.config }[k])}`).join(', ')}.`] : [];
  post({ type: 'plan', id, ...chosen, reasons: [...spent, ...plan.reasons, ...kept] });
  return chosen;
}

/**
 * The model in use, its vocabulary grown by the workspace's new characters, when measurement
 * says it is worth fine-tuning (start-choice.ts); null to train from scratch. Either way the
 * report says why. A model that does not load is reported and trained around, from scratch.
 */
async function startingPoint(id: number, request: TrainRequest, kernels: Kernels, text: string, texts: { train: string; valid: string },
  signal: AbortSignal): Promise<{ model: CharModel; vocab: Vocab; label: string } | null> {
  const { path: file, label } = request.startFrom!;
  let loaded;
  try {
    loaded = await loadModel(file, kernels);
  } catch (e) {
    post({ type: 'start', id, fineTuning: false, reason: `Training a new model from scratch: ${label} did not load (${(e as Error).message}).` });
    return null;
  }
  const asked = request.model, has = loaded.model.config;
  const fixedShape = (request.plan?.fixed ?? []).filter((key) => key === 'embedding' || key === 'hidden' || key === 'layers');
  if (fixedShape.some((key) => asked[key] !== has[key])) {
    // A shape the user set is theirs: a model of another shape cannot be fine-tuned into it.
    post({ type: 'start', id, fineTuning: false, reason: `Training a new model from scratch: your settings ask for `
      + `${fixedShape.map((key) => `${key} ${asked[key]}`).join(', ')}, and ${label} has ${fixedShape.map((key) => `${key} ${has[key]}`).join(', ')}.` });
    return null;
  }
  if (loaded.model.config.cell !== request.model.cell) {
    post({ type: 'start', id, fineTuning: false, reason: `Training a new model from scratch: ${label} is an ${loaded.model.config.cell.toUpperCase()}, `
      + `and charLstm.training.cell asks for an ${request.model.cell.toUpperCase()}.` });
    return null;
  }
  const grown = growVocab(loaded.model, loaded.vocab, text);
  const validIds = grown.vocab.encode(texts.valid.slice(0, request.config.maxValidChars));
  const choice = await chooseStart(grown.model, label, grown.vocab.encode(texts.train), validIds, signal);
  const added = grown.added.length > 0 ? ` The workspace's ${grown.added.length} characters new to it got rows of their own.` : '';
  post({ type: 'start', id, fineTuning: choice.fineTune, reason: choice.reason + (choice.fineTune ? added : '') });
  return choice.fineTune ? { model: grown.model, vocab: grown.vocab, label: startedFromLabel(label, loaded.info) } : null;
}

/**
 * Fine-tuning settings for this workspace and this machine's measured speed of the model's shape
 * (fine-tune-plan.ts), with the user's own settings kept; reported with why.
 */
async function sizeFineTuning(id: number, request: TrainRequest, model: CharModel, train: string, validChars: number,
  started: number, signal: AbortSignal): Promise<Pick<TrainRequest, 'model' | 'config'>> {
  const { config } = request;
  const shape = shapeOf(model);
  const speed = await probeSpeed({ model: shape, batch: config.batch, seqLen: seqLenFor(train.length, config.batch) },
    { threads: config.threads, signal, sample: train.slice(0, PROBE_SAMPLE_CHARS) });
  const plan = planFineTuning({ trainChars: train.length, validChars, minutes: budgetLeft(config.maxMinutes, started), speed,
    parameters: model.params.trainable, batch: config.batch, dropout: model.config.dropout });
  const fixed = new Set<string>(request.plan?.fixed ?? []);
  const chosen = {
    model: { ...shape, dropout: fixed.has('dropout') ? request.model.dropout : plan.dropout },
    config: { ...config, ...Object.fromEntries(Object.entries(plan.config).filter(([key]) => !fixed.has(key))) },
  };
  const kept = [...fixed].filter((key) => key in plan.config || key === 'dropout');
  const reasons = [...plan.reasons, ...(kept.length > 0 ? [`Kept from your settings: ${kept.join(', ')}.`] : [])];
  post({ type: 'plan', id, ...chosen, reasons });
  return chosen;
}

function shapeOf(model: CharModel): TrainRequest['model'] {
  const { vocabSize: _, ...shape } = model.config;
  return shape;
}

/** Why training this model at these settings would not fit the kernels' heap, in the settings' names; null if it fits. */
function heapRefusalOf(model: ModelConfig, config: TrainRequest['config'], vocabKnown = true): string | null {
  return trainingHeapRefusal(model, config, { shape: 'charLstm.training.hidden, .layers or .embedding',
    batch: 'charLstm.training.batch or .seqLen' }, vocabKnown);
}

/** Characters of the training text the speed probe trains on (repeated as it needs). */
const PROBE_SAMPLE_CHARS = 100_000;

