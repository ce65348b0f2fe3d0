"""char-lstm's model in PyTorch: nn.Embedding -> nn.LSTM(batch_first=True) -> nn.Linear, with the
PyTorch names src/core/io/pytorch-names.ts reads and writes. Import it after setting the
thread variables (OMP_NUM_THREADS, ...): importing it loads torch."""
from torch import nn


class CharLstm(nn.Module):
    def __init__(self, vocab, embedding, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embedding)
        self.lstm = nn.LSTM(embedding, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, x, state):
        """x `[batch, time]` ids, state (h, c) each `[layers, batch, hidden]`: logits `[batch, time, vocab]`, state."""
        y, state = self.lstm(self.embedding(x), state)
        return self.fc(y), state
