// Pipelined priming (PipelinedPrimer): a stacked LSTM's layers on several threads give the same
// state and logits as one thread, to the bit; it follows weight changes, and every way it can
// fail (a worker that cannot start, throws, or stalls) falls back to one thread with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CharModel, INFER_CHUNK } from '../src/core/model/char-model';
import type { ModelConfig } from '../src/core/model/config';
import { loadWasmKernels } from '../src/core/nn/kernels/wasm';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { Stepper } from '../src/core/sampling/stepper';
import { seededRandom } from '../src/core/math/random';
import { PipelinedPrimer, type PrimerOptions } from '../src/core/pipeline/pipelined-primer';
import { cutRows, planStages } from '../src/core/pipeline/plan';
import { Vocab } from '../src/core/data/vocab';
import { DocumentStates } from '../src/completion';

function makeModel(config: Partial<ModelConfig>, seed = 3): CharModel {
  return new CharModel(loadWasmKernels(), { cell: 'lstm', vocabSize: 13, embedding: 9, hidden: 33, layers: 2,
    dropout: 0, ...config }, seededRandom(seed));
}

function randomIds(n: number, vocab: number, seed = 4): number[] {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, () => Math.floor(rng.next() * vocab));
}

/** Bit patterns, so that -0 ≠ 0 and any last-bit difference shows. */
function bits(a: Float32Array | null): number[] {
  assert.ok(a, 'logits present');
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

/** Feeds `ids` from a state primed with `warm` on the model's current path (pipelined or not). */
function feed(model: CharModel, warm: number[], ids: number[]): Stepper {
  const s = new Stepper(model);
  s.feed(warm);
  s.feed(ids);
  return s;
}

/** The same feed with the model's primer set aside: one thread. */
function feedOneThread(model: CharModel, warm: number[], ids: number[]): Stepper {
  const primer = model.primer;
  model.primer = null;
  try {
    return feed(model, warm, ids);
  } finally {
    model.primer = primer;
  }
}

async function started(model: CharModel, options: PrimerOptions = {}): Promise<PipelinedPrimer> {
  const primer = PipelinedPrimer.start(model, options);
  assert.ok(primer, 'a pipeline for a stacked LSTM on wasm kernels');
  assert.equal(await primer.ready, true, `workers ready (${primer.failure})`);
  return primer;
}

const CASES: [string, Partial<ModelConfig>, number][] = [
  ['2x LSTM 33 (awkward sizes), 2 threads', { layers: 2 }, 2],
  ['2x LSTM 256, embedding 64 (model M), 2 threads', { layers: 2, hidden: 256, embedding: 64, vocabSize: 66 }, 2],
  ['3x LSTM 33, 2 threads (layers grouped)', { layers: 3 }, 2],
  ['3x LSTM 40, 3 threads (a layer each)', { layers: 3, hidden: 40 }, 3],
];

for (const [name, config, threads] of CASES) for (const balance of [true, false]) {
  const how = balance ? 'rows split as the load goes' : 'rows split as planned';
  test(`${name}, ${how}: priming 2,000+ chars pipelined gives the state and logits of one thread, to the bit`, async () => {
    const model = makeModel(config);
    const primer = await started(model, { threads, balance });
    try {
      assert.equal(primer.plan.length, threads);
      const V = model.config.vocabSize;
      // From a zero state, and from a state carried from an earlier feed, with a short last chunk.
      for (const [warm, n] of [[[], 2000], [randomIds(5, V, 9), 16 * INFER_CHUNK + 37]] as [number[], number][]) {
        const ids = randomIds(n, V);
        const runs = primer.stats.pipelined;
        const got = feed(model, warm, ids);
        assert.equal(primer.stats.pipelined, runs + 1, 'the prime ran through the pipeline');
        const want = feedOneThread(model, warm, ids);
        assert.deepEqual(bits(got.state), bits(want.state), 'state');
        assert.deepEqual(bits(got.logits), bits(want.logits), 'logits');
        // And the stepper goes on from there as one that primed on one thread.
        const id = ids[7];
        assert.deepEqual(bits(got.step(id)), bits(want.step(id)), 'logits after one more step');
      }
      assert.equal(primer.failure, null);
    } finally {
      await primer.close();
    }
  });
}

test('feedPieces: the copies after each piece equal feeding the pieces one by one on one thread', async () => {
  const model = makeModel({ layers: 2, hidden: 24 });
  const primer = await started(model);
  try {
    const lengths = [256, 3, 0, 300, 256, 1, 700];
    let seed = 20;
    const pieces = lengths.map((n) => randomIds(n, model.config.vocabSize, seed++));
    const runs = primer.stats.pipelined;
    const after = new Stepper(model).feedPieces(pieces);
    assert.equal(primer.stats.pipelined, runs + 1, 'one pipelined run for all the pieces');
    model.primer = null;
    const one = new Stepper(model);
    const want = pieces.map((p) => { one.feed(p); return one.clone(); });
    model.primer = primer;
    assert.equal(after.length, pieces.length);
    after.forEach((s, i) => {
      assert.deepEqual(bits(s.state), bits(want[i].state), `state after piece ${i}`);
      if (want[i].logits) assert.deepEqual(bits(s.logits), bits(want[i].logits), `logits after piece ${i}`);
    });
  } finally {
    await primer.close();
  }
});

test('the document state cache primes through the pipeline and keeps the same states and checkpoints', async () => {
  const chars = 'abcdefghij klmnop\n';
  const vocab = Vocab.fromText(chars);
  const model = makeModel({ layers: 2, hidden: 24, vocabSize: vocab.size });
  const rng = seededRandom(5);
  const text = Array.from({ length: 3000 }, () => chars[Math.floor(rng.next() * chars.length)]).join('');
  const primer = await started(model);
  try {
    const piped = new DocumentStates(model, vocab);
    const runs = primer.stats.pipelined;
    const a = piped.stateAt('doc', text, 2900);
    assert.ok(primer.stats.pipelined > runs, 'pipelined');
    const b = piped.stateAt('doc', text, 2300); // from a checkpoint the first request left
    model.primer = null;
    const single = new DocumentStates(model, vocab);
    const c = single.stateAt('doc', text, 2900);
    const d = single.stateAt('doc', text, 2300);
    model.primer = primer;
    assert.deepEqual(bits(a.state), bits(c.state));
    assert.deepEqual(bits(a.logits), bits(c.logits));
    assert.deepEqual(bits(b.state), bits(d.state));
    assert.deepEqual(bits(b.logits), bits(d.logits));
    assert.equal(piped.stats.stepsRun, single.stats.stepsRun);
  } finally {
    await primer.close();
  }
});

test('after the weights change and refreshInference, the pipeline primes with the new weights', async () => {
  const model = makeModel({ layers: 3, hidden: 20 });
  const primer = await started(model);
  try {
    const ids = randomIds(1000, model.config.vocabSize);
    const before = feed(model, [], ids);
    const { k, params } = model;
    k.scale(params.count, params.values, 0.7);
    const runs = primer.stats.pipelined;
    const got = feed(model, [], ids); // a Stepper from scratch calls refreshInference
    assert.equal(primer.stats.pipelined, runs + 1);
    const want = feedOneThread(model, [], ids);
    assert.deepEqual(bits(got.state), bits(want.state));
    assert.deepEqual(bits(got.logits), bits(want.logits));
    assert.notDeepEqual(bits(got.state), bits(before.state), 'the new weights give a different state');
  } finally {
    await primer.close();
  }
});

test('short texts and single steps run on one thread and still work', async () => {
  const model = makeModel({ layers: 2 });
  const primer = await started(model);
  try {
    assert.equal(primer.minChunks, 2);
    const runs = primer.stats.pipelined;
    const ids = randomIds(INFER_CHUNK, model.config.vocabSize); // one chunk
    const got = feed(model, [], ids);
    got.step(3);
    got.feed([]);
    got.feed([1, 2]);
    assert.equal(primer.stats.pipelined, runs, 'nothing pipelined');
    const want = feedOneThread(model, [], ids);
    want.step(3);
    want.feed([1, 2]);
    assert.deepEqual(bits(got.state), bits(want.state));
    assert.deepEqual(bits(got.logits), bits(want.logits));
  } finally {
    await primer.close();
  }
});

test('a worker that cannot start: priming falls back to one thread, and says why once', async () => {
  const model = makeModel({ layers: 2 });
  const reasons: string[] = [];
  const primer = PipelinedPrimer.start(model, {
    spawn: () => new Worker('throw new Error("no stage here")', { eval: true }),
    onFallback: (why) => reasons.push(why),
  });
  assert.ok(primer);
  assert.equal(await primer.ready, false);
  assert.match(primer.failure ?? '', /no stage here/);
  const ids = randomIds(2000, model.config.vocabSize);
  const got = feed(model, [], ids);
  const want = feedOneThread(model, [], ids);
  assert.deepEqual(bits(got.state), bits(want.state));
  assert.equal(primer.stats.pipelined, 0);
  await new Promise((r) => setTimeout(r, 50)); // the worker's exit event too
  assert.equal(reasons.length, 1, `told once: ${reasons.join(' / ')}`);
  assert.match(reasons[0], /no stage here/);
  await primer.close();
});

test('a spawn that throws, and models with nothing to pipeline, start no pipeline', async () => {
  const model = makeModel({ layers: 2 });
  const reasons: string[] = [];
  const primer = PipelinedPrimer.start(model, { spawn: () => { throw new Error('no threads'); }, onFallback: (w) => reasons.push(w) });
  assert.ok(primer);
  assert.equal(await primer.ready, false);
  assert.deepEqual(reasons, ['a priming thread could not start: no threads']);
  await primer.close();
  assert.equal(model.primer, null, 'closed: detached from the model');

  assert.match(PipelinedPrimer.whyNot(makeModel({ layers: 1 })) ?? '', /one layer/);
  assert.match(PipelinedPrimer.whyNot(makeModel({ cell: 'rnn' })) ?? '', /LSTM/);
  assert.match(PipelinedPrimer.whyNot(makeModel({ layers: 2 }), 1) ?? '', /one thread/);
  const reference = new CharModel(new ReferenceKernels('f32'), { cell: 'lstm', vocabSize: 5, embedding: 3, hidden: 4, layers: 2, dropout: 0 });
  assert.match(PipelinedPrimer.whyNot(reference) ?? '', /not WebAssembly/);
  assert.equal(PipelinedPrimer.start(reference), null);
  assert.equal(reference.primer, null);
});

/** A stage worker (tsx, from source) that gets ready, then on a run fails or never moves. */
function fakeStage(onRun: 'fail' | 'stall'): Worker {
  const control = JSON.stringify(path.join(__dirname, '..', 'src', 'core', 'pipeline', 'control.ts'));
  return new Worker(`
    require('tsx/cjs');
    const { parentPort } = require('node:worker_threads');
    const { Control } = require(${control});
    let control, stage;
    parentPort.on('message', (m) => {
      if (m.kind === 'init') {
        control = new Control(m.control, m.plan.length);
        stage = m.stage;
        control.set(stage, 'ready', 1);
        parentPort.postMessage({ kind: 'ready' });
      } else if (${JSON.stringify(onRun)} === 'fail') {
        control.fail('stage ' + stage + ' broke');
      }
    });`, { eval: true });
}

for (const onRun of ['fail', 'stall'] as const) {
  test(`a worker that ${onRun === 'fail' ? 'fails' : 'stalls'} mid-prime: the prime finishes on one thread, the pipeline is given up`, async () => {
    const model = makeModel({ layers: 2 });
    const reasons: string[] = [];
    const primer = await started(model, { spawn: () => fakeStage(onRun), stallMs: 300, onFallback: (w) => reasons.push(w) });
    const ids = randomIds(2000, model.config.vocabSize);
    const startedAt = performance.now();
    const got = feed(model, [], ids);
    const ms = performance.now() - startedAt;
    const want = feedOneThread(model, [], ids);
    assert.deepEqual(bits(got.state), bits(want.state), 'the state as one thread makes it, from the untouched start');
    assert.deepEqual(bits(got.logits), bits(want.logits));
    assert.ok(ms < 5000, `bounded: ${ms} ms`);
    assert.equal(reasons.length, 1);
    assert.match(reasons[0], onRun === 'fail' ? /stage 1 broke/ : /no progress for/);
    assert.equal(primer.failure, reasons[0]);
    // For good: the next prime does not try again.
    const again = performance.now();
    feed(model, [], ids);
    assert.ok(performance.now() - again < 2000);
    assert.equal(reasons.length, 1);
    await primer.close();
  });
}

test('the plan: stages balance the items, split an input product by rows, at most one per layer', () => {
  const shapes = (L: number, H = 256) => Array.from({ length: L }, (_, l) => ({ inputSize: l ? H : 64, hidden: H }));
  const two = planStages(shapes(2), 2);
  assert.equal(two.length, 2);
  assert.deepEqual([two[0].first, two[0].last, two[1].first, two[1].last], [0, 0, 1, 1]);
  assert.equal(two[0].cutOut?.layer, 1);
  assert.ok(two[0].cutOut!.share > 0.3 && two[0].cutOut!.share < 0.7, `share ${two[0].cutOut!.share}`);
  assert.equal(planStages(shapes(2), 8).length, 2, 'at most one stage per layer');
  assert.equal(planStages(shapes(1), 2).length, 1);
  const three = planStages(shapes(3), 2);
  assert.equal(three.length, 2);
  assert.equal(three[1].last, 2);
  for (const [L, n] of [[4, 4], [8, 3], [3, 2], [2, 2], [5, 8]]) {
    const plan = planStages(shapes(L), n);
    assert.equal(plan.length, Math.min(L, n), `${L} layers, ${n} threads: a stage per thread`);
    // Contiguous: every layer's recurrence in exactly one stage, cuts agreeing on both sides.
    assert.equal(plan[0].first, 0);
    assert.equal(plan[plan.length - 1].last, L - 1);
    plan.forEach((s, i) => {
      assert.ok(s.first <= s.last);
      if (i > 0) {
        assert.equal(s.first, plan[i - 1].last + 1);
        assert.deepEqual(s.cutIn, plan[i - 1].cutOut);
        assert.equal(s.cutIn?.layer, s.first);
      }
    });
  }
  // Rows of a split: none, all, or both parts at least 4 (the matmul path for each).
  assert.equal(cutRows(0, 128), 0);
  assert.equal(cutRows(1, 128), 128);
  assert.equal(cutRows(0.5, 128), 64);
  assert.equal(cutRows(0.01, 128), 4);
  assert.equal(cutRows(0.99, 128), 124);
  assert.equal(cutRows(0.3, 7), 0);
  assert.equal(cutRows(0.6, 7), 7);
  assert.equal(cutRows(0.5, 8), 4);
});

test('an input product split by rows as the pipeline splits it equals the whole, to the bit', () => {
  // What bit-identical pipelining rests on: `project` over rows [0, r) and [r, time) separately
  // makes each row exactly as one call over all rows does, for every split cutRows allows.
  for (const H of [33, 130, 256]) {
    const model = makeModel({ layers: 2, embedding: 8, hidden: H });
    const layer = model.lstmLayers()![1];
    assert.equal(layer.inputSize, H);
    model.refreshInference();
    const { k } = model;
    const rng = seededRandom(H);
    for (const time of [1, 3, 4, 7, 8, 9, 80, INFER_CHUNK]) {
      const x = k.alloc(time * H), whole = k.alloc(time * 4 * H), parts = k.alloc(time * 4 * H);
      for (let i = 0; i < time * H; i++) k.heap[x + i] = rng.next() * 2 - 1;
      layer.project(time, x, whole);
      const want = bits(k.heap.slice(whole, whole + time * 4 * H) as Float32Array);
      for (const share of [0, 0.01, 0.3, 0.5, 0.77, 0.99, 1]) {
        const r = cutRows(share, time);
        k.fill(time * 4 * H, parts, NaN);
        if (r > 0) layer.project(r, x, parts);
        if (r < time) layer.project(time - r, x + r * H, parts + r * 4 * H);
        assert.deepEqual(bits(k.heap.slice(parts, parts + time * 4 * H) as Float32Array), want, `time ${time}, rows ${r}`);
      }
    }
  }
});
