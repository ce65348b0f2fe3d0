import * as path from 'path';
import { readRegularFile, UnreadableFile } from '../../files/read-regular-file';
import { ModelFileError } from '../safetensors';
import { parseForeignVocab } from './foreign-vocab';

/**
 * A foreign vocabulary: characters by foreign id, and where they were read, for messages and
 * TrainingInfo.importedVocab: a sidecar's file name, '"vocab" metadata', 'model.json userDefinedMetadata'.
 */
export interface ForeignVocab {
  chars: string[];
  where: string;
}

/** Larger JSON is not a character vocabulary. */
const MAX_VOCAB_BYTES = 16 * 1024 * 1024;

/**
 * Where the vocabulary of a model from elsewhere is looked for when the model file does not hold
 * it (a safetensors `vocab` metadata string, a model.json's `userDefinedMetadata`): beside the
 * model, the first of
 *   <file>.vocab.json   e.g. shakespeare.safetensors.vocab.json
 *   <stem>.vocab.json   e.g. shakespeare.vocab.json
 *   vocab.json
 *   char2idx.json
 * so a folder of several models names each one's vocabulary, and a folder of one needs no name.
 */
export function sidecarCandidates(modelPath: string): string[] {
  const dir = path.dirname(modelPath), base = path.basename(modelPath);
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const names = [`${base}.vocab.json`, `${stem}.vocab.json`, 'vocab.json', 'char2idx.json'];
  return [...new Set(names)].map((name) => path.join(dir, name));
}

/** The first sidecar vocabulary that exists, read and checked; a ModelFileError naming where it looked if none. */
export async function findSidecarVocab(modelPath: string, inFile: string): Promise<ForeignVocab> {
  const candidates = sidecarCandidates(modelPath);
  for (const file of candidates) {
    let text: string;
    try {
      text = (await readRegularFile(file, MAX_VOCAB_BYTES)).toString('utf8');
    } catch (e) {
      if (!(e instanceof UnreadableFile)) throw e;
      // Only a regular file can be a vocabulary: a folder or a FIFO of that name is passed over.
      if (e.reason === 'missing' || e.reason === 'not-a-file') continue;
      if (e.reason === 'too-large') throw new ModelFileError(`vocabulary (${file}) is too large: ${e.detail}`);
      throw new ModelFileError(`cannot read the vocabulary ${file}: ${e.detail}`);
    }
    return { chars: parseVocabText(text, path.basename(file)), where: path.basename(file) };
  }
  const names = candidates.map((c) => path.basename(c));
  throw new ModelFileError(`no vocabulary: ${inFile}, and none of ${names.slice(0, -1).join(', ')} or ${names.at(-1)} `
    + `is in ${path.dirname(modelPath)}`);
}

/** Parses a vocabulary's JSON text; a ModelFileError names `where`. */
export function parseVocabText(text: string, where: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelFileError(`the vocabulary (${where}) is not valid JSON`);
  }
  return parseVocabJson(json, where);
}

/** Checks parsed vocabulary JSON; a ModelFileError names `where`. */
export function parseVocabJson(json: unknown, where: string): string[] {
  try {
    return parseForeignVocab(json);
  } catch (e) {
    throw new ModelFileError(`the vocabulary (${where}): ${(e as Error).message.replace(/^vocabulary /, '')}`);
  }
}
