/**
 * The review batches (the five notices, listed in docs/eligibility.md), loaded from batches.json and validated
 * at load: a malformed entry stops the module from loading with a ReviewBatchError that names it.
 */
import type { RegionCode, TitleSeries } from '../codes.js';
import rawBatches from './batches.json' with { type: 'json' };
import { parseReviewBatches } from './parseReviewBatches.js';
import type { ReviewBatch } from './reviewBatch.js';

export const REVIEW_BATCHES: readonly ReviewBatch[] = Object.freeze(parseReviewBatches(rawBatches));

/** `reviewBatches(year, region)`: both filters optional, in the order of batches.json. */
export function reviewBatches(
  filter: { year?: number | null; region?: RegionCode | null } = {},
  batches: readonly ReviewBatch[] = REVIEW_BATCHES,
): ReviewBatch[] {
  return batches.filter(
    (batch) =>
      (filter.year == null || batch.year === filter.year) && (filter.region == null || batch.region === filter.region),
  );
}

/**
 * Specialty names as typed: the notices write full-width brackets (化工（含制药）), portals and
 * clients sometimes half-width ones, and stray spaces occur.
 */
export function normaliseSpecialty(name: string): string {
  return name.replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）');
}

export type BatchLookup =
  | { found: true; batch: ReviewBatch }
  | { found: false; problem: 'NOT_FOUND' | 'OTHER_REGION' | 'AMBIGUOUS' | 'NO_CRITERIA'; candidates: ReviewBatch[] };

export interface BatchQuery {
  region: RegionCode;
  batchCode?: string | null;
  year?: number | null;
  series?: TitleSeries | null;
  specialty?: string | null;
}

/** The batch a check is against: by code, or by year + series + specialty within the region. */
export function findBatch(query: BatchQuery, batches: readonly ReviewBatch[] = REVIEW_BATCHES): BatchLookup {
  if (query.batchCode) {
    const batch = batches.find((candidate) => candidate.code === query.batchCode);
    if (!batch) return { found: false, problem: 'NOT_FOUND', candidates: [] };
    if (batch.region !== query.region) return { found: false, problem: 'OTHER_REGION', candidates: [batch] };
    return { found: true, batch };
  }
  if (query.year == null || query.series == null) return { found: false, problem: 'NO_CRITERIA', candidates: [] };
  const specialty = query.specialty ? normaliseSpecialty(query.specialty) : null;
  const candidates = batches.filter(
    (batch) =>
      batch.region === query.region &&
      batch.year === query.year &&
      batch.offers.some(
        (offer) =>
          offer.series.includes(query.series!) &&
          (offer.specialties === null ||
            (specialty !== null && offer.specialties.some((name) => normaliseSpecialty(name) === specialty))),
      ),
  );
  if (candidates.length === 1) return { found: true, batch: candidates[0]! };
  return { found: false, problem: candidates.length === 0 ? 'NOT_FOUND' : 'AMBIGUOUS', candidates };
}
