#!/usr/bin/env python3
"""A char-RNN as classic PyTorch notebooks write it, saved the way they save it, for char-lstm's
import test (test/import-pytorch.test.ts):

  foreign_char_rnn.py --text FILE --out-dir DIR [--cell lstm|rnn] [--layers 2] [--embedding 12]
                      [--hidden 24] [--seed 1] [--vocab-form list|char2idx|wrapped|metadata]
                      --prefix TEXT

nn.Embedding -> nn.LSTM (or nn.RNN, tanh; batch_first) -> nn.Linear under other attribute names
than char-lstm's (encoder, rnn, decoder), seeded weights scaled up so the next-character
distribution is far from uniform. The vocabulary is the text's distinct characters in a
shuffled id order. Writes DIR/model.safetensors (the state_dict, with safetensors.torch.save_file
where the safetensors package is installed, else a writer following the format's spec) and,
unless --vocab-form metadata puts it in the file's "vocab" metadata, DIR/vocab.json: a list of
characters by id (list), a {char: id} map (char2idx), or {"char2idx": {...}, "idx2char": [...]}
(wrapped). Prints one JSON line: {"chars": [...by id], "probs": [...by id], "writer": ...}, the
softmax after the prefix. Only the standard library and torch.
"""
import argparse
import json
import os
import random
import struct

os.environ.setdefault('OMP_NUM_THREADS', '1')

import torch  # noqa: E402
from torch import nn  # noqa: E402


class CharRNN(nn.Module):
    def __init__(self, vocab, embedding, hidden, layers, cell):
        super().__init__()
        self.encoder = nn.Embedding(vocab, embedding)
        recurrent = nn.LSTM if cell == 'lstm' else nn.RNN
        self.rnn = recurrent(embedding, hidden, num_layers=layers, batch_first=True)
        self.decoder = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        y, state = self.rnn(self.encoder(x), state)
        return self.decoder(y), state


def save_safetensors(tensors, path, metadata=None):
    """safetensors.torch.save_file if installed, else the same format by its spec: u64 LE header
    length, JSON header (dtype, shape, data_offsets; __metadata__ strings) padded with spaces to
    a multiple of 8, then the raw little-endian data."""
    try:
        from safetensors.torch import save_file
    except ImportError:
        save_file = None
    if save_file is not None:
        save_file(tensors, path, metadata=metadata)
        return 'safetensors.torch.save_file'
    header = {'__metadata__': metadata} if metadata else {}
    blobs, offset = [], 0
    for name, tensor in tensors.items():
        values = tensor.detach().to(torch.float32).contiguous().flatten().tolist()
        blob = struct.pack('<%df' % len(values), *values)
        header[name] = {'dtype': 'F32', 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    return 'spec writer'


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--text', required=True)
    p.add_argument('--out-dir', required=True)
    p.add_argument('--cell', choices=['lstm', 'rnn'], default='lstm')
    p.add_argument('--layers', type=int, default=2)
    p.add_argument('--embedding', type=int, default=12)
    p.add_argument('--hidden', type=int, default=24)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--vocab-form', choices=['list', 'char2idx', 'wrapped', 'metadata'], default='list')
    p.add_argument('--prefix', required=True)
    a = p.parse_args()

    with open(a.text, encoding='utf-8') as f:
        text = f.read()
    chars = sorted(set(text))
    random.Random(a.seed).shuffle(chars)
    char2idx = {c: i for i, c in enumerate(chars)}

    torch.manual_seed(a.seed)
    model = CharRNN(len(chars), a.embedding, a.hidden, a.layers, a.cell)
    with torch.no_grad():
        for param in model.parameters():
            param.mul_(4.0)
        model.decoder.weight.mul_(4.0)
    model.eval()

    metadata = None
    if a.vocab_form == 'metadata':
        metadata = {'vocab': json.dumps(char2idx)}
    else:
        vocab = {'list': chars, 'char2idx': char2idx, 'wrapped': {'char2idx': char2idx, 'idx2char': chars}}[a.vocab_form]
        with open(os.path.join(a.out_dir, 'vocab.json'), 'w', encoding='utf-8') as f:
            json.dump(vocab, f)
    writer = save_safetensors(model.state_dict(), os.path.join(a.out_dir, 'model.safetensors'), metadata)

    with torch.no_grad():
        x = torch.tensor([[char2idx[c] for c in a.prefix]])
        logits, _ = model(x)
        probs = torch.softmax(logits[0, -1].double(), dim=0)
    print(json.dumps({'chars': chars, 'probs': probs.tolist(), 'writer': writer}))


if __name__ == '__main__':
    main()
