// Which model a workspace keeps when a run ends, fails, or was cut short by VS Code closing:
// the better of the run's best checkpoint (the candidate) and the workspace model, by validation
// loss; a damaged candidate is removed and never replaces anything; a storage folder that cannot
// be written says so in one line and loses neither file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CharModel } from '../src/core/model/char-model';
import { loadModel, saveModel } from '../src/core/io/model-file';
import { Vocab } from '../src/core/data/vocab';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { seededRandom } from '../src/core/math/random';
import { WorkspaceModelFiles } from '../src/extension/workspace-model-files';
import { mountTmpfs } from './tmpfs';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-files-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const vocab = Vocab.fromText('abc de\n');

async function writeModel(file: string, validLoss: number, seed: number): Promise<void> {
  const model = new CharModel(new ReferenceKernels('f32'), { cell: 'lstm', vocabSize: vocab.size, embedding: 4, hidden: 8, layers: 1, dropout: 0 }, seededRandom(seed));
  await saveModel(file, model, vocab, { validLoss });
}

function store(): WorkspaceModelFiles {
  return new WorkspaceModelFiles(fs.mkdtempSync(path.join(root, 'storage-')));
}

const lossOf = async (file: string) => (await loadModel(file, new ReferenceKernels('f32'))).info.validLoss;

test('no candidate: nothing changes', async () => {
  const files = store();
  await writeModel(files.workspace, 1.5, 1);
  const before = fs.readFileSync(files.workspace);
  assert.deepEqual(await files.settle(), { kept: 'none' });
  assert.deepEqual(fs.readFileSync(files.workspace), before);
});

test('a better candidate becomes the workspace model; a worse one is removed and the workspace model kept', async () => {
  const files = store();
  await writeModel(files.workspace, 1.5, 1);
  await writeModel(files.candidate, 1.2, 2);
  const candidate = fs.readFileSync(files.candidate);
  assert.deepEqual(await files.settle(), { kept: 'candidate', loss: 1.2, previous: 1.5 });
  assert.deepEqual(fs.readFileSync(files.workspace), candidate);
  assert.ok(!fs.existsSync(files.candidate));

  await writeModel(files.candidate, 1.3, 3);
  assert.deepEqual(await files.settle(), { kept: 'previous', loss: 1.3, previous: 1.2 });
  assert.equal(await lossOf(files.workspace), 1.2);
  assert.ok(!fs.existsSync(files.candidate));
});

test('with no workspace model, or a damaged one, the candidate is kept', async () => {
  const files = store();
  await writeModel(files.candidate, 2.0, 1);
  assert.deepEqual(await files.settle(), { kept: 'candidate', loss: 2.0, previous: null });
  fs.writeFileSync(files.workspace, fs.readFileSync(files.workspace).subarray(0, 100)); // truncated
  await writeModel(files.candidate, 2.5, 2);
  assert.deepEqual(await files.settle(), { kept: 'candidate', loss: 2.5, previous: null });
  assert.equal(await lossOf(files.workspace), 2.5);
});

test('a damaged candidate is removed with the reason and never replaces the workspace model', async () => {
  const files = store();
  await writeModel(files.workspace, 1.5, 1);
  const before = fs.readFileSync(files.workspace);
  await writeModel(files.candidate, 0.5, 2);
  const bytes = fs.readFileSync(files.candidate);
  bytes[bytes.length - 3] ^= 0x40; // one flipped weight bit: the checksum refuses it
  fs.writeFileSync(files.candidate, bytes);
  const settled = await files.settle();
  assert.equal(settled.kept, 'previous');
  assert.match('damaged' in settled ? settled.damaged : '', /damaged/);
  assert.deepEqual(fs.readFileSync(files.workspace), before);
  assert.ok(!fs.existsSync(files.candidate));
});

test('a read-only storage folder: settling says so in one line and both files survive', async (t) => {
  const fsys = mountTmpfs(256);
  if (typeof fsys === 'string') return t.skip(fsys);
  try {
    const files = new WorkspaceModelFiles(fsys.dir);
    await writeModel(files.workspace, 1.5, 1);
    await writeModel(files.candidate, 1.0, 2);
    fsys.readOnly();
    await assert.rejects(files.settle(), (e: Error) => {
      t.diagnostic(e.message);
      assert.match(e.message, /^cannot keep the new model: .*workspace\.safetensors: the folder is on a read-only file system \(EROFS\)$/);
      return true;
    });
    assert.equal(await lossOf(files.workspace), 1.5);
    assert.equal(await lossOf(files.candidate), 1.0, 'the candidate stays for the next start');
    await assert.rejects(files.prepare(files.candidate), /^Error: cannot use the storage folder: .*read-only file system \(EROFS\)$/);
  } finally {
    fsys.unmount();
  }
});
