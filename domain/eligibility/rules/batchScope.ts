/**
 * BATCH_SCOPE: does the batch's notice open this series, specialty, kind and level, for this unit
 * kind and location? The answer is read from the batch's offers (batches.json), each citing its
 * section, e.g. 002 §一(一): 经济、审计、会计、统计 副高级 only for 自贸区经开功能区块 enterprises.
 */
import { EMPLOYER_KINDS, REVIEW_KINDS, TITLE_SERIES } from '../../codes.js';
import { normaliseSpecialty } from '../batches.js';
import { LEVEL_NAMES, unknownBecause, type EligibilityContext, type KnownFact } from '../context.js';
import { citeBatch, outcome, reason } from '../reasons.js';
import type { BatchOffer } from '../reviewBatch.js';
import type { Reason, RuleOutcome } from '../types.js';

type Tri = 'YES' | 'NO' | 'UNKNOWN';

/** Counties and zones are typed with and without their suffix (若羌 / 若羌县). */
export function sameLocation(actual: string, listed: string): boolean {
  const bare = (name: string): string => name.trim().replace(/(县|市|区)$/u, '');
  return bare(actual) === bare(listed);
}

function locationFits(offer: BatchOffer, location: KnownFact<string>): Tri {
  if (offer.locations === null) return 'YES';
  if (!location.known) return 'UNKNOWN';
  return offer.locations.some((listed) => sameLocation(location.value, listed)) ? 'YES' : 'NO';
}

function employerFits(offer: BatchOffer, employer: KnownFact<string>): Tri {
  if (offer.employerKinds === null) return 'YES';
  if (!employer.known) return 'UNKNOWN';
  if ((offer.employerKinds as string[]).includes(employer.value)) return 'YES';
  // 其他 may be an enterprise the list does not name (外资, 混合所有制): a clerk must look.
  return employer.value === 'OTHER' ? 'UNKNOWN' : 'NO';
}

export function checkBatchScope(ctx: EligibilityContext): RuleOutcome {
  const { batch, input } = ctx;
  const region = batch.region;
  const fail = (code: string, offers: readonly BatchOffer[], zh: string, en: string): RuleOutcome =>
    outcome('BATCH_SCOPE', [reason(code, 'FAIL', { zh, en }, citeBatch(batch, offers[0]?.source ?? batch.offers[0]!.source), region)]);

  let offers = batch.offers;
  if (input.series) {
    const series = input.series;
    const matching = offers.filter((offer) => offer.series.includes(series));
    if (matching.length === 0) {
      return fail(
        'BATCH_SERIES_NOT_OFFERED',
        offers,
        `本批次（${batch.code}）不含${TITLE_SERIES[series]}系列`,
        `Batch ${batch.code} does not open the ${series} series`,
      );
    }
    offers = matching;
  }
  if (input.specialty?.trim()) {
    const specialty = normaliseSpecialty(input.specialty);
    const matching = offers.filter(
      (offer) => offer.specialties === null || offer.specialties.some((name) => normaliseSpecialty(name) === specialty),
    );
    if (matching.length === 0) {
      return fail(
        'BATCH_SPECIALTY_NOT_OFFERED',
        offers,
        `本批次（${batch.code}）不含“${input.specialty}”专业`,
        `Batch ${batch.code} does not open the specialty ${input.specialty}`,
      );
    }
    offers = matching;
  }
  const kindOffers = offers.filter((offer) => offer.reviewKinds.includes(input.reviewKind));
  if (kindOffers.length === 0) {
    return fail(
      'BATCH_KIND_NOT_OFFERED',
      offers,
      `本批次（${batch.code}）不受理“${REVIEW_KINDS[input.reviewKind]}”`,
      `Batch ${batch.code} does not take ${input.reviewKind} applications`,
    );
  }
  const level = ctx.level;
  if (level === null) {
    return outcome('BATCH_SCOPE', [
      reason(
        'BATCH_LEVEL_UNRECOGNISED',
        'UNKNOWN',
        { zh: `申报级别“${input.level}”不是可申报的级别`, en: `The level ${input.level} is not a level one applies for` },
        citeBatch(batch, kindOffers[0]!.source),
        region,
      ),
    ]);
  }
  const levelOffers = kindOffers.filter((offer) => offer.levels.includes(level));
  if (levelOffers.length === 0) {
    const open = [...new Set(kindOffers.flatMap((offer) => offer.levels))];
    return fail(
      'BATCH_LEVEL_NOT_OFFERED',
      kindOffers,
      `本批次“${REVIEW_KINDS[input.reviewKind]}”仅限${open.map((l) => LEVEL_NAMES[l].zh).join('、')}，不含${LEVEL_NAMES[level].zh}`,
      `Batch ${batch.code} opens ${input.reviewKind} at ${open.map((l) => LEVEL_NAMES[l].en).join(', ')} only, not ${LEVEL_NAMES[level].en}`,
    );
  }
  return whoMayApply(ctx, levelOffers);
}

/** Unit kind and location: PASS when one offer fits both; UNKNOWN when one might; FAIL otherwise. */
function whoMayApply(ctx: EligibilityContext, offers: readonly BatchOffer[]): RuleOutcome {
  const { batch } = ctx;
  const region = batch.region;
  const judged = offers.map((offer) => ({
    offer,
    location: locationFits(offer, ctx.location),
    employer: employerFits(offer, ctx.employerKind),
  }));
  const fitting = judged.find((j) => j.location === 'YES' && j.employer === 'YES');
  if (fitting) return outcome('BATCH_SCOPE', []);
  const undecided = judged.find((j) => j.location !== 'NO' && j.employer !== 'NO');
  const reasons: Reason[] = [];
  const subject = undecided ?? judged[0]!;
  const source = citeBatch(batch, subject.offer.source);
  const verdict = undecided ? 'UNKNOWN' : 'FAIL';
  if (subject.location !== 'YES') {
    const listed = subject.offer.locations!.join('、');
    reasons.push(
      ctx.location.known
        ? reason('BATCH_LOCATION_NOT_ELIGIBLE', verdict, {
            zh: `本批次此项仅限${listed}，申报人所在地为${ctx.location.value}`,
            en: `This part of batch ${batch.code} is for ${listed} only; the applicant is in ${ctx.location.value}`,
          }, source, region)
        : reason('BATCH_LOCATION_NEEDED', 'UNKNOWN', {
            zh: `本批次此项仅限${listed}，无法确定申报人所在地（${unknownBecause(ctx.location.because, ctx.input.region).zh}），请填写所在县市或片区`,
            en: `This part of batch ${batch.code} is for ${listed} only and the applicant's location is not known (${unknownBecause(ctx.location.because, ctx.input.region).en}); give the county or zone`,
          }, source, region),
    );
  }
  if (subject.employer !== 'YES') {
    const listed = subject.offer.employerKinds!.map((kind) => EMPLOYER_KINDS[kind]).join('、');
    const employer = ctx.employerKind;
    reasons.push(
      employer.known
        ? reason(
            subject.employer === 'NO' ? 'BATCH_EMPLOYER_NOT_ELIGIBLE' : 'BATCH_EMPLOYER_UNCLEAR',
            subject.employer === 'NO' ? verdict : 'UNKNOWN',
            {
              zh: `本批次此项仅限${listed}人员，申报人单位性质为${EMPLOYER_KINDS[employer.value]}`,
              en: `This part of batch ${batch.code} is for staff of ${subject.offer.employerKinds!.join(', ')}; the applicant's unit is ${employer.value}`,
            },
            source,
            region,
          )
        : reason('BATCH_EMPLOYER_NEEDED', 'UNKNOWN', {
            zh: `本批次此项仅限${listed}人员，无法确定单位性质（${unknownBecause(employer.because, ctx.input.region).zh}），请填写单位性质`,
            en: `This part of batch ${batch.code} is for staff of ${subject.offer.employerKinds!.join(', ')} and the unit kind is not known (${unknownBecause(employer.because, ctx.input.region).en}); give the unit kind`,
          }, source, region),
    );
  }
  return outcome('BATCH_SCOPE', reasons);
}
