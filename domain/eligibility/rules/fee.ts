/**
 * FEE: the review fee that applies, in fen, from the batch's fee table (`fees` in batches.json):
 * - 001 §三(四)（其他事宜）"评审收费标准：副高级工程师 600 元，中级 400 元/人，初级 200 元/人";
 * - 003 §七 and 004 §七 "中级 380 元 / 人，初级 220 元 / 人。初次确定初级 100 元、初次确定中级、授予（中级）收费 380 元";
 * - 002 §四(四) "缴费等工作安排将另行通知": announced later;
 * - 000 gives no fee.
 * Where the notice gives none, the fee is unknown (null), never zero. Not an eligibility condition:
 * an unknown fee does not make the verdict UNKNOWN.
 */
import { REVIEW_KINDS } from '../../codes.js';
import { LEVEL_NAMES, type EligibilityContext } from '../context.js';
import { SILENT_SECTION, citeBatch, reason } from '../reasons.js';
import type { FeeDecision } from '../types.js';

function yuan(fen: number): string {
  return (fen / 100).toFixed(fen % 100 === 0 ? 0 : 2);
}

export function decideFee(ctx: EligibilityContext): FeeDecision {
  const { batch, input } = ctx;
  const region = input.region;
  const fees = batch.fees;
  const level = ctx.level;
  const kind = input.reviewKind;
  const entry = level === null ? undefined : fees.entries.find((e) => e.levels.includes(level) && e.reviewKinds.includes(kind));
  if (entry && level !== null) {
    const source = citeBatch(batch, entry.source);
    return {
      fen: entry.fen,
      source,
      reason: reason('FEE_KNOWN', 'PASS', {
        zh: `${LEVEL_NAMES[level].zh}“${REVIEW_KINDS[kind]}”评审费 ${yuan(entry.fen)} 元`,
        en: `The fee for ${LEVEL_NAMES[level].en} ${kind} is CNY ${yuan(entry.fen)}`,
      }, source, region),
    };
  }
  const source = citeBatch(batch, fees.source ?? SILENT_SECTION);
  if (fees.announcedLater) {
    return {
      fen: null,
      source,
      reason: reason('FEE_ANNOUNCED_LATER', 'UNKNOWN', {
        zh: '缴费安排另行通知，收费标准未公布',
        en: `Fees for batch ${batch.code} will be announced later`,
      }, source, region),
    };
  }
  if (fees.entries.length > 0) {
    return {
      fen: null,
      source,
      reason: reason('FEE_NOT_GIVEN_FOR_LEVEL', 'UNKNOWN', {
        zh: `通知未规定${level ? LEVEL_NAMES[level].zh : input.level}“${REVIEW_KINDS[kind]}”的收费标准`,
        en: `The notice gives no fee for ${level ?? input.level} ${kind}`,
      }, source, region),
    };
  }
  return {
    fen: null,
    source: null,
    reason: reason('FEE_NOT_GIVEN', 'UNKNOWN', {
      zh: '本批次通知未规定收费标准，费用未知（不是免费）',
      en: `The notice of batch ${batch.code} gives no fee: the fee is unknown, not zero`,
    }, source, region),
  };
}
