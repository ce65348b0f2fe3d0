// The extension host's event-loop delay meter (src/extension/event-loop-delay.ts): a blocked
// loop shows in the maximum, a window too short for one sample says so, and the report line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeEventLoopDelay, EventLoopDelayMeter } from '../src/extension/event-loop-delay';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Holds the event loop for `ms` milliseconds, as a long synchronous task would. */
function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* busy */ }
}

test('a loop blocked for 120 ms shows in the maximum; the other samples stay near the resolution', async () => {
  const meter = EventLoopDelayMeter.start(10);
  await sleep(100);
  block(120);
  await sleep(100);
  const d = meter.stop();
  assert.ok(d, 'a 320 ms window holds samples');
  assert.ok(d.samples >= 5, `samples: ${d.samples}`);
  assert.ok(d.maxMs >= 120, `max ${d.maxMs} ms covers the 120 ms block`);
  // Node 20 records whole intervals: an unblocked sample reads about the 10 ms resolution.
  assert.ok(d.p50Ms >= 5 && d.p50Ms < 100, `p50 ${d.p50Ms} ms`);
  assert.ok(d.p50Ms <= d.p99Ms && d.p99Ms <= d.maxMs);
  assert.ok(Number.isFinite(d.meanMs));
  assert.ok(d.windowMs >= 300 && d.windowMs < 5000, `window ${d.windowMs} ms`);
  assert.equal(d.resolutionMs, 10);
  assert.equal(meter.stop(), d, 'stopping again returns the same figures');
});

test('a window shorter than one sample gives null, and the report says it was not measured', () => {
  const d = EventLoopDelayMeter.start(10).stop();
  assert.equal(d, null);
  assert.match(describeEventLoopDelay(d), /not measured/);
});

test('the report line names the window, the resolution and the three figures in milliseconds', () => {
  const line = describeEventLoopDelay({ p50Ms: 10.12, p99Ms: 14.26, maxMs: 30.5, meanMs: 10.4, samples: 3000, windowMs: 31_240, resolutionMs: 10 });
  assert.equal(line, 'editor event-loop delay during training (31.2 s, sampled every 10 ms): p50 10.1 ms, p99 14.3 ms, max 30.5 ms');
  const panel = describeEventLoopDelay({ p50Ms: 10.2, p99Ms: 12, maxMs: 18.04, meanMs: 10.4, samples: 900, windowMs: 9_020, resolutionMs: 10 }, 'while the panel was open');
  assert.equal(panel, 'editor event-loop delay while the panel was open (9.0 s, sampled every 10 ms): p50 10.2 ms, p99 12.0 ms, max 18.0 ms');
});
