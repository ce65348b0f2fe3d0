import { Command } from 'commander';
import { version } from '../../package.json';
import { addEvalCommand } from './eval-command';
import { reportError } from './fail';
import { handleInterrupts } from './interrupt';
import { addInfoCommand } from './info-command';
import { addMixCommand } from './mix-command';
import { addSampleCommand } from './sample-command';
import { handleStdoutClosing } from './stdout-closed';
import { addTrainCommand } from './train-command';

function buildProgram(): Command {
  const program = new Command('char-lstm')
    .description('Train a character-level LSTM on your text, sample from it, and measure it.')
    .version(version, '-V, --version')
    // Errors are thrown, not printed and exited on, so that reportError formats every failure
    // the same way (one line, usage errors exit 2). Subcommands inherit both settings.
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .showHelpAfterError(false)
    .addHelpText('after', `
Examples:
  char-lstm train notes/ --out notes.safetensors --epochs 5
  char-lstm sample --model notes.safetensors --prime "Dear " --length 300 --strategy topk --k 5
  char-lstm eval --model notes.safetensors more-notes/
  char-lstm info --model notes.safetensors
  char-lstm mix --model notes.safetensors notes/ --out notes-mixed.safetensors`);
  addTrainCommand(program);
  addSampleCommand(program);
  addEvalCommand(program);
  addInfoCommand(program);
  addMixCommand(program);
  return program;
}

async function main(): Promise<void> {
  // `char-lstm sample | head` closes stdout early: that ends the output, it is not a failure
  // (train, whose work is the model, goes on: see stdout-closed.ts).
  handleStdoutClosing();
  handleInterrupts();
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    // Exit now: a half-finished command may still hold timers that would keep the process alive.
    process.exit(reportError(e, process.stderr));
  }
}

void main();
