/**
 * Building reasons and outcomes. A rule's verdict is the worst of its reasons (FAIL over UNKNOWN
 * over PASS), so a rule cannot answer PASS while holding an UNKNOWN.
 */
import type { RegionCode } from '../codes.js';
import type { ReviewBatch } from './reviewBatch.js';
import type { Reason, RuleName, RuleOutcome, RuleVerdict, SourceRef } from './types.js';

/** The five notices, for rules that cite a notice other than the batch's own. */
export const NOTICE_FILES = {
  BZ_2024_QUALITY_SUPERVISION_PRIVATE: 'seeds/000_ba746428e1633c0d.txt',
  AKS_2024_MECHANICAL_CHEMICAL: 'seeds/001_e520eb7aacfeab82.txt',
  WLMQ_2024_ENTERPRISES: 'seeds/002_71873f4ae2c06a00.txt',
  BZ_2023_CONSTRUCTION: 'seeds/003_644aaefd655d5b34.txt',
  BZ_2024_ECOLOGY: 'seeds/004_84f1fe4bcff55b36.txt',
} as const;

/** A notice that says nothing on a point is cited as a whole: there is no section to point to. */
export const SILENT_SECTION = '全文未规定';

export function cite(file: string, section: string): SourceRef {
  return { file, section };
}

/** A section of the batch's own notice. */
export function citeBatch(batch: ReviewBatch, section: string): SourceRef {
  return { file: batch.sourceFile, section };
}

export function reason(
  code: string,
  verdict: RuleVerdict,
  messages: { zh: string; en: string },
  source: SourceRef,
  region: RegionCode,
): Reason {
  return { code, verdict, messageZh: messages.zh, messageEn: messages.en, source, region };
}

const SEVERITY: Record<RuleVerdict, number> = { PASS: 0, UNKNOWN: 1, FAIL: 2 };

export function worst(verdicts: readonly RuleVerdict[]): RuleVerdict {
  return verdicts.reduce<RuleVerdict>((acc, verdict) => (SEVERITY[verdict] > SEVERITY[acc] ? verdict : acc), 'PASS');
}

export function outcome(rule: RuleName, reasons: Reason[]): RuleOutcome {
  return { rule, verdict: worst(reasons.map((r) => r.verdict)), reasons };
}

/** A rule that does not apply to this application: PASS, with nothing to tell. */
export function notApplicable(rule: RuleName): RuleOutcome {
  return { rule, verdict: 'PASS', reasons: [] };
}
