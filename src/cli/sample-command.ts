import { once } from 'events';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadModel } from '../core/io/model-file';
import { createKernels, type Backend } from '../core/nn/kernels/select';
import { generateChunks } from '../core/sampling/generate';
import { parseStrategy, seededRandom, STRATEGY_DEFAULTS } from '../core/sampling';
import { resolveStrategy } from './sample-strategy';
import { floatArg, intArg } from './parse-number';

interface SampleFlags {
  model: string;
  prime: string;
  length: number;
  strategy?: string;
  temperature?: number;
  k?: number;
  p?: number;
  seed?: number;
  backend: Backend;
}

/** Characters generated when --length is not given: a paragraph or two. */
const DEFAULT_LENGTH = 300;
/** Characters printed at a time: at a small model's ~150k chars/s, a write every 2 ms or so. */
const CHUNK_CHARS = 256;

export function addSampleCommand(program: Command): void {
  program.command('sample')
    .description('generate text from a model: prints the prime and its continuation')
    .requiredOption('-m, --model <file>', 'model file (safetensors, or a Keras model.json)')
    .addOption(new Option('--prime <text>', 'text to start from').default('', 'a new line'))
    .option('--length <n>', 'characters to generate', intArg(0, 10_000_000), DEFAULT_LENGTH)
    .option('--strategy <name>', `greedy, temperature, topk or topp (default: temperature, or the one --k or --p selects)`,
      checkStrategyName)
    .option('--temperature <t>', `softmax temperature, > 0 (default: ${STRATEGY_DEFAULTS.temperature})`,
      floatArg({ min: 0, minExclusive: true }))
    .option('--k <n>', `topk: sample among the k likeliest (default: ${STRATEGY_DEFAULTS.k})`, intArg(1))
    .option('--p <p>', `topp: smallest set with this total probability, in (0, 1] (default: ${STRATEGY_DEFAULTS.p})`,
      floatArg({ min: 0, minExclusive: true, max: 1 }))
    .option('--seed <n>', 'random seed, for a repeatable sample (default: a random one)', intArg(0, 0xffffffff))
    .addOption(new Option('--backend <name>', 'numeric kernels').choices(['wasm', 'reference']).default('wasm'))
    .addHelpText('after', `
Without --strategy, --k selects topk and --p selects topp (otherwise: temperature).
A flag the strategy does not read is an error (exit 2), e.g. --strategy greedy --temperature 0.5.
The sample is printed as it is made, so \`| head\` ends it early.`)
    .action((flags: SampleFlags) => runSample(flags));
}

function checkStrategyName(name: string): string {
  try {
    parseStrategy(name, {});
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return name;
}

async function runSample(flags: SampleFlags): Promise<void> {
  const strategy = resolveStrategy(flags);
  const kernels = createKernels(flags.backend, (why) => process.stderr.write(`char-lstm: warning: ${why}\n`));
  const { model, vocab } = await loadModel(flags.model, kernels);
  // Without --seed every run differs; 2^32 seeds are all mulberry32 distinguishes.
  const seed = flags.seed ?? Math.floor(Math.random() * 0x100000000);
  process.stdout.write(flags.prime);
  for (const chunk of generateChunks(model, vocab, flags.prime, flags.length, strategy, seededRandom(seed), CHUNK_CHARS)) {
    // Wait for a full pipe to drain, and let a closed one's EPIPE through (main.ts ends quietly on it).
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    else await new Promise((resolve) => setImmediate(resolve));
  }
  process.stdout.write('\n');
}
