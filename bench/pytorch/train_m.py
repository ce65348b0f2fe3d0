#!/usr/bin/env python3
"""Model M in PyTorch, trained exactly as char-lstm trains it, for `npm run bench`.

Embedding(V, 64) -> LSTM(64, 256, 2 layers) -> Linear(256, V); batch 32, length 100, Adam
lr 2e-3, global gradient-norm clip 5, mean cross-entropy. Truncated BPTT as in
src/core/data/batches.ts: the training ids are cut into 32 contiguous streams and step s of an
epoch reads positions [s*100, (s+1)*100) of each, carrying (h, c) from the previous step (zero
at the start of each epoch). The corpus is read as the char-lstm CLI reads one file: line ends
become \\n, a blank line is appended, the first 90% trains and the last 10% validates (split by
position), the vocabulary is every character of the text plus one unknown id.

  train_m.py throughput --threads T --seconds N   one JSON line: chars/s after a warm-up
  train_m.py quality --threads T --minutes M      JSON lines: each validation, then the result

Initialisation is torch's default, which char-lstm's draws from the same distributions (its one
LSTM bias is the sum of two uniforms, as bias_ih + bias_hh). From the same weights both train
step for step alike: see parity.py and test/pytorch-parity.test.ts.

Losses are nats/char. Only the standard library and torch: Debian's python3-torch runs it.
"""
import argparse
import json
import math
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('mode', choices=['throughput', 'quality'])
    p.add_argument('--data', default=os.path.join(os.path.dirname(__file__), '..', '..', 'data', 'tinyshakespeare.txt'))
    p.add_argument('--threads', type=int, default=1, help='OpenMP, OpenBLAS and torch intra-op threads')
    p.add_argument('--seconds', type=float, default=20, help='throughput: timed seconds after the warm-up')
    p.add_argument('--warmup-steps', type=int, default=3, help='throughput: untimed steps first')
    p.add_argument('--minutes', type=float, default=10, help='quality: wall-clock budget, validations included')
    p.add_argument('--validate-every', type=int, default=100, help='quality: validate every this many steps')
    p.add_argument('--lr-decay', type=float, default=0.5,
                   help='quality: multiply lr by this after a validation without a new best (char-lstm CLI default)')
    p.add_argument('--seed', type=int, default=1)
    return p.parse_args()


ARGS = parse_args()
# Before torch loads: OpenMP and OpenBLAS size their thread pools once, at start. One count for
# all three, or OpenBLAS's threads and torch's OpenMP threads fight over the two cores.
for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[var] = str(ARGS.threads)

import torch  # noqa: E402
from torch import nn  # noqa: E402
from char_lstm_torch import CharLstm  # noqa: E402

EMBEDDING, HIDDEN, LAYERS, BATCH, SEQ_LEN = 64, 256, 2, 32, 100
LR, CLIP = 2e-3, 5.0
VALID_FRACTION = 0.1
MAX_VALID_CHARS = 250_000  # as DEFAULT_TRAIN_CONFIG.maxValidChars
UNKNOWN = '\ufffd'


def load_corpus(path):
    """(train ids, valid ids, vocabulary size) as int64 tensors, cut as char-lstm cuts them."""
    with open(path, encoding='utf-8-sig') as f:
        text = f.read().replace('\r\n', '\n').replace('\r', '\n') + '\n\n'  # FILE_SEPARATOR
    cut = len(text) - math.floor(len(text) * VALID_FRACTION + 0.5)  # JS Math.round
    chars = sorted(set(text) - {UNKNOWN})
    index = {ch: i for i, ch in enumerate(chars)}
    ids = torch.tensor([index[ch] for ch in text], dtype=torch.int64)
    return ids[:cut], ids[cut:][:MAX_VALID_CHARS], len(chars) + 1


class Streams:
    """`batch` contiguous streams of `ids`, served `seq_len` at a time (StreamBatches)."""

    def __init__(self, ids, batch, seq_len):
        self.batch, self.seq_len = batch, seq_len
        length = (len(ids) - 1) // batch
        self.steps = length // seq_len
        self.x = ids[:batch * length].view(batch, length)
        self.y = ids[1:batch * length + 1].view(batch, length)

    def window(self, s):
        at = slice(s * self.seq_len, (s + 1) * self.seq_len)
        return self.x[:, at], self.y[:, at]


def fit(length, batch, seq_len):
    """StreamBatches.fit: the largest batch and length that give one window over `length` ids."""
    t = min(seq_len, length - 1)
    return max(1, min(batch, (length - 1) // t)), t


def zero_state(batch):
    return torch.zeros(LAYERS, batch, HIDDEN), torch.zeros(LAYERS, batch, HIDDEN)


class Trainer:
    """One training step at a time, carrying state between consecutive windows."""

    def __init__(self, model, train_ids):
        self.model = model
        self.streams = Streams(train_ids, BATCH, SEQ_LEN)
        self.opt = torch.optim.Adam(model.parameters(), lr=LR)
        self.loss_fn = nn.CrossEntropyLoss()
        self.step_count = 0
        self.state = zero_state(BATCH)

    def step(self):
        s = self.step_count % self.streams.steps
        if s == 0:
            self.state = zero_state(BATCH)  # each epoch starts from zero, as char-lstm's trainer does
        x, y = self.streams.window(s)
        self.opt.zero_grad(set_to_none=True)
        logits, state = self.model(x, self.state)
        loss = self.loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), CLIP)
        self.opt.step()
        self.state = tuple(t.detach() for t in state)
        self.step_count += 1
        return loss.item()


@torch.no_grad()
def evaluate(model, ids):
    """Mean loss over `ids` read as streams from a zero state, as src/core/eval/evaluate.ts."""
    batch, seq_len = fit(len(ids), BATCH, SEQ_LEN)
    streams = Streams(ids, batch, seq_len)
    state, total = zero_state(batch), 0.0
    for s in range(streams.steps):
        x, y = streams.window(s)
        logits, state = model(x, state)
        total += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).item()
    return total / streams.steps


def blas_in_use():
    """The BLAS and LAPACK libraries actually mapped into this process (after torch loaded)."""
    found = set()
    with open('/proc/self/maps') as f:
        for line in f:
            path = line.split()[-1]
            if 'blas' in path or 'lapack' in path:
                found.add(os.path.realpath(path))
    return sorted(found)


def describe(threads):
    return {'threads': threads, 'torch_threads': torch.get_num_threads(), 'torch_version': torch.__version__,
            'blas': blas_in_use()}


def throughput(model, train_ids):
    trainer = Trainer(model, train_ids)
    for _ in range(ARGS.warmup_steps):
        trainer.step()
    start, steps = time.perf_counter(), 0
    while time.perf_counter() - start < ARGS.seconds or steps < 2:
        trainer.step()
        steps += 1
    seconds = time.perf_counter() - start
    print(json.dumps({'chars_per_s': round(steps * BATCH * SEQ_LEN / seconds), 'steps': steps,
                      'seconds': round(seconds, 1), **describe(ARGS.threads)}), flush=True)


def quality(model, train_ids, valid_ids):
    """Trains for the budget; the best validation within it is what a checkpointing run keeps."""
    trainer = Trainer(model, train_ids)
    deadline = time.perf_counter() + ARGS.minutes * 60
    start, best, lr = time.perf_counter(), math.inf, LR
    while time.perf_counter() < deadline:
        trainer.step()
        if trainer.step_count % ARGS.validate_every == 0:
            minutes = (time.perf_counter() - start) / 60  # when training paused to validate
            loss = evaluate(model, valid_ids)
            if loss < best:
                best = loss
            else:
                lr *= ARGS.lr_decay
                for group in trainer.opt.param_groups:
                    group['lr'] = lr
            print(json.dumps({'kind': 'validation', 'step': trainer.step_count, 'valid_loss': round(loss, 4),
                              'best_valid_loss': round(best, 4), 'lr': lr,
                              'minutes': round(minutes, 2)}), flush=True)
    final = evaluate(model, valid_ids)  # after the budget: the weights the budget ended with
    print(json.dumps({'kind': 'result', 'minutes': ARGS.minutes, 'steps': trainer.step_count,
                      'chars_seen': trainer.step_count * BATCH * SEQ_LEN,
                      'best_valid_loss': None if best == math.inf else round(best, 4),
                      'final_valid_loss': round(final, 4), 'validate_every': ARGS.validate_every,
                      **describe(ARGS.threads)}), flush=True)


def main():
    torch.set_num_threads(ARGS.threads)
    torch.manual_seed(ARGS.seed)
    train_ids, valid_ids, vocab_size = load_corpus(ARGS.data)
    model = CharLstm(vocab_size, EMBEDDING, HIDDEN, LAYERS)
    model.train()  # no dropout in M: train and eval modes compute the same
    if ARGS.mode == 'throughput':
        throughput(model, train_ids)
    else:
        quality(model, train_ids, valid_ids)


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
