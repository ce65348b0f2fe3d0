// The training worker (dist/train-worker.js) lowers its own thread to nice 19 on Linux, where a
// thread's nice value is its own, and leaves the thread that started it (the extension host's,
// here the test's) at its priority.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrainingClient } from '../src/extension/training-client';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';

const worker = path.join(__dirname, '..', 'dist', 'train-worker.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-priority-'));
const client = new TrainingClient(worker);
after(() => {
  client.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Nice value of each thread of this process, by thread id (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNiceness(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields 3, 4, ... (the name may hold spaces)
    out.set(Number(tid), Number(fields[19 - 3]));
  }
  return out;
}

test('the training worker runs at nice 19 and the thread that started it keeps its own', {
  // Only Linux keeps a nice value per thread; from nice 19 or more the worker has nothing to lower.
  skip: process.platform !== 'linux' || os.getPriority() >= 19,
}, async () => {
  const before = os.getPriority();
  fs.writeFileSync(path.join(root, 'a.txt'), 'to be or not to be, that is the question\n'.repeat(200));
  let seen: Map<number, number> | null = null;
  const outcome = await client.train({
    folders: [root], exclude: [], outPath: path.join(root, 'a.safetensors'),
    model: { cell: 'lstm', embedding: 8, hidden: 16, layers: 1, dropout: 0 },
    config: { ...DEFAULT_TRAIN_CONFIG, batch: 4, seqLen: 32, epochs: 1000, validateEvery: 0, patience: 0 },
  }, {
    onEvent: (e) => {
      if (e.kind !== 'step' || seen) return;
      seen = threadNiceness();
      client.cancel();
    },
  });
  assert.equal(outcome.reason, 'cancelled');
  assert.ok(seen, 'a step was reported while the worker ran');
  const nice = seen as Map<number, number>;
  assert.equal(nice.get(process.pid), before, 'the main thread (tid = pid) keeps its nice value');
  assert.equal(os.getPriority(), before);
  assert.ok([...nice.values()].includes(19), `a thread at nice 19: ${JSON.stringify([...nice])}`);
});
