import * as path from 'path';
import { Option, type Command } from 'commander';
import { type Corpus, documentStarts, gatherCorpus, splitCorpus } from '../core/data/corpus';
import { describeEncodings, describeExclusions, describeSkips } from '../core/data/left-out';
import { PRINTABLE_ASCII, Vocab } from '../core/data/vocab';
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from '../core/model/config';
import { loadModel, saveModel, startedFromLabel, type TrainingInfo } from '../core/io/model-file';
import { withDropout } from '../core/model/with-dropout';
import { growVocab } from '../core/model/grow-vocab';
import { CONFIG_LIMITS } from '../core/model/validate-config';
import { createKernels, type Backend } from '../core/nn/kernels/select';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../core/train/config';
import type { StartEvent } from '../core/train/events';
import type { TrainOptions } from '../core/train/trainer';
import { refuseTooLittleText, runTraining } from '../core/train/training-run';
import { encodeRunCheckpoint, readRunCheckpoint, runCheckpointPath, type RunCheckpoint } from '../core/train/run-checkpoint';
import { describeWriteError, writeFileAtomic } from '../core/io/file-io';
import { checkOutputPath, isSameFile } from '../core/io/output-path';
import { loadExistingModel, measureExistingModel } from '../core/train/existing-model';
import { CliError } from './fail';
import { claimInterrupts, exitCodeFor, type InterruptSignal } from './interrupt';
import { floatArg, intArg } from './parse-number';
import { refuseOverHeap } from './heap-check';
import { stdoutUntilClosed } from './stdout-closed';
import { formatCount, formatSummary, plural, TrainReporter } from './progress';

type ShapeFlags = Omit<ModelConfig, 'vocabSize'>;
type TrainFlags = ShapeFlags & Omit<TrainConfig, 'maxValidChars' | 'schedule'> & {
  lrSchedule: TrainConfig['schedule'];
  out: string; resume?: string; initFrom?: string; valid?: string[]; minCharCount: number; backend: Backend; half?: boolean; json?: boolean; mixture: boolean;
  force?: boolean;
};

/** Share of the text, taken from its end, held out for validation. */
const VALID_FRACTION = 0.1;
const M = DEFAULT_MODEL_CONFIG, T = DEFAULT_TRAIN_CONFIG;

export function addTrainCommand(program: Command): void {
  program.command('train')
    .description('train a model on the text of files and folders, saving the best checkpoint')
    .argument('<inputs...>', 'files and folders to learn from (.gitignore is respected)')
    .requiredOption('-o, --out <file>', 'where the best model is saved (safetensors)')
    .option('--resume <file>', 'continue training this model (keeps its shape and vocabulary)')
    .option('--init-from <file>', 'fine-tune: start from this model\'s weights and shape, with a fresh optimiser; '
      + 'characters of the text it lacks get rows of their own')
    .option('--valid <inputs...>', 'held-out files and folders to validate on, instead of the last 10% of the text')
    .option('--min-char-count <n>', 'a new vocabulary keeps characters seen at least this often (and always tab, '
      + 'newline and printable ASCII); rarer ones are read as unknown', intArg(1), 1)
    .addOption(new Option('--backend <name>', 'numeric kernels').choices(['wasm', 'reference']).default('wasm'))
    .option('--half', 'save float16 weights (half the file size)')
    .option('--json', 'print training events as JSON lines on stdout instead of the progress bar')
    .option('--no-mixture', 'save the LSTM alone, without the n-gram and weights completions mix it with')
    .option('--force', 'replace --out even if the model there is better on this run\'s validation text, or the file there '
      + 'is not a model (by default a model at --out is replaced only by a checkpoint with a lower validation loss '
      + 'than its own on this text, and any other file is refused)')
    .optionsGroup('Model shape:')
    .option('--embedding <n>', 'embedding width', intArg(1, CONFIG_LIMITS.embedding), M.embedding)
    .option('--hidden <n>', 'units per recurrent layer', intArg(1, CONFIG_LIMITS.hidden), M.hidden)
    .option('--layers <n>', 'stacked recurrent layers', intArg(1, CONFIG_LIMITS.layers), M.layers)
    .option('--dropout <p>', 'dropout between layers, in [0, 1)', floatArg({ min: 0, max: 1, maxExclusive: true }), M.dropout)
    .addOption(new Option('--cell <kind>', 'recurrent cell').choices(['lstm', 'rnn']).default(M.cell))
    .optionsGroup('Training:')
    .option('--batch <n>', 'parallel streams per step', intArg(1, 4096), T.batch)
    .option('--seq-len <n>', 'characters per stream per step (BPTT window)', intArg(1, 100_000), T.seqLen)
    .option('--lr <rate>', 'Adam learning rate', floatArg({ min: 0, minExclusive: true }), T.lr)
    .option('--epochs <n>', 'passes over the training text', intArg(1), T.epochs)
    .option('--max-minutes <m>', 'wall-clock budget in minutes, 0 for none', floatArg({ min: 0 }), T.maxMinutes)
    .option('--seed <n>', 'seed for initialisation, dropout and samples', intArg(0), T.seed)
    .option('--clip <norm>', 'global gradient-norm clip, 0 for none', floatArg({ min: 0 }), T.clip)
    .option('--threads <n>', 'threads sharing each batch, 0 for one per core', intArg(0, 64), T.threads)
    .option('--validate-every <steps>', 'validate every this many steps, 0 for once per epoch', intArg(0), T.validateEvery)
    .option('--patience <n>', 'stop after this many validations without a new best, 0 for never', intArg(0), T.patience)
    .option('--max-steps <n>', 'stop after this many steps, 0 for the epochs to decide', intArg(0), T.maxSteps)
    .addOption(new Option('--lr-schedule <kind>', 'plateau: --lr-decay after a validation without a new best; '
      + 'cosine: half a cosine down to lr/20 over the run\'s steps').choices(['plateau', 'cosine']).default(T.schedule))
    .option('--lr-decay <factor>', 'multiply the learning rate by this after a validation without a new best',
      floatArg({ min: 0, max: 1, minExclusive: true }), T.lrDecay)
    .action((inputs: string[], flags: TrainFlags, cmd: Command) => runTrain(inputs, flags, cmd));
}

async function runTrain(inputs: string[], flags: TrainFlags, cmd: Command): Promise<void> {
  const commandStarted = Date.now();
  const out = flags.out;
  if (flags.resume === undefined && flags.initFrom === undefined) refuseOverHeap(shapeOf(flags), undefined, flags, flags.backend);
  const checkpointOut = runCheckpointPath(out);
  const checkOut = async (read: string[]) => {
    const state = await checkOutputPath(out, `--out ${out}`, read);
    await checkOutputPath(checkpointOut, `the run checkpoint ${checkpointOut} (beside --out ${out})`, read);
    return state;
  };
  // Everything but a clash with the inputs, before they are read.
  await checkOut([]);
  // A reader of the JSON events that goes away (`| head -1`) does not stop the training.
  const json = flags.json ? stdoutUntilClosed(() => reporter.line('warning: stdout closed: no more JSON events; '
    + `training goes on and saves to ${out} as usual (Ctrl-C stops it, keeping the best)`)) : undefined;
  const reporter = new TrainReporter({ stderr: process.stderr, json });
  const controller = new AbortController();
  // SIGTERM is a Ctrl-C: stop, keep the best, say so. A second one means "now": a slow save or
  // validation is not waited for (its temp file is removed on exit; the target stays whole).
  let stoppedBy: InterruptSignal | null = null;
  const releaseInterrupts = claimInterrupts((signal) => {
    if (controller.signal.aborted) { reporter.stop(); process.exit(exitCodeFor(signal)); }
    stoppedBy = signal;
    controller.abort();
  });
  const kept: KeptModel = { out, savedLoss: null, runBest: null, toBeat: null };
  try {
    const kernels = createKernels(flags.backend, (why) => reporter.line(`warning: ${why}`));
    let corpus: Corpus | null = await gatherCorpus(inputs, { signal: controller.signal });
    const heldOut = flags.valid ? await gatherCorpus(flags.valid, { signal: controller.signal }) : null;
    // --resume may name --out itself: that is the run going on, not an input to protect; another
    // model's run checkpoint, which it reads, is one.
    const resumesOut = flags.resume !== undefined && await isSameFile(flags.resume, out);
    const outState = await checkOut([...corpus.files, ...(heldOut?.files ?? [])].map((f) => f.path)
      .concat(flags.initFrom ?? [], flags.resume !== undefined && !resumesOut ? [runCheckpointPath(flags.resume)] : []));
    // A model at --out is replaced only by a better one; any other file is refused, unless --force.
    let existing = outState === 'file' && !flags.force ? await loadExistingModel(out, flags.backend) : null;
    if (existing && 'notAModel' in existing) {
      throw new CliError(`--out ${out} exists and is not a model (${existing.notAModel}); it may be someone's data: `
        + 'name another file, or pass --force to replace it');
    }
    const chars = corpus.files.reduce((n, f) => n + f.chars, 0);
    reporter.line([`read ${plural(corpus.files.length, 'file')}, ${formatCount(chars)} chars`, describeSkips(corpus.skipped),
      describeExclusions(corpus.excluded), describeEncodings(corpus.files)].filter((part) => part !== '').join('; '));
    let texts: { train: string; valid: string } | null = heldOut
      ? { train: corpus.text, valid: heldOut.text } : splitCorpus(corpus.text, VALID_FRACTION);
    refuseTooLittleText(texts, chars);

    let model: TrainOptions['model'] = shapeOf(flags);
    let vocab: Vocab;
    let before: TrainingInfo = {};
    let config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, batch: flags.batch, seqLen: flags.seqLen, lr: flags.lr,
      epochs: flags.epochs, maxMinutes: flags.maxMinutes, seed: flags.seed, clip: flags.clip, threads: flags.threads,
      validateEvery: flags.validateEvery, patience: flags.patience, lrDecay: flags.lrDecay, maxSteps: flags.maxSteps,
      schedule: flags.lrSchedule };
    let resumeFrom: RunCheckpoint | undefined;
    let startedFrom: string | undefined;
    if (flags.resume !== undefined && flags.initFrom !== undefined) {
      throw new CliError('--resume and --init-from cannot be used together: --resume continues a run, --init-from starts one from a model');
    }
    if (flags.resume !== undefined) {
      const loaded = await loadModel(flags.resume, kernels);
      ({ model, vocab, info: before } = loaded);
      warnIgnoredShape(cmd, flags, loaded.model.config, reporter);
      resumeFrom = await readRunCheckpoint(runCheckpointPath(flags.resume));
      if (resumeFrom) {
        // The run goes on with the settings it started with; only the time budget is this command's.
        config = { ...config, ...(resumeFrom.settings as Partial<TrainConfig>), maxMinutes: flags.maxMinutes };
        before = {};
        reporter.line(`resuming exactly at step ${resumeFrom.step} from ${runCheckpointPath(flags.resume)} `
          + '(weights, Adam\'s moments, schedule, random state and data position; its settings, not this command\'s)');
      } else {
        reporter.line(`resuming from ${flags.resume} without a run checkpoint beside it: Adam's moments and the `
          + `schedule start afresh; ${countUnknown(corpus.text, vocab)} distinct characters of the text are not in its `
          + 'vocabulary and are read as unknown');
      }
    } else if (flags.initFrom !== undefined) {
      const loaded = await loadModel(flags.initFrom, kernels);
      warnIgnoredShape(cmd, flags, loaded.model.config, reporter, '--init-from');
      const grown = growVocab(withDropout(loaded.model, cmd.getOptionValueSource('dropout') === 'cli' ? flags.dropout : undefined),
        loaded.vocab, heldOut ? corpus.text + heldOut.text : corpus.text);
      ({ model, vocab } = grown);
      startedFrom = startedFromLabel(path.basename(flags.initFrom), loaded.info);
      reporter.line(`fine-tuning ${startedFrom}: ${grown.added.length === 0 ? 'it knows every character of the text'
        : `${plural(grown.added.length, 'character')} of the text new to it (${formatChars(grown.added)}) get rows of their own`}`);
    } else {
      // From the whole text, so a validation tail has no unknown characters; held-out files
      // (--valid) may have characters the training text never shows, and those are unknown.
      vocab = Vocab.fromText(corpus.text, flags.minCharCount > 1 ? { minCount: flags.minCharCount, always: PRINTABLE_ASCII } : {});
    }

    if (existing) {
      const loss = await measureExistingModel(existing, texts, config, controller.signal);
      existing = null;
      if (Number.isFinite(loss)) {
        kept.toBeat = loss;
        reporter.line(`--out ${out} holds a model with validation loss ${loss.toFixed(3)} nats/char on this `
          + 'text: only a better checkpoint replaces it (--force replaces it anyway)');
      }
    }
    // The run checkpoint beside --out is this run's once --out holds this run's model (or the
    // model it resumes): never overwrite the one of a better model that is kept.
    const ownsOut = (): boolean => kept.toBeat === null || resumesOut || kept.savedLoss !== null;

    let start: StartEvent | undefined;
    const describedCorpus = `${describeInputs(inputs)} (${plural(corpus.files.length, 'file')}, `
      + `${formatCount(chars)} chars; ${heldOut ? `validated on ${describeInputs(flags.valid!)}` : `first ${100 - VALID_FRACTION * 100}% trained`})`;

    refuseOverHeap(model, vocab.size, config, flags.backend);
    const training = runTraining({
      kernels, vocab, texts, documentStarts: documentStarts(corpus.files), mixture: flags.mixture, model, config, resumeFrom,
      // The budget is the command's: reading the text and building the n-gram come out of it.
      started: commandStarted, signal: controller.signal,
      onNgram: (ngram) => reporter.line(`n-gram: order ${ngram.order}, validation loss ${ngram.validLoss.toFixed(3)} nats/char `
        + `(${(ngram.ms / 1000).toFixed(1)} s); saved with the model for completions to mix in`),
      onCheckpoint: async (run) => {
        if (!ownsOut()) return;
        const { maxMinutes: _, ...settings } = config;
        await saving(checkpointOut, () => writeFileAtomic(checkpointOut, encodeRunCheckpoint({ ...run, settings })));
      },
      onEvent: (event) => {
        if (event.kind === 'start') start = event;
        reporter.onEvent(event);
      },
      keep: (checkpoint) => {
        kept.runBest = checkpoint.validLoss;
        return kept.toBeat === null || checkpoint.validLoss < kept.toBeat;
      },
      save: async (best, checkpoint, mixture) => {
        const { maxValidChars: _, ...settings } = config;
        const info: TrainingInfo = {
          validLoss: checkpoint.validLoss,
          charsSeen: (before.charsSeen ?? 0) + checkpoint.charsSeen,
          steps: (before.steps ?? 0) + checkpoint.step,
          corpus: describedCorpus,
          ...(startedFrom ?? before.startedFrom ? { startedFrom: startedFrom ?? before.startedFrom } : {}),
          train: { ...settings, batch: start?.batch ?? config.batch, seqLen: start?.seqLen ?? config.seqLen },
        };
        await saving(out, () => saveModel(out, best, vocab, info, { dtype: flags.half ? 'F16' : 'F32', mixture }));
        kept.savedLoss = checkpoint.validLoss;
      },
    });
    // train has encoded the text: let the corpus go while it runs.
    corpus = texts = null;
    const result = await training;
    reporter.stop();

    const end = result?.end;
    if (!end || end.reason === 'cancelled') return cancelled(reporter, kept, stoppedBy ?? 'SIGINT');
    if (kept.savedLoss === null && kept.runBest === null) {
      throw new CliError(`${end.reason === 'time-limit' ? 'time limit reached' : 'training ended'} `
        + 'before the first validation: nothing saved');
    }
    reporter.line(formatSummary(end, kept.savedLoss === null ? describeKept(kept)
      : `saved to ${out}${flags.half ? ' (float16)' : ''}${kept.toBeat === null ? ''
        : `, replacing a model at ${kept.toBeat.toFixed(3)} nats/char on this text`}`));
  } catch (e) {
    reporter.stop();
    if (controller.signal.aborted) return cancelled(reporter, kept, stoppedBy ?? 'SIGINT');
    throw e;
  } finally {
    releaseInterrupts();
  }
}

/** What --out holds as the run goes: the loss of the model there before it, this run's best, and what was saved. */
interface KeptModel {
  out: string;
  /** The model already at --out, on this run's validation text; null when there was none (or --force). */
  toBeat: number | null;
  runBest: number | null;
  savedLoss: number | null;
}

function describeKept({ out, toBeat, runBest }: KeptModel): string {
  return `kept the model already in ${out}: its valid loss on this text, ${toBeat!.toFixed(3)}, is lower than this run's `
    + `best, ${runBest!.toFixed(3)} (--force replaces it)`;
}

function cancelled(reporter: TrainReporter, kept: KeptModel, signal: InterruptSignal): void {
  const what = signal === 'SIGTERM' ? 'terminated (SIGTERM)' : 'cancelled';
  reporter.line(kept.savedLoss !== null ? `${what}: best model (valid loss ${kept.savedLoss.toFixed(3)}) is in ${kept.out}`
    : kept.runBest !== null ? `${what}: ${describeKept(kept)}`
      : `${what} before the first validation: nothing saved`);
  process.exitCode = exitCodeFor(signal);
}

/** Runs a write of `file`, turning an operating-system failure into one line naming `file`, not a temp file. */
async function saving(file: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (e) {
    if (typeof (e as NodeJS.ErrnoException).code === 'string') throw new CliError(`cannot save ${describeWriteError(file, e)}`);
    throw e;
  }
}

function shapeOf(flags: TrainFlags): ShapeFlags {
  return { cell: flags.cell, embedding: flags.embedding, hidden: flags.hidden, layers: flags.layers, dropout: flags.dropout };
}

/** A resumed or fine-tuned model keeps its shape: say so when the command line asked for another one. */
function warnIgnoredShape(cmd: Command, flags: TrainFlags, config: ModelConfig, reporter: TrainReporter, flag = '--resume'): void {
  const asked = shapeOf(flags);
  // A fine-tuned model may train with another dropout; a resumed run keeps everything.
  const differing = (Object.keys(asked) as (keyof ShapeFlags)[])
    .filter((key) => cmd.getOptionValueSource(key) === 'cli' && asked[key] !== config[key] && !(flag === '--init-from' && key === 'dropout'));
  if (differing.length === 0) return;
  reporter.line(`warning: ${differing.map((k) => `--${k} ${asked[k]}`).join(', ')} ignored: ${flag} keeps the `
    + `model's shape (${differing.map((k) => `${k} ${config[k]}`).join(', ')})`);
}

/** A few characters, shown so that a tab or newline is visible. */
function formatChars(chars: string[]): string {
  const shown = chars.slice(0, 12).map((c) => JSON.stringify(c).slice(1, -1)).join(' ');
  return chars.length > 12 ? `${shown} …` : shown;
}

/** Distinct code points of `text` outside `vocab`. */
function countUnknown(text: string, vocab: Vocab): number {
  let n = 0;
  for (const ch of new Set(text)) if (vocab.id(ch) === vocab.unknownId) n++;
  return n;
}

/** Input names for the model file: base names only, so no home-folder paths end up in a shared model. */
function describeInputs(inputs: string[]): string {
  const names = inputs.map((i) => path.basename(path.resolve(i)));
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
