import { promises as fs } from 'fs';
import type { Command } from 'commander';
import { loadModel } from '../core/io/model-file';
import { createKernels } from '../core/nn/kernels/select';
import { bitsPerChar, formatCount } from './progress';
import type { WorkspaceMixture } from '../core/mix/workspace-mixture';

interface InfoFlags {
  model: string;
  json?: boolean;
}

export function addInfoCommand(program: Command): void {
  program.command('info')
    .description("show a model's shape, vocabulary, size and how it was trained")
    .requiredOption('-m, --model <file>', 'model file (safetensors, or a Keras model.json)')
    .option('--json', 'print one JSON object')
    .action((flags: InfoFlags) => runInfo(flags));
}

async function runInfo(flags: InfoFlags): Promise<void> {
  // The plain-JS kernels: loading needs no speed, and they cannot fail to start.
  const { model, vocab, info, mixture } = await loadModel(flags.model, createKernels('reference'));
  const parameters = model.params.trainable;
  const bytes = (await fs.stat(flags.model)).size;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ file: flags.model, bytes, config: model.config, vocabSize: vocab.size,
      parameters, training: info, mixture: mixture && mixtureJson(mixture) })}\n`);
    return;
  }
  const c = model.config;
  const lines = [
    `file        ${flags.model} (${formatCount(bytes)} bytes)`,
    `model       ${c.cell.toUpperCase()}, ${c.layers} layer${c.layers === 1 ? '' : 's'} × ${c.hidden} units, `
      + `embedding ${c.embedding}, dropout ${c.dropout}`,
    `vocabulary  ${vocab.size} ids (${vocab.size - 1} characters + unknown)`,
    `parameters  ${formatCount(parameters)}`,
  ];
  // The training record is free-form JSON from the file: show only what has the expected type.
  if (isNumber(info.validLoss)) {
    lines.push(`valid loss  ${info.validLoss.toFixed(3)} nats/char (${bitsPerChar(info.validLoss).toFixed(3)} bits/char)`);
  }
  if (isNumber(info.charsSeen)) {
    lines.push(`trained on  ${formatCount(info.charsSeen)} chars${isNumber(info.steps) ? `, ${formatCount(info.steps)} steps` : ''}`);
  }
  if (typeof info.corpus === 'string') lines.push(`corpus      ${info.corpus}`);
  if (typeof info.startedFrom === 'string') lines.push(`started     from ${info.startedFrom}`);
  if (typeof info.train === 'object' && info.train !== null) {
    lines.push(`settings    ${Object.entries(info.train).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`);
  }
  if (typeof info.savedAt === 'string') lines.push(`saved       ${info.savedAt}`);
  if (info.importedFrom === 'pytorch' || info.importedFrom === 'keras') {
    const where = typeof info.importedVocab === 'string' ? `, vocabulary from ${info.importedVocab}` : '';
    lines.push(`imported    from ${info.importedFrom === 'pytorch' ? 'a PyTorch state_dict' : 'a Keras / TensorFlow.js model'}${where}; `
      + 'unknown characters read as zeros, never predicted');
  }
  if (mixture) {
    const v = mixture.valid;
    lines.push(`mixture     with a ${mixture.order}-gram of ${formatCount(mixture.ngram.counts.nodes)} n-grams and the document's cache: `
      + `${v.mixture.toFixed(3)} nats/char on validation (LSTM ${v.lstm.toFixed(3)}, n-gram ${v.ngram.toFixed(3)})`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function mixtureJson(m: WorkspaceMixture) {
  return { ngram_order: m.order, ngram_nodes: m.ngram.counts.nodes, capped: m.ngram.counts.capped, valid: m.valid,
    shares: m.weights.shares.map((row) => [...row]) };
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
