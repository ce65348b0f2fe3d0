import type { CharModel } from '../model/char-model';
import { Stepper } from '../sampling/stepper';
import type { CharPredictor } from './predictor';

/** A character model (LSTM or RNN) as a CharPredictor: a Stepper, its logits as scores. */
export class LstmPredictor implements CharPredictor {
  readonly vocabSize: number;

  private constructor(private readonly stepper: Stepper) {
    this.vocabSize = stepper.model.config.vocabSize;
  }

  /** A predictor that has read `context` (at least one id) from a zero state, as the editor reads a window. */
  static after(model: CharModel, context: ArrayLike<number>): LstmPredictor {
    if (context.length === 0) throw new RangeError('the LSTM needs at least one character of context');
    const stepper = new Stepper(model);
    stepper.feed(context);
    return new LstmPredictor(stepper);
  }

  /** A predictor continuing from `stepper`, which it then owns (steps on). */
  static reading(stepper: Stepper): LstmPredictor {
    return new LstmPredictor(stepper);
  }

  scores(): Float32Array {
    return this.stepper.logits as Float32Array;
  }

  step(id: number): void {
    this.stepper.step(id);
  }

  clone(): LstmPredictor {
    return new LstmPredictor(this.stepper.clone());
  }
}
