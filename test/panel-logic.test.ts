// The panel's view logic, pure functions the webview draws with: character classes, unit
// search and ordering, gate saturation, colour scales, loss series and the numbers' text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHAR_CLASSES, CLASS_NAMES, classOf, inClass, type CharClass } from '../webview/logic/char-classes';
import { searchUnits, sortUnits, unitStats } from '../webview/logic/unit-search';
import { saturation } from '../webview/logic/saturation';
import { heatColor, intensity, legendGradient, mix, parseColor, textTint, type Palette } from '../webview/logic/color-scale';
import { HeatColours } from '../webview/logic/heat-lut';
import {
  formatCompact, formatCount, formatDuration, formatLoss, formatRate, formatStats, keptIndices, lossSeries, MAX_TRAIN_POINTS,
} from '../webview/logic/loss-series';
import type { TrainEvent, StepEvent, ValidationEvent } from '../src/core/train/events';

const near = (got: number, want: number, what = '') => assert.ok(Math.abs(got - want) < 1e-9, `${what} ${got} vs ${want}`);

test('every character falls in the class a reader would name, specific classes before general ones', () => {
  const want: [string, CharClass | null][] = [
    ['\'', 'quote'], ['"', 'quote'], ['`', 'quote'], ['\u201C', 'quote'], ['\u201D', 'quote'], ['\u2019', 'quote'], ['\u00AB', 'quote'],
    ['\n', 'newline'], ['\r', 'newline'], ['\u2028', 'newline'],
    ['(', 'bracket'], [')', 'bracket'], ['[', 'bracket'], [']', 'bracket'], ['{', 'bracket'], ['}', 'bracket'], ['<', 'bracket'], ['>', 'bracket'],
    [' ', 'space'], ['\t', 'space'], ['\u00A0', 'space'],
    ['a', 'letter'], ['Z', 'letter'], ['\u00E9', 'letter'], ['\u0436', 'letter'], ['\u0301', 'letter'],
    ['0', 'digit'], ['7', 'digit'], ['\u00BD', 'digit'],
    ['.', 'punctuation'], [',', 'punctuation'], [';', 'punctuation'], ['-', 'punctuation'], ['+', 'punctuation'], ['$', 'punctuation'], ['|', 'punctuation'],
    ['\u0000', null], ['\u200B', null],
  ];
  for (const [char, cls] of want) assert.equal(classOf(char), cls, JSON.stringify(char));
  assert.ok(inClass('(', 'bracket') && !inClass('(', 'punctuation'));
  assert.ok(inClass('"', 'quote') && !inClass('"', 'punctuation'));
  assert.deepEqual(Object.keys(CLASS_NAMES).sort(), [...CHAR_CLASSES].sort());
});

test('searchUnits: means in and out of the class, ranked by |difference|', () => {
  // time 4, hidden 2; rows 1 and 3 are quotes.
  const values = [0.1, 0.9, 0.8, 0.2, 0.3, 0.5, 0.6, 0.4];
  const result = searchUnits(values, 4, 2, ['a', '"', 'b', '"'], 'quote');
  assert.equal(result.status, 'ranked');
  if (result.status !== 'ranked') return;
  assert.equal(result.occurrences, 2);
  assert.equal(result.others, 2);
  assert.deepEqual(result.units.map((u) => u.unit), [0, 1]);
  const [u0, u1] = result.units;
  near(u0.inClass, 0.7); near(u0.outside, 0.2); near(u0.score, 0.5);
  near(u1.inClass, 0.3); near(u1.outside, 0.7); near(u1.score, -0.4);
});

test('searchUnits: a unit that drops on the class ranks by its size; ties go to the lower unit', () => {
  const values = [0, 1, 0.5, 1, 0, 0.5]; // rows: 'x', '\n'
  const result = searchUnits(values, 2, 3, ['x', '\n'], 'newline');
  assert.equal(result.status, 'ranked');
  if (result.status !== 'ranked') return;
  assert.deepEqual(result.units.map((u) => [u.unit, u.score]), [[0, 1], [1, -1], [2, 0]]);
});

test('searchUnits: a class with no occurrences, or nothing else, says so instead of NaN', () => {
  const values = [0.1, 0.2, 0.3, 0.4];
  assert.deepEqual(searchUnits(values, 2, 2, ['a', 'b'], 'digit'), { status: 'no-occurrences', occurrences: 0, others: 2 });
  assert.deepEqual(searchUnits(values, 2, 2, ['1', '2'], 'digit'), { status: 'no-others', occurrences: 2, others: 0 });
  assert.deepEqual(searchUnits([], 0, 5, [], 'letter'), { status: 'no-occurrences', occurrences: 0, others: 0 });
});

test('searchUnits and the statistics refuse values that are not [time, hidden]', () => {
  assert.throws(() => searchUnits([1, 2, 3], 2, 2, ['a', 'b'], 'letter'), RangeError);
  assert.throws(() => searchUnits([1, 2, 3, 4], 2, 2, ['a'], 'letter'), RangeError);
  assert.throws(() => saturation([1, 2], 1, 1), RangeError);
  assert.throws(() => unitStats([], -1, 0), RangeError);
});

test('sortUnits: by index, by mean and by variance, largest first, ties by index', () => {
  const values = new Float32Array([1, 5, 3, 3, 5, 1]); // time 2, hidden 3: means 2, 5, 2; variances 1, 0, 1
  assert.deepEqual(sortUnits(values, 2, 3, 'index'), [0, 1, 2]);
  assert.deepEqual(sortUnits(values, 2, 3, 'mean'), [1, 0, 2]);
  assert.deepEqual(sortUnits(values, 2, 3, 'variance'), [0, 2, 1]);
  const stats = unitStats(values, 2, 3);
  assert.deepEqual(Array.from(stats.mean), [2, 5, 2]);
  assert.deepEqual(Array.from(stats.variance), [1, 0, 1]);
  for (const by of ['index', 'mean', 'variance'] as const) assert.deepEqual(sortUnits([], 0, 3, by), [0, 1, 2], `${by}, no rows`);
});

test('unitStats: the variance of large cells does not cancel away', () => {
  const stats = unitStats([10000, 10002, 10000, 10002], 4, 1);
  near(stats.mean[0], 10001);
  near(stats.variance[0], 1);
});

test('saturation: fractions of steps below 0.1 and above 0.9, the thresholds themselves not counted', () => {
  // time 4, hidden 2
  const s = saturation([0.05, 0.95, 0.5, 0.99, 0.1, 0.9, 0.01, 0.2], 4, 2);
  assert.equal(s.steps, 4);
  assert.deepEqual(Array.from(s.left), [0.5, 0]);
  assert.deepEqual(Array.from(s.right), [0, 0.5]);
  const none = saturation([], 0, 3);
  assert.equal(none.steps, 0);
  assert.deepEqual(Array.from(none.left), [0, 0, 0]);
  assert.deepEqual(Array.from(none.right), [0, 0, 0]);
});

const DARK: Palette = { background: [0, 0, 0], accent: [200, 100, 0], positive: [0, 0, 255], negative: [255, 0, 0] };
const LIGHT: Palette = { ...DARK, background: [255, 255, 255] };

test('gate colours run from the theme background at 0 to the accent at 1, clamped', () => {
  assert.equal(heatColor(0, 'forget', DARK), 'rgb(0, 0, 0)');
  assert.equal(heatColor(0, 'forget', LIGHT), 'rgb(255, 255, 255)');
  assert.equal(heatColor(0.5, 'input', DARK), 'rgb(100, 50, 0)');
  assert.equal(heatColor(0.5, 'input', LIGHT), 'rgb(228, 178, 128)');
  assert.equal(heatColor(1, 'output', LIGHT), 'rgb(200, 100, 0)');
  assert.equal(heatColor(1.5, 'output', DARK), heatColor(1, 'output', DARK));
  assert.equal(heatColor(-0.5, 'output', DARK), heatColor(0, 'output', DARK));
  assert.equal(heatColor(NaN, 'input', DARK), 'rgb(0, 0, 0)');
});

test('the heatmaps\' lookup-table colours are the scale\'s own, within one step of 511', () => {
  const lut = new HeatColours(DARK);
  for (const signal of ['input', 'cell'] as const) {
    for (const v of signal === 'cell' ? [-5, -1, -0.3, 0, 0.01, 0.7, 3, NaN] : [0, 0.001, 0.25, 0.5, 0.999, 1, 2, NaN]) {
      const want = parseColor(heatColor(v, signal, DARK)) ?? [0, 0, 0];
      const got = lut.colour(v, signal);
      // One step of the table is 1/255 of the scale: at most 1 in each 0-255 channel.
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(got[k] - want[k]) <= 1, `${signal} ${v}: ${got} vs ${want}`);
    }
  }
  assert.deepEqual(lut.colour(1, 'forget'), [200, 100, 0], 'a gate fully open is the accent');
});

test('cell colours diverge around 0 on tanh(c): background at 0, positive and negative ends', () => {
  const c = Math.atanh(0.4);
  near(intensity(c, 'cell'), 0.4);
  near(intensity(-c, 'cell'), -0.4);
  assert.equal(heatColor(0, 'cell', DARK), 'rgb(0, 0, 0)');
  assert.equal(heatColor(c, 'cell', DARK), 'rgb(0, 0, 102)');
  assert.equal(heatColor(-c, 'cell', DARK), 'rgb(102, 0, 0)');
  assert.equal(heatColor(-c, 'cell', LIGHT), 'rgb(255, 153, 153)');
  assert.equal(heatColor(100, 'cell', LIGHT), 'rgb(0, 0, 255)');
  assert.equal(heatColor(-Infinity, 'cell', LIGHT), 'rgb(255, 0, 0)');
  assert.equal(legendGradient('cell', DARK), 'linear-gradient(to right, rgb(255, 0, 0), rgb(0, 0, 0), rgb(0, 0, 255))');
  assert.equal(legendGradient('forget', LIGHT), 'linear-gradient(to right, rgb(255, 255, 255), rgb(200, 100, 0))');
});

test('text tints are the scale\'s end colour, at most 0.6 opaque so the text stays readable', () => {
  assert.equal(textTint(1, 'input', DARK), 'rgba(200, 100, 0, 0.6)');
  assert.equal(textTint(0, 'input', DARK), 'rgba(200, 100, 0, 0)');
  assert.equal(textTint(0.25, 'forget', LIGHT), 'rgba(200, 100, 0, 0.15)');
  assert.equal(textTint(-Math.atanh(0.5), 'cell', DARK), 'rgba(255, 0, 0, 0.3)');
  assert.equal(textTint(50, 'cell', DARK), 'rgba(0, 0, 255, 0.6)');
});

test('colours: mixing and reading theme colours', () => {
  assert.deepEqual(mix([0, 0, 0], [255, 255, 255], 0.5), [128, 128, 128]);
  assert.deepEqual(mix([10, 20, 30], [0, 0, 0], 2), [0, 0, 0]);
  assert.deepEqual(parseColor('#1e1e1e'), [30, 30, 30]);
  assert.deepEqual(parseColor(' #FFF '), [255, 255, 255]);
  assert.deepEqual(parseColor('#0000ff80'), [0, 0, 255]);
  assert.deepEqual(parseColor('#f008'), [255, 0, 0]);
  assert.deepEqual(parseColor('rgb(1, 2, 3)'), [1, 2, 3]);
  assert.deepEqual(parseColor('rgba(10,20,30,0.5)'), [10, 20, 30]);
  assert.deepEqual(parseColor('rgb(1 2 3 / 50%)'), [1, 2, 3]);
  assert.equal(parseColor('red'), null);
  assert.equal(parseColor('#12345'), null);
});

const step = (n: number, smoothLoss: number, extra: Partial<StepEvent> = {}): StepEvent => ({
  kind: 'step', epoch: 1, step: n, stepsPerEpoch: 10, totalSteps: 20, loss: smoothLoss, smoothLoss,
  charsSeen: n * 100, charsPerSec: 5000, elapsedMs: n * 20, etaMs: (20 - n) * 20, ...extra,
});
const validation = (n: number, loss: number, best: boolean, bestLoss: number): ValidationEvent => ({
  kind: 'validation', epoch: 1, step: n, charsSeen: n * 100, loss, best, bestLoss, lr: 0.002, sample: '', sampleStrategy: '',
});
const START: TrainEvent = { kind: 'start', backend: 'wasm', threads: 1, parameters: 1000, trainChars: 900, validChars: 100,
  batch: 1, seqLen: 100, stepsPerEpoch: 10, epochs: 2 };

test('lossSeries: training and validation lines over characters seen, the best checkpoint, the stats of a running run', () => {
  const events: TrainEvent[] = [START, step(1, 4), step(2, 3.5), validation(2, 3.6, true, 3.6),
    step(3, 3.2, { epoch: 2 }), step(4, Infinity), validation(4, 3.7, false, 3.6), validation(5, NaN, false, 3.6)];
  const s = lossSeries({ events, running: true });
  assert.deepEqual(s.train, { x: [100, 200, 300], y: [4, 3.5, 3.2] });
  assert.deepEqual(s.validation, { x: [200, 400], y: [3.6, 3.7] });
  assert.deepEqual(s.best, { x: 200, loss: 3.6 });
  assert.deepEqual(s.stats, {
    epoch: 1, epochs: 2, step: 4, totalSteps: 20, charsSeen: 400, charsPerSec: 5000, elapsedMs: 80, etaMs: 320,
    trainLoss: Infinity, validLoss: NaN, bestLoss: 3.6, ended: null,
  });
});

test('lossSeries: an ended run has no time left and takes its totals from the end event', () => {
  const events: TrainEvent[] = [START, step(1, 4), validation(1, 3.9, true, 3.9),
    { kind: 'end', reason: 'time-limit', bestLoss: 3.9, steps: 1, charsSeen: 100, elapsedMs: 1500 }];
  const s = lossSeries({ events, running: false });
  assert.equal(s.stats?.etaMs, null);
  assert.equal(s.stats?.elapsedMs, 1500);
  assert.equal(s.stats?.ended, 'time-limit');
  // Not running even without an end event (cancelled while reading, failed): no ETA either.
  assert.equal(lossSeries({ events: [START, step(1, 4)], running: false }).stats?.etaMs, null);
});

test('lossSeries: no events, or no step yet, gives empty series and no stats', () => {
  assert.deepEqual(lossSeries({ events: [], running: true }), { train: { x: [], y: [] }, validation: { x: [], y: [] }, best: null, stats: null });
  assert.equal(lossSeries({ events: [START], running: true }).stats, null);
});

test('lossSeries: a long run is thinned to at most 2,000 training points, first and last kept', () => {
  const events: TrainEvent[] = Array.from({ length: 10_001 }, (_, i) => step(i + 1, 5 - i / 10_000));
  const { train } = lossSeries({ events, running: true });
  assert.ok(train.x.length <= MAX_TRAIN_POINTS && train.x.length > MAX_TRAIN_POINTS / 2, `${train.x.length} points`);
  assert.equal(train.x[0], 100);
  assert.equal(train.x.at(-1), 10_001 * 100);
  assert.equal(train.y.at(-1), 5 - 10_000 / 10_000);
  for (let i = 1; i < train.x.length; i++) assert.ok(train.x[i] > train.x[i - 1]);
});

test('keptIndices: evenly spaced from the first, the last always, never more than asked', () => {
  assert.deepEqual(keptIndices(3, 5), [0, 1, 2]);
  assert.deepEqual(keptIndices(5, 3), [0, 2, 4]);
  assert.deepEqual(keptIndices(6, 3), [0, 3, 5]);
  assert.deepEqual(keptIndices(10, 1), [9]);
  assert.deepEqual(keptIndices(0, 5), []);
  for (let n = 0; n < 60; n++) {
    for (let max = 1; max < 12; max++) {
      const kept = keptIndices(n, max);
      assert.ok(kept.length <= max, `n ${n} max ${max}`);
      if (n > 0) assert.equal(kept.at(-1), n - 1);
    }
  }
});

test('durations, rates, counts and losses as the panel writes them', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(400), '<1 s');
  assert.equal(formatDuration(42_000), '42 s');
  assert.equal(formatDuration(59_600), '1 min 0 s');
  assert.equal(formatDuration(245_000), '4 min 5 s');
  assert.equal(formatDuration(7_620_000), '2 h 7 min');
  for (const bad of [-1, NaN, Infinity]) assert.equal(formatDuration(bad), '–');
  assert.equal(formatRate(3.44), '3.4 chars/s');
  assert.equal(formatRate(4932.4), '4,932 chars/s');
  assert.equal(formatRate(1_234_567), '1.23M chars/s');
  assert.equal(formatRate(NaN), '–');
  assert.equal(formatCount(340_000), '340,000');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCompact(950), '950');
  assert.equal(formatCompact(340_000), '340k');
  assert.equal(formatCompact(1_200_000), '1.2M');
  assert.equal(formatLoss(1.4449), '1.445');
  assert.equal(formatLoss(NaN), '–');
});

test('the stats line', () => {
  const running = lossSeries({ events: [START, step(3, 1.6123), validation(3, 1.655, false, 1.65)], running: true }).stats;
  assert.ok(running);
  assert.equal(formatStats({ ...running, charsPerSec: 4932, elapsedMs: 69_000, etaMs: 720_000 }),
    'epoch 1/2 · step 3/20 · loss 1.612 · valid 1.655 (best 1.650) · 4,932 chars/s · 1 min 9 s · 12 min 0 s left');
  const early = lossSeries({ events: [step(1, 4)], running: false }).stats;
  assert.ok(early);
  assert.equal(formatStats(early), 'epoch 1 · step 1/20 · loss 4.000 · 5,000 chars/s · <1 s');
});
