// A generated ~50 MB text workspace for the memory measurement: tinyshakespeare's lines with
// their words shuffled (so the corpus is not one text repeated), in many files and folders.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom, type Random } from '../src/core/math/random';

/** Folders × files × bytes per file: 20 × 10 × 250,000 = 50 MB, every file under the 1 MiB walk cap. */
const FOLDERS = 20, FILES_PER_FOLDER = 10, FILE_BYTES = 250_000;

/** Writes the workspace into `dir` (which must exist) and returns its size in bytes. */
export function writeWorkspace50mb(dir: string, source: string): number {
  const lines = source.split('\n');
  const rng = seededRandom(50);
  let total = 0;
  for (let f = 0; f < FOLDERS; f++) {
    const folder = join(dir, `part-${String(f).padStart(2, '0')}`);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < FILES_PER_FOLDER; i++) {
      const out: string[] = [];
      let bytes = 0;
      for (let at = Math.floor(rng.next() * lines.length); bytes < FILE_BYTES; at = (at + 1) % lines.length) {
        const line = shuffleWords(lines[at], rng);
        out.push(line);
        bytes += line.length + 1; // tinyshakespeare is ASCII: one byte per character
      }
      const text = `${out.join('\n')}\n`;
      writeFileSync(join(folder, `text-${i}.txt`), text);
      total += Buffer.byteLength(text);
    }
  }
  return total;
}

function shuffleWords(line: string, rng: Random): string {
  const words = line.split(' ');
  for (let i = words.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [words[i], words[j]] = [words[j], words[i]];
  }
  return words.join(' ');
}
