/**
 * The one-review-per-year verdict over every region's answer (notice 000 §五(五)). Which
 * applications count is
 * domain/countingPolicy.ts; this module only combines the regions' answers, and fails closed: a
 * region that did not answer can never turn into CLEAR.
 */
import { countsTowardAnnualLimit, isUndecidable } from './countingPolicy.js';
import type { Application } from './types.js';

export type AnnualReviewVerdict = 'ALREADY_APPLIED' | 'CLEAR' | 'UNKNOWN';

/**
 * One region's applications (every year), or null when it did not answer. Not the eligibility
 * rules' RegionAnswer (domain/eligibility/types.ts), which carries every aspect of a record.
 */
export interface RegionApplications {
  region: string;
  applications: readonly Application[] | null;
}

export interface AnnualReview {
  year: number;
  verdict: AnnualReviewVerdict;
  /** Every region answered. */
  complete: boolean;
  missingRegions: string[];
  /** The applications that count toward the limit that year. */
  counted: Application[];
  /**
   * Applications that can be neither counted nor cleared: an unknown kind, an unknown status of a
   * review, or a year the portal's record does not let us read.
   */
  undecided: Application[];
}

export function decideAnnualReview(
  year: number,
  answers: readonly RegionApplications[],
  excludeApplication: string | null = null,
): AnnualReview {
  const missingRegions = answers.filter((answer) => answer.applications === null).map((answer) => answer.region);
  const candidates = answers
    .flatMap((answer) => answer.applications ?? [])
    .filter((application) => application.id !== excludeApplication);

  const counted = candidates.filter(
    (application) => application.year === year && countsTowardAnnualLimit(application.reviewKind, application.status),
  );
  const undecided = candidates.filter(
    (application) =>
      (application.year === year && isUndecidable(application.reviewKind, application.status)) ||
      // An unreadable year might be this one: unless it plainly does not count, it is undecided.
      (application.year === null &&
        (countsTowardAnnualLimit(application.reviewKind, application.status) ||
          isUndecidable(application.reviewKind, application.status))),
  );

  const verdict: AnnualReviewVerdict =
    counted.length > 0 ? 'ALREADY_APPLIED' : missingRegions.length === 0 && undecided.length === 0 ? 'CLEAR' : 'UNKNOWN';
  return { year, verdict, complete: missingRegions.length === 0, missingRegions, counted, undecided };
}
