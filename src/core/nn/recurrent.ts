import type { HeapOffset } from './kernels/kernels';

/**
 * A recurrent layer over a time-major batch: inputs `[time, batch, inputSize]`, outputs
 * `[time, batch, hidden]`, every buffer a heap offset.
 *
 * State lives outside the layer, in a buffer `[stateSize/hidden blocks of [batch, hidden]]`
 * (h first, then c for an LSTM), so one layer serves training streams, validation streams
 * and any number of editor documents, each carrying its own state.
 */
export interface RecurrentLayer {
  readonly inputSize: number;
  readonly hidden: number;
  /** Floats of recurrent state per stream: hidden for an RNN, 2*hidden (h, c) for an LSTM. */
  readonly stateSize: number;

  /** Runs `time` steps starting from `state`; returns the output offset `[time, batch, hidden]`. */
  forward(batch: number, time: number, input: HeapOffset, state: HeapOffset): HeapOffset;
  /** Copies the state the last forward of this shape ended with into `state`. */
  finalState(batch: number, time: number, state: HeapOffset): void;
  /**
   * Backward through the last forward of this shape. dOutput `[time, batch, hidden]` is
   * ∂L/∂output and is overwritten. Adds the weight gradients; returns the offset of
   * ∂L/∂input `[time, batch, inputSize]`, or -1 when `needInputGrad` is false. Gradients do not
   * flow into the initial state (truncated backpropagation through time).
   */
  backward(batch: number, time: number, dOutput: HeapOffset, needInputGrad: boolean): HeapOffset;
}
