#!/usr/bin/env python3
"""Trains a char-lstm model's exact starting weights in PyTorch, step for step as char-lstm does.

  parity.py --weights init.safetensors --ids train.bin --batch B --seq-len T --steps N \\
            [--lr 2e-3] [--clip 5] [--out final.safetensors] [--two-biases]

`init.safetensors` holds PyTorch-named float32 tensors (src/core/io/pytorch-names.ts:
embedding.weight, lstm.weight_ih_l{l}, ..., fc.weight, fc.bias); `train.bin` the training ids as
little-endian uint16. The ids are cut into B contiguous streams served T at a time with (h, c)
carried between windows (src/core/data/batches.ts), zero again at each epoch's start, torch's
Adam after global-norm clipping (as clip_grad_norm_ without its 1e-6 guard), mean cross-entropy. char-lstm has one bias per LSTM layer: bias_hh stays fixed (at what the file
holds, 0 from char-lstm) unless --two-biases trains it as well, as a stock nn.LSTM does.

Prints one JSON line: {"losses": [...], "grad_norms": [...]} (norms before clipping); with --out
also writes the final weights, same names. Only the standard library and torch.
"""
import argparse
import json
import os
import struct
import sys

os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')

import torch  # noqa: E402
from torch import nn  # noqa: E402
from char_lstm_torch import CharLstm  # noqa: E402


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, entry in header.items():
        if name == '__metadata__':
            continue
        if entry['dtype'] != 'F32':
            raise SystemExit(f'{name}: dtype {entry["dtype"]}, expected F32')
        begin, end = entry['data_offsets']
        out[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(entry['shape']).clone()
    return out


def write_safetensors(path, tensors):
    names = sorted(tensors)
    header, offset, blobs = {}, 0, []
    for name in names:
        t = tensors[name].detach().contiguous().to(torch.float32)
        blob = t.numpy().tobytes() if hasattr(t, 'numpy') else bytes(t.untyped_storage())
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--weights', required=True)
    p.add_argument('--ids', required=True)
    p.add_argument('--batch', type=int, required=True)
    p.add_argument('--seq-len', type=int, required=True)
    p.add_argument('--steps', type=int, required=True)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--clip', type=float, default=5.0)
    p.add_argument('--out')
    p.add_argument('--two-biases', action='store_true')
    p.add_argument('--double', action='store_true', help='compute in float64 (weights are written as float32)')
    args = p.parse_args()
    torch.set_num_threads(1)

    tensors = read_safetensors(args.weights)
    vocab, embedding = tensors['embedding.weight'].shape
    hidden = tensors['lstm.weight_hh_l0'].shape[1]
    layers = sum(1 for name in tensors if name.startswith('lstm.weight_hh_l'))
    model = CharLstm(vocab, embedding, hidden, layers)
    model.load_state_dict(tensors)
    if args.double:
        model.double()
    if not args.two_biases:
        for l in range(layers):
            getattr(model.lstm, f'bias_hh_l{l}').requires_grad_(False)

    with open(args.ids, 'rb') as f:
        ids = torch.frombuffer(bytearray(f.read()), dtype=torch.int16).to(torch.int64) & 0xFFFF
    B, T = args.batch, args.seq_len
    length = (len(ids) - 1) // B
    per_epoch = length // T
    xs = ids[:B * length].view(B, length)
    ys = ids[1:B * length + 1].view(B, length)

    params = [q for q in model.parameters() if q.requires_grad]
    opt = torch.optim.Adam(params, lr=args.lr)
    dtype = torch.float64 if args.double else torch.float32
    zero = lambda: (torch.zeros(layers, B, hidden, dtype=dtype), torch.zeros(layers, B, hidden, dtype=dtype))  # noqa: E731
    state = zero()
    losses, norms = [], []
    for step in range(args.steps):
        s = step % per_epoch
        if s == 0:
            state = zero()
        at = slice(s * T, (s + 1) * T)
        opt.zero_grad(set_to_none=True)
        logits, state = model(xs[:, at], state)
        loss = nn.functional.cross_entropy(logits.reshape(-1, vocab), ys[:, at].reshape(-1))
        loss.backward()
        # clip_grad_norm_ without its + 1e-6 in max_norm / (norm + 1e-6), which char-lstm leaves out.
        norm = torch.sqrt(sum((q.grad ** 2).sum() for q in params))
        if 0 < args.clip < norm:
            for q in params:
                q.grad.mul_(args.clip / norm)
        opt.step()
        state = tuple(t.detach() for t in state)
        losses.append(loss.item())
        norms.append(float(norm))
    print(json.dumps({'losses': losses, 'grad_norms': norms}), flush=True)
    if args.out:
        write_safetensors(args.out, dict(model.state_dict()))


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
