import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadModel } from '../core/model/model-file';
import { createKernels, type Backend } from '../core/nn/kernels/select';
import { generate } from '../core/sampling/generate';
import { parseStrategy, seededRandom, STRATEGY_DEFAULTS } from '../core/sampling';
import { usageError } from './fail';
import { floatArg, intArg } from './parse-number';

interface SampleFlags {
  model: string;
  prime: string;
  length: number;
  strategy: string;
  temperature?: number;
  k?: number;
  p?: number;
  seed?: number;
  backend: Backend;
}

/** Characters generated when --length is not given: a paragraph or two. */
const DEFAULT_LENGTH = 300;

export function addSampleCommand(program: Command): void {
  program.command('sample')
    .description('generate text from a model: prints the prime and its continuation')
    .requiredOption('-m, --model <file>', 'model file (safetensors, or a Keras model.json)')
    .addOption(new Option('--prime <text>', 'text to start from').default('', 'a new line'))
    .option('--length <n>', 'characters to generate', intArg(0, 10_000_000), DEFAULT_LENGTH)
    .option('--strategy <name>', 'greedy, temperature, topk or topp', checkStrategyName, 'temperature')
    .option('--temperature <t>', `softmax temperature, > 0 (default: ${STRATEGY_DEFAULTS.temperature})`,
      floatArg({ min: 0, minExclusive: true }))
    .option('--k <n>', `topk: sample among the k likeliest (default: ${STRATEGY_DEFAULTS.k})`, intArg(1))
    .option('--p <p>', `topp: smallest set with this total probability, in (0, 1] (default: ${STRATEGY_DEFAULTS.p})`,
      floatArg({ min: 0, minExclusive: true, max: 1 }))
    .option('--seed <n>', 'random seed, for a repeatable sample (default: a random one)', intArg(0, 0xffffffff))
    .addOption(new Option('--backend <name>', 'numeric kernels').choices(['wasm', 'reference']).default('wasm'))
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
  let strategy;
  try {
    strategy = parseStrategy(flags.strategy, { temperature: flags.temperature, k: flags.k, p: flags.p });
  } catch (e) {
    throw usageError((e as Error).message);
  }
  const kernels = createKernels(flags.backend, (why) => process.stderr.write(`char-lstm: warning: ${why}\n`));
  const { model, vocab } = await loadModel(flags.model, kernels);
  // Without --seed every run differs; 2^32 seeds are all mulberry32 distinguishes.
  const seed = flags.seed ?? Math.floor(Math.random() * 0x100000000);
  const text = generate(model, vocab, flags.prime, flags.length, strategy, seededRandom(seed));
  process.stdout.write(`${flags.prime}${text}\n`);
}
