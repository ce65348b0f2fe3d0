// What the extension should show, computed by the same core outside VS Code: with greedy
// sampling the ghost text is a pure function of the model and the text before the cursor.
import { CompletionEngine } from '../../src/completion';
import { loadModel } from '../../src/core/model/model-file';
import { createKernels } from '../../src/core/nn/kernels/select';

/** The greedy ghost text for a cursor at the end of `text` ('' where none would show). */
export async function expectedGreedy(modelPath: string, text: string, maxChars = 40): Promise<string> {
  const { model, vocab } = await loadModel(modelPath, createKernels());
  const result = new CompletionEngine(model, vocab).complete({
    docKey: 'e2e', text, offset: text.length, strategy: { kind: 'greedy' }, maxChars, stopAtEndOfLine: true,
  });
  return result?.insertText ?? '';
}
