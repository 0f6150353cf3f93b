/**
 * The conversation concern: the engine, flow loading, sessions, and the plug-in points other
 * modules use (flow hooks, commands, status lookups).
 */
export { createEngine, type Engine, type EngineDeps } from "./engine.js";
export { loadFlows, loadFlowFile, FlowError } from "./flows.js";
export type { LoadedFlow, Step, FlowFile } from "./flow-schema.js";
export { SubmissionRefusedError, type ConversationPlugin, type FlowHooks, type CommandHandler, type StatusLookup, type StatusAnswer, type PersonContext, type SubmitContext, type SubmitResult } from "./extensions.js";
export type { Answer, Session } from "./session.js";
export { matchChoice, validatePhone, cleanText } from "./input.js";
