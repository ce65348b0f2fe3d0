// The editor-independent half of inline completion; the VS Code provider is a thin layer over it.
export { CompletionEngine, REST_OF_LINE_LIMIT, type CompletionRequest, type CompletionResult } from './complete';
export { DocumentStates, type DocumentStatesOptions, encodeForModel } from './document-states';
export {
  completeInEditor, staleReason, type EditorDocument, type EditorOutcome, type EditorRequest, type EditorRequestHooks,
  type StaleReason,
} from './editor-request';
export { applyStopRules, type StopRules } from './stop-rules';
export { isInsideWord, restAllowsCompletion, trimDuplicateClosers } from './mid-word';
export { TypingAdaptation, type TypingAdaptationOptions } from './typing-adaptation';
export { CompletionSession, type CompletionSessionOptions, type SessionModel } from './session';
