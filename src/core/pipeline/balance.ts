import { cutRows } from './plan';

/**
 * How many rows of a cut's input product the stage before the cut takes, chunk by chunk. The
 * plan's share balances the stages on paper; on the machine the threads slow each other
 * unevenly (shared caches, the SIMD units of one physical core, other processes), so the share
 * follows the stages instead. Each time the stage before has a chunk ready, it looks at the
 * stage after: still busy with an earlier chunk means the stage after is the slower one, and
 * the stage before takes 1/16 more of the rows from the next chunk on; idle, 1/16 fewer. On its
 * last chunk the stage before takes every row: it has nothing else left to do, while the stage
 * after still has its recurrence. Any split gives the same numbers (`cutRows`).
 */
export class CutBalancer {
  private share: number;

  /** `adaptive` false keeps the planned share for every chunk (tests, comparisons). */
  constructor(planned: number, private readonly adaptive = true) {
    this.share = planned;
  }

  /** Rows for the next chunk of `time` rows. */
  rows(time: number, last: boolean): number {
    return last && this.adaptive ? time : cutRows(this.share, time);
  }

  /** A chunk is ready to hand over and the stage after is `busy` with an earlier one, or idle. */
  observe(busy: boolean): void {
    if (this.adaptive) this.share = Math.min(1, Math.max(0, this.share + (busy ? STEP : -STEP)));
  }
}

const STEP = 1 / 16;
