/**
 * Eligibility reasons as the caller may read them (issue 11, item 3). The rules weigh every
 * region's data for a portal, and their messages quote it (application ids, batch codes, the dates
 * of integrity records, profile values). The access matrix decides per reason, by the region whose
 * data it is about (DERIVED_OUTPUTS.eligibilityReasons): FULL keeps the rule's message; SUMMARY
 * replaces it with one built only from what the caller may know: the reason's code, verdict,
 * region and notice, and the batch's year. docs/access.md says why that is enough to act on.
 *
 * Deny by default, twice over:
 * - a code without an entry in SUMMARIES gets the generic sentence for its verdict, so a new
 *   reason never passes another region's details to a portal;
 * - a reason attributed to the caller's own region whose message nevertheless quotes a protected
 *   value of another region (an id, batch code, date or reason text the portal may not read) is
 *   summarised too.
 */
import type { Principal } from '../../platform/auth.js';
import type { EligibilityResult, Reason, RegionFacts } from '../../domain/eligibility/index.js';
import { derivedFor } from '../accessMatrix.js';

type Words = { zh: string; en: string };
type Summary = (reason: Reason, year: number | null) => Words;

const yearZh = (year: number | null) => (year === null ? '本' : `${year} `);
const yearEn = (year: number | null) => (year === null ? 'this year' : `${year}`);

/** Messages that quote nothing but a region code (a region that did not answer): kept as they are. */
const DATA_FREE_CODES: ReadonlySet<string> = new Set([
  'ANNUAL_REVIEW_REGION_MISSING',
  'INTEGRITY_REGION_MISSING',
  'ASSESSMENT_REGION_MISSING',
  'SUBMISSION_REGION_MISSING',
]);

/**
 * What a portal is told of another region's reason. The minimum to act: that the region's record
 * bars the application (or leaves it undecided), of which kind, and where to ask. No dates: a ban
 * is judged on the check day, so the clerk never computes its end, and its dates are the
 * recording region's to tell the applicant (docs/access.md).
 */
const SUMMARIES: Readonly<Record<string, Summary>> = {
  ANNUAL_REVIEW_ALREADY_APPLIED: (reason, year) => ({
    zh: `${yearZh(year)}年度已在 ${reason.region} 参加职称评审，每人每年度只能参加一次职称评审`,
    en: `Already taking part in a ${yearEn(year)} title review in ${reason.region}; one review per person per year`,
  }),
  INTEGRITY_BAN_ACTIVE: (reason) => ({
    zh: `${reason.region} 有失信记录，核查日仍在限制期内，不得申报（记录日期与期限由 ${reason.region} 掌握）`,
    en: `An integrity record in ${reason.region} is in force on the check day: the person may not apply (its dates are held by ${reason.region})`,
  }),
  EXCLUDED_RETIRED: (reason) => ({
    zh: `离退休人员不得申报；${reason.region} 记录此人为离退休人员`,
    en: `The notice excludes retired people; ${reason.region} records the person as retired`,
  }),
  EXCLUDED_CIVIL_SERVANT: (reason) => ({
    zh: `公务员（含参照公务员管理的事业单位工作人员）不得申报；${reason.region} 记录此人属于此类`,
    en: `The notice excludes civil servants and staff managed as such; ${reason.region} records the person as one`,
  }),
  EXCLUDED_SANCTION_IN_FORCE: (reason) => ({
    zh: `受记过以上处分且尚在处分期间的人员不得申报；${reason.region} 记录此人核查日尚在处分期间`,
    en: `The notice excludes people under a sanction still in force; ${reason.region} records one in force on the check day`,
  }),
};

/** The sentence for a reason of another region that has no entry of its own. */
function generic(reason: Reason): Words {
  switch (reason.verdict) {
    case 'FAIL':
      return {
        zh: `${reason.region} 的记录使本申请不符合此项条件，详情由 ${reason.region} 掌握`,
        en: `A record in ${reason.region} fails this condition; the details are held by ${reason.region}`,
      };
    case 'UNKNOWN':
      return {
        zh: `${reason.region} 的记录无法确认此项条件，请向 ${reason.region} 核实`,
        en: `A record in ${reason.region} leaves this condition undecided; ask ${reason.region}`,
      };
    case 'PASS':
      return {
        zh: `${reason.region} 的记录不影响此项条件`,
        en: `Nothing in ${reason.region} stands against this condition`,
      };
  }
}

/** Values of regions the caller may not read in full, which no message it gets may quote. */
function protectedValues(principal: Principal, regions: readonly RegionFacts[]): string[] {
  const values = new Set<string>();
  const add = (value: string | number | null | undefined) => {
    // Short values (a year, a level code) occur in messages for other reasons; ids, codes and dates do not.
    if (value !== null && value !== undefined && String(value).length >= 4) values.add(String(value));
  };
  for (const facts of regions) {
    if (facts.status !== 'ANSWERED' || derivedFor('eligibilityReasons', principal, facts.region) === 'FULL') continue;
    for (const application of facts.applications) {
      add(application.id);
      add(application.localId);
      add(application.batchCode);
      add(application.submittedAt);
      add(application.specialty);
    }
    for (const record of facts.integrityRecords) {
      add(record.decidedOn);
      add(record.barredUntil);
      add(record.reason);
    }
    add(facts.profile?.sanctionUntil);
    add(facts.profile?.location);
    add(facts.profile?.employer);
    add(facts.profile?.name);
  }
  return [...values];
}

/** One reason as `principal` may read it. */
export function reasonFor(principal: Principal, reason: Reason, year: number | null, forbidden: readonly string[]): Reason {
  const full = derivedFor('eligibilityReasons', principal, reason.region) === 'FULL';
  const quotesProtected = forbidden.some((value) => reason.messageZh.includes(value) || reason.messageEn.includes(value));
  if (!quotesProtected && (full || DATA_FREE_CODES.has(reason.code))) return reason;
  // A summary is built from the code, verdict, region and year only; an own-region reason that
  // quotes another region's value gets the generic sentence, since its summary may not fit.
  const summary = full ? undefined : SUMMARIES[reason.code];
  const words = summary ? summary(reason, year) : generic(reason);
  return { ...reason, messageZh: words.zh, messageEn: words.en };
}

/** The whole result with every reason (in outcomes, reasons, fee and defence) as the caller may read it. */
export function eligibilityFor(principal: Principal, result: EligibilityResult, regions: readonly RegionFacts[]): EligibilityResult {
  const forbidden = protectedValues(principal, regions);
  const year = result.batch?.year ?? null;
  const view = (reason: Reason) => reasonFor(principal, reason, year, forbidden);
  return {
    ...result,
    outcomes: result.outcomes.map((outcome) => ({ ...outcome, reasons: outcome.reasons.map(view) })),
    reasons: result.reasons.map(view),
    fee: result.fee && { ...result.fee, reason: view(result.fee.reason) },
    defence: result.defence && { ...result.defence, reason: view(result.defence.reason) },
  };
}
