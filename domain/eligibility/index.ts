/** The eligibility pre-check (issue 4): review batches as data, the rules, and one entry point. */
export { checkEligibility, windowsAt, ELIGIBILITY_RULES } from './checkEligibility.js';
export { REVIEW_BATCHES, reviewBatches, findBatch, normaliseSpecialty, type BatchLookup, type BatchQuery } from './batches.js';
export { parseReviewBatches, ReviewBatchError } from './parseReviewBatches.js';
export { PORTAL_RECORDS, batchLevelOf, buildContext, type EligibilityContext } from './context.js';
export { NOTICES } from './reasons.js';
export type * from './reviewBatch.js';
export { BATCH_LEVELS, WINDOW_KINDS, DEFENCE_EXEMPTION_FLAGS, EXCLUSION_KINDS } from './reviewBatch.js';
export type * from './types.js';
