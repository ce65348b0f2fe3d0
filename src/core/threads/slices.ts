/**
 * Long synchronous work (counting a text's n-grams, scoring every position of a validation text)
 * written once as a generator that `yield`s between slices of a few thousand positions, and run
 * either straight through (`runToEnd`, for callers that need the answer now) or a slice at a time
 * (`runInSlices`), going back to the event loop every `sliceMs` so that a Ctrl-C, a Stop or a
 * worker's cancel message is heard within that time, not after the whole job.
 */
export type Sliced<T> = Generator<void, T, void>;

/** The job's answer, without pausing. */
export function runToEnd<T>(job: Sliced<T>): T {
  for (;;) {
    const next = job.next();
    if (next.done) return next.value;
  }
}

/** Milliseconds of work between two turns of the event loop. */
export const SLICE_MS = 50;

/**
 * The job's answer, letting the event loop run every `sliceMs` (ms) of work; throws `signal`'s
 * reason (an AbortError) at the first pause after it is aborted.
 */
export async function runInSlices<T>(job: Sliced<T>, signal?: AbortSignal, sliceMs = SLICE_MS): Promise<T> {
  signal?.throwIfAborted();
  let sliceStart = performance.now();
  for (;;) {
    const next = job.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
}
