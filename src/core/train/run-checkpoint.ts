/**
 * Everything a training run needs to go on exactly where it stopped: the current weights,
 * Adam's moments and step count, the schedule's state, every thread's random generator and
 * carried recurrent state, the best weights so far, and the step (which fixes the epoch and
 * the data position). Saved as safetensors beside the model; a fingerprint of the text and
 * the settings refuses a resume on anything else.
 */
import { promises as fs } from 'fs';
import { readModelBytes } from '../io/file-io';
import { decodeSafetensors, encodeSafetensors, ModelFileError, type Tensor } from '../io/safetensors';

export interface RunCheckpoint {
  /** Steps taken; the next is step `step` (epoch `floor(step / stepsPerEpoch) + 1`). */
  step: number;
  /** Learning rate now (the plateau schedule lowers it), validations since the best, last validated step. */
  lr: number;
  sinceBest: number;
  validatedAt: number;
  best: { validLoss: number; epoch: number; step: number; charsSeen: number } | null;
  /** Adam's step count t. */
  adamT: number;
  /** mulberry32 words of the lead thread, then of each peer. */
  rngStates: number[];
  /** Hash of the training and validation ids and of every setting the arithmetic depends on. */
  fingerprint: string;
  /** `[params]` each: current weights, Adam's m and v, and the best weights (absent before a validation). */
  values: Float32Array;
  m: Float32Array;
  v: Float32Array;
  bestValues: Float32Array | null;
  /** Each thread's carried state, lead first: `[streams, stateSize]`. */
  states: Float32Array[];
  /** The caller's own record of how the run was started (the command line's settings); not read by the trainer. */
  settings?: Record<string, unknown>;
}

/** Where the run checkpoint of a model file lives: beside it, `model.run.safetensors`. */
export function runCheckpointPath(modelPath: string): string {
  return `${modelPath.replace(/\.safetensors$/i, '')}.run.safetensors`;
}

const KIND = 'char-lstm run checkpoint';

export function encodeRunCheckpoint(cp: RunCheckpoint): Uint8Array {
  const flat = (data: Float32Array): Tensor => ({ shape: [data.length], data });
  const tensors: Record<string, Tensor> = { values: flat(cp.values), 'adam.m': flat(cp.m), 'adam.v': flat(cp.v) };
  if (cp.bestValues) tensors.best = flat(cp.bestValues);
  cp.states.forEach((s, i) => { tensors[`state.${i}`] = flat(s); });
  const { values: _v, m: _m, v: _vv, bestValues: _b, states, ...scalars } = cp;
  return encodeSafetensors(tensors, { kind: KIND, run: JSON.stringify({ ...scalars, threads: states.length }) });
}

/** Throws ModelFileError with a one-line reason on anything that is not a whole run checkpoint. */
export function decodeRunCheckpoint(bytes: Uint8Array): RunCheckpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.kind !== KIND) throw new ModelFileError('not a run checkpoint (no "char-lstm run checkpoint" metadata)');
  let run: Omit<RunCheckpoint, 'values' | 'm' | 'v' | 'bestValues' | 'states'> & { threads: number };
  try {
    run = JSON.parse(metadata.run);
  } catch {
    throw new ModelFileError('run checkpoint: its "run" metadata is not JSON');
  }
  const need = (name: string): Float32Array => {
    const t = tensors[name];
    if (!t) throw new ModelFileError(`run checkpoint: tensor ${name} is missing`);
    return t.data;
  };
  if (!Number.isInteger(run.step) || !Number.isInteger(run.threads) || !Array.isArray(run.rngStates)
    || run.rngStates.length !== run.threads || typeof run.fingerprint !== 'string') {
    throw new ModelFileError('run checkpoint: its "run" metadata is incomplete');
  }
  const { threads, ...scalars } = run;
  const values = need('values');
  const sized = (name: string): Float32Array => {
    const data = need(name);
    if (data.length !== values.length) throw new ModelFileError(`run checkpoint: ${name} has ${data.length} values, the weights ${values.length}`);
    return data;
  };
  return { ...scalars, values, m: sized('adam.m'), v: sized('adam.v'), bestValues: tensors.best ? sized('best') : null,
    states: Array.from({ length: threads }, (_, i) => need(`state.${i}`)) };
}

/** FNV-1a over the ids and a description of the settings: cheap (about 0.1 s per 30 M ids). */
export function runFingerprint(trainIds: ArrayLike<number>, validIds: ArrayLike<number>, settings: string): string {
  let h = 0x811c9dc5;
  const mix = (x: number): void => { h = Math.imul(h ^ x, 0x01000193); };
  for (let i = 0; i < trainIds.length; i++) mix(trainIds[i]);
  mix(-1);
  for (let i = 0; i < validIds.length; i++) mix(validIds[i]);
  for (let i = 0; i < settings.length; i++) mix(settings.charCodeAt(i));
  return `${trainIds.length}:${validIds.length}:${(h >>> 0).toString(16)}`;
}

/** The run checkpoint at `path`, or undefined where there is none; a damaged one is a ModelFileError naming it. */
export async function readRunCheckpoint(path: string): Promise<RunCheckpoint | undefined> {
  if (!(await fs.stat(path).then((st) => st.isFile(), () => false))) return undefined;
  try {
    return decodeRunCheckpoint(await readModelBytes(path));
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(`${path}: ${e.message}`);
    throw e;
  }
}
