// Model M of the benchmark: Embedding 64 → LSTM 256 → LSTM 256 → Dense, batch 32, length 100.
export const MODEL_M = { cell: 'lstm' as const, embedding: 64, hidden: 256, layers: 2, dropout: 0 };
export const BATCH = 32;
export const SEQ_LEN = 100;
