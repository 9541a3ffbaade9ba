/**
 * INTEGRITY_BAN: an integrity record (失信记录) in force in any region bars the person everywhere.
 * - aks, notice 001 §三(一)（其他事宜）: "个人五年内不得申报相应职称评审，并列入平台黑名单";
 * - wlmq, notice 002 §七(三): "记入职称评审诚信档案库…记录期限为3年，记录期内不得晋升高一级职称";
 * - bz, notice 004 §八(二): "记入职称评审诚信档案库…记录期为 3 年，记录期内不得晋升高一级职称".
 * Each reason cites the notice of the region that holds the record, not of the region applied in.
 *
 * In force on the check day (the batch's time zone): `barredUntil` is the last barred day,
 * inclusive; `openEnded` is in force. A region that did not answer may hold a ban: UNKNOWN.
 */
import type { RegionCode } from '../../codes.js';
import type { IntegrityRecord } from '../../types.js';
import type { EligibilityContext } from '../context.js';
import { NOTICES, cite, outcome, reason } from '../reasons.js';
import { compareIsoDates, isIsoDate } from '../../time.js';
import type { Reason, RuleOutcome, SourceRef } from '../types.js';

/** The notice that sets each region's ban. */
export const INTEGRITY_SOURCES: Readonly<Record<string, SourceRef>> = {
  aks: cite(NOTICES.AKS_2024_MECHANICAL_CHEMICAL, '§三(一)（其他事宜）'),
  wlmq: cite(NOTICES.WLMQ_2024_ENTERPRISES, '§七(三)'),
  bz: cite(NOTICES.BZ_2024_ECOLOGY, '§八(二)'),
};

// A region without a notice of its own: 002 §七(三) restates the national rule (人社部令第40号),
// which binds every region.
const NATIONAL_SOURCE = INTEGRITY_SOURCES.wlmq!;

export function integritySource(region: RegionCode): SourceRef {
  return INTEGRITY_SOURCES[region] ?? NATIONAL_SOURCE;
}

export type BanState = 'IN_FORCE' | 'EXPIRED' | 'UNREADABLE';

/** Whether a record bars the person on `today` (`YYYY-MM-DD`). */
export function banState(record: IntegrityRecord, today: string): BanState {
  if (record.openEnded) return 'IN_FORCE';
  if (record.barredUntil === null || !isIsoDate(record.barredUntil)) return 'UNREADABLE';
  return compareIsoDates(today, record.barredUntil) <= 0 ? 'IN_FORCE' : 'EXPIRED';
}

function recordReason(record: IntegrityRecord, state: BanState, today: string): Reason {
  const source = integritySource(record.region);
  const listed = record.decidedOn ? `（${record.decidedOn} 记录）` : '';
  const listedEn = record.decidedOn ? ` (recorded ${record.decidedOn})` : '';
  switch (state) {
    case 'IN_FORCE':
      return reason('INTEGRITY_BAN_ACTIVE', 'FAIL', {
        zh: record.openEnded
          ? `${record.region} 有失信记录${listed}，未载明期限，视为仍在限制期内，不得申报`
          : `${record.region} 有失信记录${listed}，限制申报至 ${record.barredUntil}（含当日），不得申报`,
        en: record.openEnded
          ? `An integrity record in ${record.region}${listedEn} has no end date and is treated as in force: the person may not apply`
          : `An integrity record in ${record.region}${listedEn} bars applications until ${record.barredUntil} inclusive: the person may not apply`,
      }, source, record.region);
    case 'EXPIRED':
      return reason('INTEGRITY_BAN_EXPIRED', 'PASS', {
        zh: `${record.region} 的失信记录限制期已于 ${record.barredUntil} 届满（核查日 ${today}）`,
        en: `The integrity record in ${record.region} expired on ${record.barredUntil} (checked on ${today})`,
      }, source, record.region);
    case 'UNREADABLE':
      return reason('INTEGRITY_BAN_UNREADABLE', 'UNKNOWN', {
        zh: `${record.region} 有失信记录，但限制期限无法读取`,
        en: `An integrity record in ${record.region} has an end date that cannot be read`,
      }, source, record.region);
  }
}

export function checkIntegrityBan(ctx: EligibilityContext): RuleOutcome {
  const reasons: Reason[] = [];
  const checked: RegionCode[] = [];
  for (const region of ctx.facts.regions) {
    if (region.status === 'MISSING') {
      reasons.push(
        reason('INTEGRITY_REGION_MISSING', 'UNKNOWN', {
          zh: `${region.region} 未应答，无法确认该地是否有失信记录`,
          en: `Region ${region.region} did not answer: it may hold an integrity record`,
        }, integritySource(region.region), region.region),
      );
      continue;
    }
    checked.push(region.region);
    for (const record of region.integrityRecords) {
      reasons.push(recordReason(record, banState(record, ctx.today), ctx.today));
    }
  }
  if (ctx.facts.regions.length === 0) {
    // No region configured or answered: nothing was checked, which is not "clear".
    reasons.push(
      reason('INTEGRITY_REGION_MISSING', 'UNKNOWN', {
        zh: '没有任何地区应答，无法确认失信记录',
        en: 'No region answered: integrity records could not be checked',
      }, integritySource(ctx.input.region), ctx.input.region),
    );
  } else if (reasons.length === 0) {
    reasons.push(
      reason('INTEGRITY_CLEAR', 'PASS', {
        zh: `${checked.join('、')} 均无失信记录`,
        en: `No integrity record in ${checked.join(', ')}`,
      }, integritySource(ctx.input.region), ctx.input.region),
    );
  }
  return outcome('INTEGRITY_BAN', reasons);
}
