import { Option, type Command } from 'commander';
import { documentStarts, gatherCorpus } from '../core/data/corpus';
import { METRICS_DEFAULTS } from '../core/eval/completion-metrics';
import { loadModel } from '../core/io/model-file';
import { createKernels, type Backend } from '../core/nn/kernels/select';
import { describeMetrics, lstmMetrics, metricsJson, ngramBaseline, ngramJson, type NgramBaseline } from './eval-measures';
import { asCompletedJson, describeAsCompleted, evaluateLstm, measureAsCompleted, NO_SAVED_MIXTURE, type AsCompleted } from './eval-as-completed';
import { adaptingJson, describeAdapting, measureAsCompletedAdapting } from './eval-adapting';
import { describeAlone, mixtureJson, mixtureMeasures, type MixtureMeasure } from './eval-mixture';
import { CliError } from './fail';
import { intArg } from './parse-number';
import { bitsPerChar, formatCount, plural } from './progress';

interface EvalFlags {
  model: string;
  json?: boolean;
  backend: Backend;
  metricsChars: number;
  ngramTrain: string[];
  ngramMaxOrder: number;
  ngramOrder?: number;
  adapting?: boolean;
}

export function addEvalCommand(program: Command): void {
  program.command('eval')
    .description("measure a model's loss and completions on the text of files and folders: the LSTM alone, and as completions "
      + "use it (with its saved n-gram and mixture weights and a document cache); beside a Kneser-Ney n-gram's")
    .argument('<inputs...>', 'files and folders to evaluate on')
    .requiredOption('-m, --model <file>', 'model file (safetensors, or a Keras model.json)')
    .option('--json', 'print one JSON object instead of sentences')
    .option('--metrics-chars <n>', 'characters on which top-1, word match and chars saved are measured (evenly spaced '
      + 'slices of 1,000; 0: none)', intArg(0), METRICS_DEFAULTS.maxChars)
    .option('--adapting', 'also measure the model as completions use it while it adapts to typing (the editor\'s default, '
      + 'charLstm.completion.adaptToTyping): the files read in order as if typed, one gradient step per 50 chars; slower')
    .option('--ngram-train <path>', 'also measure a Kneser-Ney n-gram trained on this file or folder (repeatable; '
      + 'e.g. the model\'s training text)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--ngram-max-order <n>', 'longest n-gram order tried; the best on the last 10% of the n-gram\'s text is used',
      intArg(1, 32), 10)
    .option('--ngram-order <n>', 'use this order instead of choosing one', intArg(1, 32))
    .addOption(new Option('--backend <name>', 'numeric kernels').choices(['wasm', 'reference']).default('wasm'))
    .action((inputs: string[], flags: EvalFlags) => runEval(inputs, flags));
}

async function runEval(inputs: string[], flags: EvalFlags): Promise<void> {
  const kernels = createKernels(flags.backend, (why) => process.stderr.write(`char-lstm: warning: ${why}\n`));
  const { model, vocab, mixture } = await loadModel(flags.model, kernels);
  const corpus = await gatherCorpus(inputs);
  const ids = vocab.encode(corpus.text);
  const { loss, chars, probs } = await evaluateLstm(model, ids, mixture !== undefined);
  // Among the characters scored: all but the first.
  let unknown = 0;
  for (let i = 1; i < ids.length; i++) if (ids[i] === vocab.unknownId) unknown++;
  if (!Number.isFinite(loss)) {
    throw new CliError(chars === 0 ? `too little text to evaluate (${ids.length} chars; at least 2 are needed)`
      : `the loss is not finite (${loss}): the model file may hold broken weights`);
  }
  const metrics = lstmMetrics(model, vocab, ids, flags.metricsChars);
  // The model as completions use it: nothing fitted on this text, each file a document of its own.
  const asCompleted: AsCompleted | null = mixture && probs
    ? measureAsCompleted(model, vocab, mixture, ids, documentStarts(corpus.files), probs, flags.metricsChars) : null;
  const adapting = flags.adapting && mixture
    ? await measureAsCompletedAdapting(model, vocab, mixture, ids, documentStarts(corpus.files), flags.metricsChars) : null;
  let ngram: NgramBaseline | null = null;
  let mixtures: MixtureMeasure[] = [];
  if (flags.ngramTrain.length > 0) {
    const train = await gatherCorpus(flags.ngramTrain);
    try {
      ngram = ngramBaseline(vocab, train.text, ids, flags.metricsChars, { maxOrder: flags.ngramMaxOrder, order: flags.ngramOrder });
    } catch (e) {
      if (e instanceof RangeError) throw new CliError(`n-gram baseline: ${e.message}`);
      throw e;
    }
    if (ids.length >= 2) mixtures = mixtureMeasures(model, vocab, ngram, ids, documentStarts(corpus.files), flags.metricsChars);
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ nats_per_char: loss, bits_per_char: bitsPerChar(loss), chars,
      files: corpus.files.length, unknown_chars: unknown, ...metricsJson(metrics),
      as_completed: asCompleted && asCompletedJson(asCompleted), ...(adapting && { as_completed_adapting: adaptingJson(adapting) }),
      ...(ngram && { ngram: ngramJson(ngram) }),
      ...(mixtures.length > 0 && { mixture: mixtureJson(mixtures[0]), mixture_with_cache: mixtureJson(mixtures[1]) }) })}\n`);
    return;
  }
  // Unknown characters all share one id the model never learned to predict: they inflate the loss.
  const note = unknown > 0 ? `; ${formatCount(unknown)} of them are not in the model's vocabulary` : '';
  const fileChars = corpus.files.reduce((n, f) => n + f.chars, 0);
  const lines = [`loss ${loss.toFixed(3)} nats/char (${bitsPerChar(loss).toFixed(3)} bits/char) over ${formatCount(chars)} chars `
    + `(${corpus.files.length === 1 ? `the file's ${formatCount(fileChars)} and the blank line after it`
      : `${plural(corpus.files.length, 'file')}' ${formatCount(fileChars)} and the blank line after each`}, `
    + `less the first, which nothing predicts)${note}`];
  if (metrics) {
    lines.push(`completions: ${describeMetrics(metrics)} (greedy ghost text on ${formatCount(metrics.chars)} chars in `
      + `${metrics.slices} slice${metrics.slices === 1 ? '' : 's'}; Ctrl+Right per word)`);
  }
  lines.push(asCompleted ? describeAsCompleted(asCompleted, chars) : NO_SAVED_MIXTURE);
  if (adapting) lines.push(describeAdapting(adapting));
  else if (flags.adapting) lines.push('adapting to typing: not measured, the model file has no saved mixture to complete with');
  if (ngram) {
    const chosen = ngram.orders.length > 0 ? `, chosen on the last 10% of its text` : '';
    lines.push(`n-gram baseline (Kneser-Ney, order ${ngram.order}${chosen}, ${formatCount(ngram.trainChars)} training chars): `
      + `loss ${ngram.natsPerChar.toFixed(3)} nats/char (${bitsPerChar(ngram.natsPerChar).toFixed(3)} bits/char)`
      + (ngram.metrics ? `; ${describeMetrics(ngram.metrics)}` : ''));
  }
  for (const { models, fit, metrics } of mixtures) {
    lines.push(`mixture of the LSTM, the n-gram${models === 3 ? ' and a cache of the document read so far' : ''} (weights by the `
      + `n-gram's matched context, each half of the text fitting the other's): loss ${fit.natsPerChar.toFixed(3)} nats/char `
      + `against ${describeAlone(fit)} read as one stream` + (metrics ? `; ${describeMetrics(metrics)}` : ''));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
