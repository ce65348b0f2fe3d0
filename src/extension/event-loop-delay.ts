/**
 * How late the extension host's event loop ran over a window of time (a training run, the time
 * the panel is open), measured
 * with `perf_hooks.monitorEventLoopDelay`. A late loop is what a user feels as a stuttering
 * editor: keystrokes, ghost text and every other extension wait behind it. No vscode import, so
 * it is unit-tested in plain Node.
 *
 * Node arms a timer every `resolutionMs` and records, in nanoseconds, how long each interval
 * really took. Node 20 records the whole interval, not the excess over it, so an idle loop reads
 * about the resolution (10 ms) and a loop blocked for 40 ms reads about 50 ms. The figures are
 * reported as Node gives them: an upper bound on the extra wait.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

export interface EventLoopDelay {
  /** Percentiles and maximum of the sampled intervals, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Intervals sampled: about windowMs / resolutionMs on a loop that keeps up. */
  samples: number;
  /** Length of the measured window, in milliseconds. */
  windowMs: number;
  /** The sampling timer's period, in milliseconds. */
  resolutionMs: number;
}

const NS_PER_MS = 1e6;

export class EventLoopDelayMeter {
  private readonly histogram: IntervalHistogram;
  private readonly started = performance.now();
  private result: EventLoopDelay | null | undefined;

  private constructor(private readonly resolutionMs: number) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
  }

  /** Starts sampling now; every 10 ms is fine enough to show the 50 ms pauses a typist notices. */
  static start(resolutionMs = 10): EventLoopDelayMeter {
    return new EventLoopDelayMeter(resolutionMs);
  }

  /**
   * Stops sampling and returns the figures; null when the window held no full interval (under
   * `resolutionMs`). Later calls return the same result.
   */
  stop(): EventLoopDelay | null {
    if (this.result !== undefined) return this.result;
    this.histogram.disable();
    const h = this.histogram;
    this.result = h.count === 0 ? null : {
      p50Ms: h.percentile(50) / NS_PER_MS,
      p99Ms: h.percentile(99) / NS_PER_MS,
      maxMs: h.max / NS_PER_MS,
      meanMs: h.mean / NS_PER_MS,
      samples: h.count,
      windowMs: performance.now() - this.started,
      resolutionMs: this.resolutionMs,
    };
    return this.result;
  }
}

/**
 * The line a report shows, e.g. "... during training (31.2 s, sampled every 10 ms): p50 10.1 ms,
 * p99 14.2 ms, max 30.5 ms"; `during` names the window ("during training", "while the panel was open").
 */
export function describeEventLoopDelay(d: EventLoopDelay | null, during = 'during training'): string {
  const what = `editor event-loop delay ${during}`;
  if (!d) return `${what}: not measured (the window was shorter than one sample)`;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return `${what} (${(d.windowMs / 1000).toFixed(1)} s, sampled every ${d.resolutionMs} ms): `
    + `p50 ${ms(d.p50Ms)}, p99 ${ms(d.p99Ms)}, max ${ms(d.maxMs)}`;
}
