/** The shape of a model: everything needed to rebuild it before loading its weights. */
export interface ModelConfig {
  /** 'lstm', or 'rnn' for the vanilla tanh RNN of the LSTM-versus-RNN comparison. */
  cell: 'lstm' | 'rnn';
  /** Number of character ids, including the unknown-character slot. */
  vocabSize: number;
  /** Embedding width (floats per character). */
  embedding: number;
  /** Units per recurrent layer. */
  hidden: number;
  /** Stacked recurrent layers. */
  layers: number;
  /** Dropout probability between layers and before the dense layer (training only). */
  dropout: number;
}

/** Defaults sized for a workspace of a few megabytes and a few minutes of CPU training. */
export const DEFAULT_MODEL_CONFIG: Omit<ModelConfig, 'vocabSize'> = {
  cell: 'lstm',
  embedding: 64,
  hidden: 256,
  layers: 2,
  dropout: 0,
};
