/**
 * EXCLUDED_PERSON: people the batch's notice excludes, where a portal records it.
 * - retirees: 000 §一 "离退休人员不得参加推荐申报"; 001 §一 "已办理离退休手续及达到法定退休年龄退休人员…不在评审范围";
 *   002 §一(四) "离退休人员不得申报参加职称评审"; 003 §一 and 004 §一 "离退休人员 / 退休人员…不得参加";
 * - civil servants and staff managed as such: 001 §一, 003 §一, 004 §一;
 * - a sanction of 记过 or heavier still in force: 001 §一 "受记过以上处分且尚在处分期间的人员".
 * Which of them a batch applies, with the section, is data (`exclusions` in batches.json).
 *
 * The facts are about the person, so every region's profile is read: a retiree recorded in aks is
 * a retiree when applying in wlmq.
 *
 * Not recorded is not missing. Only aks records these facts; bz and wlmq have no such column. When
 * no answering portal records a fact, the rule PASSes with EXCLUSION_NOT_RECORDED, saying so: the
 * unit's audit and 公示 certify that the applicant is serving staff (e.g. 000 附件1 二, 002 §四(三)),
 * and an UNKNOWN on every bz and wlmq application would teach clerks to ignore UNKNOWN, which must
 * keep meaning "a region that may hold a bar did not answer". UNKNOWN is kept for that: a region
 * that records the fact and did not answer, or a recorded value that cannot be read.
 */
import type { RegionCode } from '../../codes.js';
import type { PersonProfile } from '../../types.js';
import { PORTAL_RECORDS, recordsOf, type EligibilityContext } from '../context.js';
import { citeBatch, outcome, reason } from '../reasons.js';
import type { Exclusion, ExclusionKind } from '../reviewBatch.js';
import { compareIsoDates, isIsoDate } from '../../time.js';
import type { PortalRecords, Reason, RuleOutcome, RuleVerdict, SourceRef } from '../types.js';

const WHO: Record<ExclusionKind, { zh: string; en: string }> = {
  RETIRED: { zh: '离退休人员', en: 'retired people' },
  CIVIL_SERVANT: { zh: '公务员（含参照公务员管理的事业单位工作人员）', en: 'civil servants and staff managed as civil servants' },
  SANCTION_IN_FORCE: { zh: '受记过以上处分且尚在处分期间的人员', en: 'people under a sanction of 记过 or heavier still in force' },
};

const RECORDED_BY: Record<ExclusionKind, keyof PortalRecords> = {
  RETIRED: 'retired',
  CIVIL_SERVANT: 'civilServant',
  SANCTION_IN_FORCE: 'sanction',
};

const PROFILE_FIELD: Record<ExclusionKind, keyof PersonProfile> = {
  RETIRED: 'retired',
  CIVIL_SERVANT: 'civilServant',
  SANCTION_IN_FORCE: 'sanctionUntil',
};

type RegionJudgement = { verdict: RuleVerdict; zh: string; en: string };

/** What one region's profile says about one exclusion. */
export function judgeProfile(kind: ExclusionKind, profile: PersonProfile, today: string): RegionJudgement {
  if (profile.dataQuality.some((issue) => issue.field === PROFILE_FIELD[kind])) {
    return { verdict: 'UNKNOWN', zh: '记录值无法识别', en: 'the recorded value cannot be read' };
  }
  if (kind === 'SANCTION_IN_FORCE') {
    const until = profile.sanctionUntil;
    // aks keeps sanction_until null when there is none.
    if (until === null) return { verdict: 'PASS', zh: '无处分记录', en: 'no sanction recorded' };
    if (!isIsoDate(until)) return { verdict: 'UNKNOWN', zh: `处分期限“${until}”无法读取`, en: `the sanction end ${until} cannot be read` };
    return compareIsoDates(today, until) <= 0
      ? { verdict: 'FAIL', zh: `处分期至 ${until}，尚在处分期间`, en: `sanctioned until ${until}, still in force` }
      : { verdict: 'PASS', zh: `处分期已于 ${until} 届满`, en: `the sanction ended on ${until}` };
  }
  const value = kind === 'RETIRED' ? profile.retired : profile.civilServant;
  if (value === null) return { verdict: 'UNKNOWN', zh: '记录为空', en: 'the record is empty' };
  return value
    ? { verdict: 'FAIL', zh: '记录为是', en: 'recorded as such' }
    : { verdict: 'PASS', zh: '记录为否', en: 'recorded as not' };
}

function checkExclusion(ctx: EligibilityContext, exclusion: Exclusion): Reason[] {
  const who = WHO[exclusion.kind];
  const source: SourceRef = citeBatch(ctx.batch, exclusion.source);
  const reasons: Reason[] = [];
  const code = (verdict: RuleVerdict): string =>
    ({ FAIL: `EXCLUDED_${exclusion.kind}`, UNKNOWN: `EXCLUSION_${exclusion.kind}_UNKNOWN`, PASS: `EXCLUSION_${exclusion.kind}_CLEAR` })[verdict];
  const say = (verdict: RuleVerdict, region: RegionCode, detail: { zh: string; en: string }): void => {
    reasons.push(
      reason(code(verdict), verdict, {
        zh: `${who.zh}不得申报；${region}：${detail.zh}`,
        en: `The notice excludes ${who.en}; ${region}: ${detail.en}`,
      }, source, region),
    );
  };
  for (const region of ctx.facts.regions) {
    if (region.status === 'MISSING') {
      const records = PORTAL_RECORDS[region.region];
      // A region not in the table might record it; one that cannot is no loss when it is down.
      if (!records || records[RECORDED_BY[exclusion.kind]]) {
        say('UNKNOWN', region.region, { zh: '未应答，该地可能有记录', en: 'did not answer and may record it' });
      }
      continue;
    }
    if (!recordsOf(region)[RECORDED_BY[exclusion.kind]] || region.profile === null) continue;
    const judgement = judgeProfile(exclusion.kind, region.profile, ctx.today);
    say(judgement.verdict, region.region, judgement);
  }
  if (reasons.length === 0) {
    reasons.push(
      reason(`EXCLUSION_${exclusion.kind}_NOT_RECORDED`, 'PASS', {
        zh: `${who.zh}不得申报；各地平台均未记录此项，由所在单位审核、公示把关`,
        en: `The notice excludes ${who.en}; no answering portal records this, so the unit's audit and public notice certify it`,
      }, source, ctx.input.region),
    );
  }
  return reasons;
}

export function checkExcludedPeople(ctx: EligibilityContext): RuleOutcome {
  return outcome('EXCLUDED_PERSON', ctx.batch.exclusions.flatMap((exclusion) => checkExclusion(ctx, exclusion)));
}
