import type { Command } from 'commander';
import { documentStarts, gatherCorpus, splitCorpus } from '../core/data/corpus';
import { describeWriteError } from '../core/io/file-io';
import { loadModel, saveModel } from '../core/io/model-file';
import { checkOutputPath } from '../core/io/output-path';
import { loadExistingModel } from '../core/train/existing-model';
import { createKernels } from '../core/nn/kernels/select';
import { DEFAULT_TRAIN_CONFIG } from '../core/train/config';
import { mixtureForModel } from '../core/train/workspace-mixture-fit';
import { CliError } from './fail';
import { intArg } from './parse-number';
import { formatCount, plural } from './progress';

interface MixFlags {
  model: string;
  out: string;
  maxOrder: number;
  maxNgrams?: number;
  valid?: string[];
  half?: boolean;
  force?: boolean;
}

/** Share of the text, from its end, the weights are fitted on (as training holds it out). */
const VALID_FRACTION = 0.1;

export function addMixCommand(program: Command): void {
  program.command('mix')
    .description('add to a model the n-gram of a text and the weights that mix them in completions (as training does)')
    .argument('<inputs...>', 'files and folders whose text the n-gram learns (the model\'s own training text, or a workspace)')
    .requiredOption('-m, --model <file>', 'the model (any that loads: char-lstm, PyTorch, Keras)')
    .requiredOption('-o, --out <file>', 'where the model with its mixture is saved (safetensors)')
    .option('--max-order <n>', 'longest n-gram (the order is chosen on the last 10% of the text)', intArg(2, 10), 10)
    .option('--max-ngrams <n>', 'keep at most this many n-grams (those of the text\'s end): 16 bytes each in the model file',
      intArg(1000))
    .option('--valid <inputs...>', 'fit the weights on these files and folders instead of the last 10% of the text')
    .option('--half', 'save float16 weights (half the file size)')
    .option('--force', 'replace --out even if the file there is not a model (a model there is replaced: mix makes one '
      + 'from --model, whose file is never written)')
    .action((inputs: string[], flags: MixFlags) => runMix(inputs, flags));
}

async function runMix(inputs: string[], flags: MixFlags): Promise<void> {
  const out = `--out ${flags.out}`;
  await checkOutputPath(flags.out, out, [flags.model]);
  const { model, vocab, info } = await loadModel(flags.model, createKernels());
  const corpus = await gatherCorpus(inputs);
  const heldOut = flags.valid ? await gatherCorpus(flags.valid) : null;
  const read = [flags.model, ...corpus.files.map((f) => f.path), ...(heldOut?.files.map((f) => f.path) ?? [])];
  if (await checkOutputPath(flags.out, out, read) === 'file' && !flags.force) {
    const existing = await loadExistingModel(flags.out, 'wasm');
    if ('notAModel' in existing) {
      throw new CliError(`${out} exists and is not a model (${existing.notAModel}); it may be someone's data: name another file, `
        + 'or pass --force to replace it');
    }
  }
  const texts = heldOut ? { train: corpus.text, valid: heldOut.text } : splitCorpus(corpus.text, VALID_FRACTION);
  const files = heldOut ? [...corpus.files, ...heldOut.files] : corpus.files;
  if ([...texts.valid.slice(0, 4)].length < 2) throw new CliError('the text is too short to fit a mixture on');
  const started = Date.now();
  const maxValid = DEFAULT_TRAIN_CONFIG.maxValidChars;
  const mixture = await mixtureForModel(model, vocab, texts, documentStarts(files), maxValid,
    { maxOrder: flags.maxOrder, ...(flags.maxNgrams ? { maxNodes: flags.maxNgrams } : {}) });
  try {
    await saveModel(flags.out, model, vocab, info, { dtype: flags.half ? 'F16' : 'F32', mixture });
  } catch (e) {
    if (typeof (e as NodeJS.ErrnoException).code === 'string') throw new CliError(`cannot save ${describeWriteError(flags.out, e)}`);
    throw e;
  }
  const v = mixture.valid;
  process.stdout.write(`read ${plural(corpus.files.length, 'file')}, ${formatCount(corpus.text.length)} chars; `
    + `n-gram order ${mixture.order} (${formatCount(mixture.ngram.counts.nodes)} n-grams); validation loss on the last `
    + `${formatCount(v.chars)} chars: ${v.mixture.toFixed(3)} nats/char mixed, LSTM ${v.lstm.toFixed(3)}, n-gram `
    + `${v.ngram.toFixed(3)} (${((Date.now() - started) / 1000).toFixed(1)} s); saved to ${flags.out}\n`);
}
