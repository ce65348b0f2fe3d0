// The editor-independent half of inline completion; the VS Code provider is a thin layer over it.
export { CompletionEngine, type CompletionRequest, type CompletionResult } from './complete';
export { DocumentStates, type DocumentStatesOptions, encodeForModel } from './document-states';
export { applyStopRules, type StopRules } from './stop-rules';
export { isInsideWord, restAllowsCompletion, trimDuplicateClosers } from './mid-word';
