import type { Command } from 'commander';
import { documentStarts, gatherCorpus, splitCorpus } from '../core/data/corpus';
import { loadModel, saveModel } from '../core/model/model-file';
import { createKernels } from '../core/nn/kernels/select';
import { DEFAULT_TRAIN_CONFIG } from '../core/train/config';
import { mixtureForModel } from '../core/mix/workspace-mixture-fit';
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
    .action((inputs: string[], flags: MixFlags) => runMix(inputs, flags));
}

async function runMix(inputs: string[], flags: MixFlags): Promise<void> {
  const { model, vocab, info } = await loadModel(flags.model, createKernels());
  const corpus = await gatherCorpus(inputs);
  const heldOut = flags.valid ? await gatherCorpus(flags.valid) : null;
  const texts = heldOut ? { train: corpus.text, valid: heldOut.text } : splitCorpus(corpus.text, VALID_FRACTION);
  const files = heldOut ? [...corpus.files, ...heldOut.files] : corpus.files;
  if ([...texts.valid.slice(0, 4)].length < 2) throw new CliError('the text is too short to fit a mixture on');
  const started = Date.now();
  const maxValid = DEFAULT_TRAIN_CONFIG.maxValidChars;
  const mixture = await mixtureForModel(model, vocab, texts, documentStarts(files), maxValid,
    { maxOrder: flags.maxOrder, ...(flags.maxNgrams ? { maxNodes: flags.maxNgrams } : {}) });
  await saveModel(flags.out, model, vocab, info, { dtype: flags.half ? 'F16' : 'F32', mixture });
  const v = mixture.valid;
  process.stdout.write(`read ${plural(corpus.files.length, 'file')}, ${formatCount(corpus.text.length)} chars; `
    + `n-gram order ${mixture.order} (${formatCount(mixture.ngram.counts.nodes)} n-grams); validation loss on the last `
    + `${formatCount(v.chars)} chars: ${v.mixture.toFixed(3)} nats/char mixed, LSTM ${v.lstm.toFixed(3)}, n-gram `
    + `${v.ngram.toFixed(3)} (${((Date.now() - started) / 1000).toFixed(1)} s); saved to ${flags.out}\n`);
}
