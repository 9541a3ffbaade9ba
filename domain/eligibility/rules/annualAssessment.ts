/**
 * ANNUAL_ASSESSMENT: 年度考核 in the years the notice asks about.
 * 003 §五(一)10 and 004 §五(一)10: "年度考核每出现1次考核结果为基本合格者，顺延1年申报；每出现1次考核结果为不合格者，顺延2年申报".
 * 000 附件1 一、10: "考核结果为不合格等次的按任职资格条件要求延期申报" (a delay, by how much not said).
 * 001 §四(一)6 asks for the last 3 years' forms and sets no delay; 002 says nothing of assessments.
 *
 * What "顺延 N 年申报" means for the verdict: the applicant may apply N years later than they
 * otherwise could, i.e. N more years in the current title than the 任职资格条件 require. It is not a
 * bar on this year by itself: someone long past the required years still qualifies. The required
 * years are set by the 评审条件 for each level and education, which are not in the notices, so the
 * rule cannot finish the sum: any 基本合格 or 不合格 in the years asked about gives UNKNOWN, with
 * the total delay, for a clerk to compare with the years in the current title. Where the notice
 * sets no delay for a result, the reason says so and points to the 任职资格条件 instead.
 *
 * Assessments are the person's, so every region's are read, worst result per year. A year no
 * portal records is not held against the applicant (the forms are uploaded and audited: 003
 * §五(一)10 "按要求上传近三年年度考核表"); the PASS reason names such years.
 */
import { ASSESSMENT_RESULTS, type AssessmentResult } from '../../codes.js';
import type { Assessment } from '../../types.js';
import { PORTAL_RECORDS, recordsOf, type EligibilityContext } from '../context.js';
import { SILENT_SECTION, citeBatch, outcome, reason } from '../reasons.js';
import type { AssessmentRule } from '../reviewBatch.js';
import type { Reason, RuleOutcome } from '../types.js';

const BAD: ReadonlySet<AssessmentResult> = new Set(['BASIC_PASS', 'FAIL']);
const RANK: Record<AssessmentResult, number> = { EXCELLENT: 0, PASS: 0, UNKNOWN: 1, BASIC_PASS: 2, FAIL: 3 };

/** The total delay in years, and whether some part of it the notice does not quantify or set. */
export function assessmentDelay(rule: AssessmentRule, results: readonly AssessmentResult[]): {
  years: number;
  unquantified: boolean;
  unset: boolean;
} {
  let years = 0;
  let unquantified = false;
  let unset = false;
  for (const result of results) {
    if (!BAD.has(result)) continue;
    const delay = rule.delays.find((candidate) => candidate.result === result);
    if (!delay) unset = true;
    else if (delay.years === null) unquantified = true;
    else years += delay.years;
  }
  return { years, unquantified, unset };
}

function delayWords(rule: AssessmentRule, results: readonly AssessmentResult[]): { zh: string; en: string } {
  const { years, unquantified, unset } = assessmentDelay(rule, results);
  const zh: string[] = [];
  const en: string[] = [];
  if (years > 0) {
    zh.push(`合计顺延 ${years} 年申报，即任现职年限须比任职资格条件多 ${years} 年`);
    en.push(`a delay of ${years} year(s) in all: ${years} more year(s) in the current title than the qualification conditions require`);
  }
  if (unquantified) {
    zh.push('另有按任职资格条件要求延期申报的情形，年限未载明');
    en.push('and a delay the notice leaves to the qualification conditions');
  }
  if (unset) {
    zh.push('通知未规定此结果的顺延年限，以任职资格条件为准');
    en.push('the notice sets no delay for such a result: the qualification conditions decide');
  }
  return { zh: zh.join('；'), en: en.join('; ') };
}

export function checkAnnualAssessment(ctx: EligibilityContext): RuleOutcome {
  const { batch } = ctx;
  const region = ctx.input.region;
  const rule = batch.assessments;
  if (rule === null) {
    return outcome('ANNUAL_ASSESSMENT', [
      reason('ASSESSMENT_RULE_NOT_SET', 'PASS', {
        zh: '本批次通知未对年度考核作规定',
        en: `The notice of batch ${batch.code} says nothing of annual assessments`,
      }, citeBatch(batch, SILENT_SECTION), region),
    ]);
  }
  const source = citeBatch(batch, rule.source);
  const reasons: Reason[] = [];
  const assessments: Assessment[] = [];
  for (const regionFacts of ctx.facts.regions) {
    if (regionFacts.status === 'MISSING') {
      const records = PORTAL_RECORDS[regionFacts.region];
      if (!records || records.assessments) {
        reasons.push(
          reason('ASSESSMENT_REGION_MISSING', 'UNKNOWN', {
            zh: `${regionFacts.region} 未应答，无法读取该地的年度考核记录`,
            en: `Region ${regionFacts.region} did not answer: its annual assessments cannot be read`,
          }, source, regionFacts.region),
        );
      }
      continue;
    }
    if (recordsOf(regionFacts).assessments) assessments.push(...regionFacts.assessments);
  }

  const worstByYear = new Map<number, Assessment>();
  for (const assessment of assessments) {
    if (assessment.year === null) {
      // A result without a year might fall in the years asked about; only a good one can be ignored.
      if (assessment.result !== 'EXCELLENT' && assessment.result !== 'PASS') {
        reasons.push(
          reason('ASSESSMENT_YEAR_UNKNOWN', 'UNKNOWN', {
            zh: `${assessment.region} 有一条“${ASSESSMENT_RESULTS[assessment.result]}”考核记录，年度无法读取`,
            en: `Region ${assessment.region} holds a ${assessment.result} assessment whose year cannot be read`,
          }, source, assessment.region),
        );
      }
      continue;
    }
    if (assessment.year < rule.fromYear || assessment.year > rule.toYear) continue;
    const held = worstByYear.get(assessment.year);
    if (!held || RANK[assessment.result] > RANK[held.result]) worstByYear.set(assessment.year, assessment);
  }

  const years = Array.from({ length: rule.toYear - rule.fromYear + 1 }, (_, i) => rule.fromYear + i);
  const bad = years.flatMap((year) => {
    const held = worstByYear.get(year);
    return held && BAD.has(held.result) ? [held] : [];
  });
  for (const year of years) {
    const held = worstByYear.get(year);
    if (held?.result === 'UNKNOWN') {
      reasons.push(
        reason('ASSESSMENT_RESULT_UNKNOWN', 'UNKNOWN', {
          zh: `${held.region} 的 ${year} 年度考核结果无法识别`,
          en: `The ${year} assessment result in ${held.region} cannot be read`,
        }, source, held.region),
      );
    }
  }
  // One reason per region holding such results, so that each reason quotes one region's records
  // and a caller who may not read that region gets it summarised (subgraphs/province/reasonView.ts).
  for (const held of new Set(bad.map((a) => a.region))) {
    const ofRegion = bad.filter((a) => a.region === held);
    const words = delayWords(rule, ofRegion.map((a) => a.result));
    const listZh = ofRegion.map((a) => `${a.year} 年${ASSESSMENT_RESULTS[a.result]}（${a.region}）`).join('、');
    const listEn = ofRegion.map((a) => `${a.year} ${a.result} (${a.region})`).join(', ');
    const delaySource = rule.delays.find((d) => d.result === ofRegion[0]!.result)?.source ?? rule.source;
    reasons.push(
      reason('ASSESSMENT_DELAY', 'UNKNOWN', {
        zh: `${rule.fromYear}—${rule.toYear} 年度考核：${listZh}；${words.zh}。请核对任现职年限`,
        en: `Annual assessments ${rule.fromYear}–${rule.toYear}: ${listEn}; ${words.en}. Check the years in the current title`,
      }, citeBatch(batch, delaySource), held),
    );
  }
  if (reasons.length === 0) {
    const unrecorded = years.filter((year) => !worstByYear.has(year));
    reasons.push(
      reason('ASSESSMENT_CLEAR', 'PASS', {
        zh: `${rule.fromYear}—${rule.toYear} 年度考核无基本合格或不合格记录${unrecorded.length > 0 ? `（${unrecorded.join('、')} 年无记录，以上传的考核表为准）` : ''}`,
        en: `No 基本合格 or 不合格 assessment in ${rule.fromYear}–${rule.toYear}${unrecorded.length > 0 ? ` (no record for ${unrecorded.join(', ')}: the uploaded forms decide)` : ''}`,
      }, source, region),
    );
  }
  return outcome('ANNUAL_ASSESSMENT', reasons);
}
