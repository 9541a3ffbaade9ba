/**
 * Builders for tests of the eligibility check and of its GraphQL wiring: one shared set, so that
 * unit and end-to-end tests describe people the same way (../shared/STYLE.md lesson 8). Each
 * builder gives a clean, unremarkable value; a test overrides only what it is about.
 */
import type { RegionCode } from '../codes.js';
import type { Application, Assessment, IntegrityRecord, PersonProfile } from '../types.js';
import { REVIEW_BATCHES } from './batches.js';
import { buildContext, type EligibilityContext } from './context.js';
import type { ReviewBatch } from './reviewBatch.js';
import type {
  AnnualReviewFacts,
  EligibilityFacts,
  EligibilityInput,
  RegionAnswer,
  RegionFacts,
  RegionMissing,
} from './types.js';

export function batchByCode(code: string, batches: readonly ReviewBatch[] = REVIEW_BATCHES): ReviewBatch {
  const batch = batches.find((candidate) => candidate.code === code);
  if (!batch) throw new Error(`no batch ${code} in the fixtures`);
  return batch;
}

export function anApplication(overrides: Partial<Application> = {}): Application {
  const region = overrides.region ?? 'aks';
  const localId = overrides.localId ?? '17';
  return {
    id: `${region}:${localId}`,
    region,
    localId,
    batchCode: 'AKS-2024-JXDZ-HG',
    year: 2024,
    series: 'ENGINEERING',
    specialty: '机械电子',
    level: 'INTERMEDIATE',
    reviewKind: 'REVIEW',
    status: 'AWAITING_COMMITTEE_AUDIT',
    submissionCount: 1,
    submittedAt: '2024-08-01T10:30:05+08:00',
    returnCount: null,
    defence: null,
    feePaidFen: null,
    countsTowardAnnualLimit: true,
    dataQuality: [],
    ...overrides,
  };
}

export function aProfile(overrides: Partial<PersonProfile> = {}): PersonProfile {
  return {
    name: '测试',
    gender: 'MALE',
    ethnicityCode: '01',
    ethnicity: '汉族',
    politicalStatusCode: '13',
    politicalStatus: '群众',
    employer: '某机械有限公司',
    employerKind: 'PRIVATE_ENTERPRISE',
    location: null,
    civilServant: null,
    retired: null,
    sanctionUntil: null,
    dataQuality: [],
    ...overrides,
  };
}

/** A profile as each portal records it: aks has the exclusion columns, bz a county, wlmq a zone. */
export function aRegionalProfile(region: RegionCode, overrides: Partial<PersonProfile> = {}): PersonProfile {
  const byRegion: Record<string, Partial<PersonProfile>> = {
    aks: { civilServant: false, retired: false, sanctionUntil: null, location: null },
    bz: { location: '库尔勒市' },
    wlmq: { employerKind: null, location: '头屯河区' },
  };
  return aProfile({ ...byRegion[region], ...overrides });
}

export function anIntegrityRecord(overrides: Partial<IntegrityRecord> = {}): IntegrityRecord {
  return {
    region: 'aks',
    reason: '提供虚假材料',
    decidedOn: '2022-03-01',
    barredUntil: '2027-02-28',
    openEnded: false,
    banYears: 5,
    ...overrides,
  };
}

export function anAssessment(year: number, result: Assessment['result'], region: RegionCode = 'aks'): Assessment {
  return { region, year, result, dataQuality: [] };
}

/** A region that answered; by default it knows the person and holds nothing against them. */
export function answered(
  region: RegionCode,
  overrides: Partial<Omit<RegionAnswer, 'region' | 'status'>> = {},
): RegionAnswer {
  return {
    region,
    status: 'ANSWERED',
    profile: aRegionalProfile(region),
    applications: [],
    integrityRecords: [],
    assessments: [],
    ...overrides,
  };
}

/** A region that answered and holds nothing on the person. */
export function notKnownIn(region: RegionCode): RegionAnswer {
  return answered(region, { profile: null });
}

export function missing(region: RegionCode): RegionMissing {
  return { region, status: 'MISSING' };
}

export function clearAnnualReview(year: number): AnnualReviewFacts {
  return { year, verdict: 'CLEAR', counted: [], missingRegions: [] };
}

/**
 * Facts for the three regions, each answering cleanly unless given; the annual-review verdict is
 * CLEAR when every region answered and UNKNOWN (with the missing regions) otherwise.
 */
export function factsFor(
  year: number,
  regions: Partial<Record<'bz' | 'aks' | 'wlmq', RegionFacts>> = {},
  annualReview?: AnnualReviewFacts,
): EligibilityFacts {
  const all: RegionFacts[] = (['bz', 'aks', 'wlmq'] as const).map((code) => regions[code] ?? answered(code));
  const missingRegions = all.filter((r) => r.status === 'MISSING').map((r) => r.region);
  return {
    regions: all,
    annualReview:
      annualReview ??
      (missingRegions.length > 0 ? { year, verdict: 'UNKNOWN', counted: [], missingRegions } : clearAnnualReview(year)),
  };
}

export function anInput(overrides: Partial<EligibilityInput> = {}): EligibilityInput {
  return {
    region: 'aks',
    batchCode: 'AKS-2024-JXDZ-HG',
    level: 'INTERMEDIATE',
    reviewKind: 'REVIEW',
    ...overrides,
  };
}

/** A rule's context for `input` against its batch (by code), facts and instant. */
export function contextFor(input: EligibilityInput, facts: EligibilityFacts, now: Date): EligibilityContext {
  return buildContext(input, batchByCode(input.batchCode ?? ''), facts, now);
}
