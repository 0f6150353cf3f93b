/**
 * The knowledge of Plan 154/KH-UBND: loading, Vietnamese-aware search and answers. Other concerns
 * (the conversation engine, the CLI) use only what is exported here.
 */
export type { Lang } from "../i18n/locales.js";
export type { AnswerChoice, KnowledgeAnswer } from "./answer.js";
export type { NominationCategory } from "./schema.js";
export { NOMINATION_CATEGORIES } from "./schema.js";
export { loadKnowledge, type Knowledge, type KnowledgeOptions } from "./knowledge.js";
export { withAnswerCache } from "./answer-cache.js";
export { KnowledgeFileError } from "./knowledge-base.js";
export { normalizeVietnamese } from "./normalize.js";
