/** Characters per second over the recent past (a window of steps), and elapsed time. */
export class Throughput {
  readonly start = Date.now();
  private readonly window: { at: number; chars: number }[] = [];

  constructor(private readonly size = 20) {}

  /** Records `chars` trained just now; returns chars/s over the window. */
  record(chars: number): number {
    const now = performance.now();
    this.window.push({ at: now, chars });
    if (this.window.length > this.size) this.window.shift();
    if (this.window.length < 2) return chars / Math.max((Date.now() - this.start) / 1000, 1e-3);
    const first = this.window[0];
    const total = this.window.slice(1).reduce((n, w) => n + w.chars, 0);
    return total / Math.max((now - first.at) / 1000, 1e-9);
  }

  elapsed(): number {
    return Date.now() - this.start;
  }
}
