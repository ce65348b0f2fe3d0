import { loadModel, type LoadedModel, type TrainingInfo } from '../core/io/model-file';
import type { WorkspaceMixture } from '../core/mix/workspace-mixture';
import { createKernels } from '../core/nn/kernels/select';
import { PipelinedPrimer } from '../core/pipeline/pipelined-primer';
import { ThreadedLearner } from '../core/dynamic/threaded-learner';
import { CompletionEngine } from './complete';
import { TypingAdaptation } from './typing-adaptation';

export interface CompletionSessionOptions {
  /** One line when something degrades quietly: priming falls back to one thread, learning stops. */
  log?: (line: string) => void;
  /** After the weights learnt from a typed stretch were adopted. */
  onLearned?: () => void;
}

/** A loaded model, or one made here (its training info then empty). */
export type SessionModel = Omit<LoadedModel, 'info'> & { info?: TrainingInfo };

/**
 * A model as the editor completes with it: its CompletionEngine (mixed with the n-gram saved
 * with the model, if any), the pipelined primer that shares a document's first priming over the
 * cores, and, while asked, the typing adaptation that learns what is typed on a learner thread.
 * `close` stops their threads.
 */
export class CompletionSession {
  readonly engine: CompletionEngine;
  readonly info: TrainingInfo;
  readonly mixture: WorkspaceMixture | undefined;
  /** Resolves true once the primer's threads are ready; false when priming stays on one thread. */
  readonly ready: Promise<boolean>;
  private readonly primer: PipelinedPrimer | null;
  private learning: TypingAdaptation | null = null;

  /** Loads `file` into kernels of its own; throws (a one-line ModelFileError) when it does not load. */
  static async open(file: string, options: CompletionSessionOptions = {}): Promise<CompletionSession> {
    return new CompletionSession(await loadModel(file, createKernels()), options);
  }

  constructor({ model, vocab, info = {}, mixture }: SessionModel, private readonly options: CompletionSessionOptions = {}) {
    this.engine = new CompletionEngine(model, vocab, undefined, mixture ?? null);
    this.info = info;
    this.mixture = mixture;
    // A document's first completion primes up to 4,000 characters: with a pipelined primer the
    // model's layers share that over the cores. Owned by the model (model.primer), closed with
    // this session.
    this.primer = PipelinedPrimer.start(model, { onFallback: (why) => options.log?.(`Priming runs on one thread: ${why}`) });
    this.ready = this.primer?.ready ?? Promise.resolve(false);
  }

  /** The weights following what is typed, while `adaptToTyping` is on. */
  get adaptation(): TypingAdaptation | null {
    return this.learning;
  }

  /**
   * Starts or stops learning what is typed; stopping puts the weights the model was loaded with
   * back (resolved once they are).
   */
  adaptToTyping(on: boolean): Promise<void> {
    if (on === (this.learning !== null)) return Promise.resolve();
    if (!on) {
      const stopped = this.learning!;
      this.learning = null;
      return stopped.close(true);
    }
    const adaptation: TypingAdaptation = new TypingAdaptation(this.engine, new ThreadedLearner(this.engine.model), {
      onLearned: () => {
        if (this.learning === adaptation) this.options.onLearned?.();
      },
      onFailure: (why) => this.options.log?.(`Learning what you type stopped: ${why}`),
    });
    this.learning = adaptation;
    return Promise.resolve();
  }

  /** Stops the primer's and the learner's threads, keeping the weights learnt: the session is done with. */
  async close(): Promise<void> {
    await Promise.all([this.primer?.close(), this.learning?.close(false)]);
  }
}
