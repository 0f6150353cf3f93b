/**
 * The conversation concern: the engine, flow loading, sessions, the typed words, and the plug-in
 * points other modules use (flow hooks, commands, status lookups, withdrawals, evidence storage).
 */
export { createEngine, type Engine, type EngineDeps } from "./engine.js";
export { loadFlows, loadFlowFile, FlowError } from "./flows.js";
export type { LoadedFlow, Step, FlowFile } from "./flow-schema.js";
export {
  SubmissionRefusedError,
  type ConversationPlugin,
  type FlowHooks,
  type CommandHandler,
  type CommandSpec,
  type StatusLookup,
  type StatusAnswer,
  type Withdrawal,
  type SubmissionLine,
  type EvidenceStore,
  type PersonContext,
  type SubmitContext,
  type SubmitResult,
} from "./extensions.js";
export { Vocabulary, type WordList } from "./vocabulary.js";
export type { Answer, Session } from "./session.js";
export { matchChoice, validatePhone, cleanText } from "./input.js";
