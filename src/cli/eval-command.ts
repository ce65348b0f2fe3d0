import { Option, type Command } from 'commander';
import { gatherCorpus } from '../core/data/corpus';
import { loadModel } from '../core/model/model-file';
import { createKernels, type Backend } from '../core/nn/kernels/select';
import { evaluate } from '../core/train/evaluate';
import { CliError } from './fail';
import { bitsPerChar, formatCount } from './progress';

interface EvalFlags {
  model: string;
  json?: boolean;
  backend: Backend;
}

/** Streams and window of evaluation; shorter texts get a smaller fit (see StreamBatches.fit). */
const EVAL_BATCH = 32;
const EVAL_SEQ_LEN = 100;

export function addEvalCommand(program: Command): void {
  program.command('eval')
    .description("measure a model's loss on the text of files and folders")
    .argument('<inputs...>', 'files and folders to evaluate on')
    .requiredOption('-m, --model <file>', 'model file (safetensors, or a Keras model.json)')
    .option('--json', 'print one JSON object instead of a sentence')
    .addOption(new Option('--backend <name>', 'numeric kernels').choices(['wasm', 'reference']).default('wasm'))
    .action((inputs: string[], flags: EvalFlags) => runEval(inputs, flags));
}

async function runEval(inputs: string[], flags: EvalFlags): Promise<void> {
  const kernels = createKernels(flags.backend, (why) => process.stderr.write(`char-lstm: warning: ${why}\n`));
  const { model, vocab } = await loadModel(flags.model, kernels);
  const corpus = await gatherCorpus(inputs);
  const ids = vocab.encode(corpus.text);
  let unknown = 0;
  for (const id of ids) if (id === vocab.unknownId) unknown++;
  const { loss, chars } = await evaluate(model, ids, EVAL_BATCH, EVAL_SEQ_LEN);
  if (!Number.isFinite(loss)) {
    throw new CliError(chars === 0 ? `too little text to evaluate (${ids.length} chars; at least 2 are needed)`
      : `the loss is not finite (${loss}): the model file may hold broken weights`);
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ nats_per_char: loss, bits_per_char: bitsPerChar(loss), chars,
      files: corpus.files.length, unknown_chars: unknown })}\n`);
    return;
  }
  // Unknown characters all share one id the model never learned to predict: they inflate the loss.
  const note = unknown > 0 ? `; ${formatCount(unknown)} chars are not in the model's vocabulary` : '';
  process.stdout.write(`loss ${loss.toFixed(3)} nats/char (${bitsPerChar(loss).toFixed(3)} bits/char) `
    + `over ${formatCount(chars)} chars${note}\n`);
}
