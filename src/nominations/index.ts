/**
 * Nominations (đề cử): submission with code, evidence and outbox in one transaction; the
 * submitter's status lookup and withdrawal; publishable examples; the conversation plugin.
 */
export {
  submitNomination,
  storePendingEvidence,
  submissionsToday,
  recentNominationOfSameNominee,
  DailyLimitError,
  NOMINATION_CODE_PREFIX,
  startOfVietnamDay,
  vietnamYear,
  type NominationInput,
} from "./submissions.js";
export {
  nominationStatusFor,
  withdrawNomination,
  publishedExamples,
  type NominationStatus,
  type PublishedExample,
} from "./lookup.js";
export { createNominationPlugin, NOMINATION_STEPS } from "./conversation.js";
