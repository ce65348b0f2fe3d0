import type { CharClasses } from './char-classes';
import { greedyId, type CharPredictor } from './predictor';

/** CompletionEngine's defaults: at most 40 characters, never past the end of the line. */
export const GHOST_MAX_CHARS = 40;

/**
 * The greedy ghost text at each position of a text being read, as CompletionEngine shows it
 * with the greedy strategy, `completion.maxChars` 40 and `stopAtEndOfLine` on, with nothing
 * after the cursor: the greedy continuation (the unknown id never picked), cut before its first
 * line end and to `maxChars` characters, trailing white space dropped; none when that leaves
 * nothing but white space (src/completion/stop-rules.ts and complete.ts).
 *
 * Two savings, neither changing any result:
 * - greedy decoding is deterministic, so when the text goes on as the last rollout predicted, the
 *   rollout from the next position is the rest of that one: it is kept and only extended, and a
 *   new rollout starts only where the text leaves it;
 * - the rollout is extended only as far as it is read (`at`), so a ghost text whose first word
 *   is already wrong costs a few model steps, not 40.
 *
 * When the reader's model changes as it reads (dynamic evaluation: DynamicReader), `revision`
 * gives a number that changes with the model, and a rollout made before a change is dropped.
 */
export class GreedyGhost {
  /** Greedy ids continuing the text read so far. */
  private path: number[] = [];
  /** `tail` has read the text and path[0, fed); fed is path.length or path.length - 1. */
  private fed = 0;
  private tail: CharPredictor | null = null;
  /** `revision()` when the rollout was made. */
  private seen: number | undefined;

  constructor(private readonly reader: CharPredictor, private readonly classes: CharClasses,
    private readonly maxChars = GHOST_MAX_CHARS, private readonly revision?: () => number) {
    this.seen = revision?.();
  }

  /** Reads the text's next id. */
  advance(id: number): void {
    this.reader.step(id);
    const now = this.revision?.();
    if (now === this.seen && this.path.length > 0 && this.path[0] === id) {
      this.path.shift();
      if (this.fed > 0) this.fed--;
      else this.tail?.step(id);
    } else {
      this.path = [];
      this.fed = 0;
      this.tail = null;
      this.seen = now;
    }
  }

  /** The id greedy decoding writes next (the top-1 prediction). */
  next(): number {
    return this.greedy(0);
  }

  /** The i-th id of the ghost text shown here, or -1 when it is shorter (or there is none). */
  at(i: number): number {
    const { lineEnd, space } = this.classes;
    if (i >= this.maxChars) return -1;
    for (let j = 0; j <= i; j++) if (lineEnd[this.greedy(j)]) return -1;
    const id = this.greedy(i);
    if (!space[id]) return id;
    // White space is shown only when something other than white space follows it.
    for (let k = i + 1; k < this.maxChars; k++) {
      const next = this.greedy(k);
      if (lineEnd[next]) return -1;
      if (!space[next]) return id;
    }
    return -1;
  }

  /** The whole ghost text shown here, as ids; empty when none would be shown. */
  ghost(): number[] {
    const out: number[] = [];
    for (let id = this.at(0); id >= 0; id = this.at(out.length)) out.push(id);
    return out;
  }

  /** path[i], rolling out as far as needed. */
  private greedy(i: number): number {
    while (this.path.length <= i) {
      this.tail ??= this.reader.clone();
      while (this.fed < this.path.length) this.tail.step(this.path[this.fed++]);
      this.path.push(greedyId(this.tail.scores(), this.classes.unknownId));
    }
    return this.path[i];
  }
}
