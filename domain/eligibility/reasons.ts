/**
 * Building reasons and outcomes. A rule's verdict is the worst of its reasons (FAIL over UNKNOWN
 * over PASS), so a rule cannot answer PASS while holding an UNKNOWN.
 */
import type { RegionCode } from '../codes.js';
import { REVIEW_BATCHES } from './batches.js';
import type { ReviewBatch } from './reviewBatch.js';
import type { Reason, RuleName, RuleOutcome, RuleVerdict, SourceRef } from './types.js';

/**
 * Our keys of the five notices (docs/eligibility.md lists them), for rules that cite a notice
 * other than the batch's own. Issuer, title and date come from the notice's batch in batches.json.
 */
export const NOTICES = {
  /** 巴音郭楞蒙古自治州市场监督管理局, 2024-07-07: 2024 质量技术监督 民营企业专项评审. */
  BZ_2024_QUALITY_SUPERVISION_PRIVATE: '000',
  /** 阿克苏地区工业和信息化局, 2024-07-15: 2024 机械电子、化工（含制药）评审及民营企业专项评审. */
  AKS_2024_MECHANICAL_CHEMICAL: '001',
  /** 经济技术开发区（头屯河区）人力资源和社会保障局, 2024-08-27: 2024 自贸区经开块及头屯河区企业评审. */
  WLMQ_2024_ENTERPRISES: '002',
  /** 巴音郭楞蒙古自治州住房和城乡建设局, 2023-08-10: 2023 建筑专业中、初级. */
  BZ_2023_CONSTRUCTION: '003',
  /** 巴音郭楞蒙古自治州生态环境局, 2024-08-21: 2024 生态环境专业中、初级. */
  BZ_2024_ECOLOGY: '004',
} as const;

/** A notice that says nothing on a point is cited as a whole: there is no section to point to. */
export const SILENT_SECTION = '全文未规定';

/** A section of a notice, by our key of it. */
export function cite(notice: string, section: string): SourceRef {
  const batch = REVIEW_BATCHES.find((candidate) => candidate.notice === notice);
  // The keys are constants above; a key without a batch is a programming error, caught at load.
  if (!batch) throw new Error(`No batch in batches.json comes from notice ${notice}`);
  return citeBatch(batch, section);
}

/** A section of the batch's own notice. */
export function citeBatch(batch: ReviewBatch, section: string): SourceRef {
  return { notice: batch.notice, issuer: batch.issuer, title: batch.title, issuedOn: batch.issuedOn, section };
}

export function reason(
  code: string,
  verdict: RuleVerdict,
  messages: { zh: string; en: string },
  source: SourceRef | null,
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
