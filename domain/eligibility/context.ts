/**
 * What every rule reads, resolved once: the batch, the check day in the batch's time zone, the
 * level as a notice names it, the applying region's answer, the application being checked, and the
 * county and unit kind with where they came from.
 */
import type { EmployerKind, RegionCode, TitleLevel } from '../codes.js';
import { REGIONS } from '../regions.js';
import type { Application } from '../types.js';
import type { BatchLevel, ReviewBatch } from './reviewBatch.js';
import { localDate } from '../time.js';
import type {
  EligibilityFacts,
  EligibilityInput,
  PortalRecords,
  RegionAnswer,
  RegionFacts,
} from './types.js';

/** What each registered portal records by design (domain/regions.ts, `records`). */
export const PORTAL_RECORDS: Readonly<Record<string, PortalRecords>> = Object.fromEntries(
  REGIONS.flatMap((region) => (region.records ? [[region.code, region.records]] : [])),
);

// A region the table does not know is assumed to record everything, so that its empty values read
// as "could not be read" (UNKNOWN), never as "not recorded".
const RECORDS_EVERYTHING: PortalRecords = {
  retired: true,
  civilServant: true,
  sanction: true,
  assessments: true,
  employerKind: true,
  location: true,
};

export function recordsOf(answer: RegionAnswer): PortalRecords {
  return answer.records ?? PORTAL_RECORDS[answer.region] ?? RECORDS_EVERYTHING;
}

/** 助理级 and 员级 are 初级 (GB/T 12407: 434 and 435 sit under 430); 未定职级 and unknown are no level. */
export function batchLevelOf(level: TitleLevel): BatchLevel | null {
  switch (level) {
    case 'JUNIOR':
    case 'ASSISTANT':
    case 'TECHNICIAN':
      return 'JUNIOR';
    case 'INTERMEDIATE':
    case 'ASSOCIATE_SENIOR':
    case 'SENIOR':
      return level;
    case 'UNRATED':
    case 'UNKNOWN':
      return null;
  }
}

/** Chinese and English names of the broad levels, for messages. */
export const LEVEL_NAMES: Record<BatchLevel, { zh: string; en: string }> = {
  JUNIOR: { zh: '初级', en: 'junior' },
  INTERMEDIATE: { zh: '中级', en: 'intermediate' },
  ASSOCIATE_SENIOR: { zh: '副高级', en: 'associate senior' },
  SENIOR: { zh: '正高级', en: 'senior' },
};

/** Why a fact is not known. */
export type UnknownBecause = 'REGION_MISSING' | 'NOT_FOUND' | 'NOT_RECORDED' | 'UNREADABLE';

export type KnownFact<T> = { known: true; value: T; from: 'INPUT' | 'PROFILE' } | { known: false; because: UnknownBecause };

export type OwnApplication =
  | { state: 'NONE' }
  | { state: 'FOUND'; application: Application }
  | { state: 'NOT_FOUND' }
  | { state: 'REGION_MISSING' };

export interface EligibilityContext {
  input: EligibilityInput;
  batch: ReviewBatch;
  facts: EligibilityFacts;
  now: Date;
  timeZone: string;
  /** The check day in the batch's time zone, `YYYY-MM-DD`: bans and sanctions are checked on it. */
  today: string;
  level: BatchLevel | null;
  applyingRegion: RegionFacts | null;
  ownApplication: OwnApplication;
  location: KnownFact<string>;
  employerKind: KnownFact<EmployerKind>;
}

/** The notices give Beijing time; a batch says so on each window, and its first window speaks for it. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export function batchTimeZone(batch: ReviewBatch): string {
  for (const window of batch.windows) if (window.status === 'SCHEDULED') return window.timeZone;
  return DEFAULT_TIME_ZONE;
}

/** True when `application` is the one the input names: `1042` or `bz:1042` in the applying region. */
export function isOwnApplication(application: Application, region: RegionCode, applicationId: string): boolean {
  return application.region === region && (application.localId === applicationId || application.id === applicationId);
}

function findOwnApplication(input: EligibilityInput, applyingRegion: RegionFacts | null): OwnApplication {
  const id = input.applicationId;
  if (!id) return { state: 'NONE' };
  if (!applyingRegion || applyingRegion.status === 'MISSING') return { state: 'REGION_MISSING' };
  const application = applyingRegion.applications.find((candidate) => isOwnApplication(candidate, input.region, id));
  return application ? { state: 'FOUND', application } : { state: 'NOT_FOUND' };
}

function fromProfile<T>(
  applyingRegion: RegionFacts | null,
  recorded: (records: PortalRecords) => boolean,
  read: (answer: RegionAnswer) => T | null,
): KnownFact<T> {
  if (!applyingRegion || applyingRegion.status === 'MISSING') return { known: false, because: 'REGION_MISSING' };
  if (!recorded(recordsOf(applyingRegion))) return { known: false, because: 'NOT_RECORDED' };
  if (!applyingRegion.profile) return { known: false, because: 'NOT_FOUND' };
  const value = read(applyingRegion);
  return value === null ? { known: false, because: 'UNREADABLE' } : { known: true, value, from: 'PROFILE' };
}

export function buildContext(
  input: EligibilityInput,
  batch: ReviewBatch,
  facts: EligibilityFacts,
  now: Date,
): EligibilityContext {
  const timeZone = batchTimeZone(batch);
  const applyingRegion = facts.regions.find((region) => region.region === input.region) ?? null;
  const location: KnownFact<string> = input.location?.trim()
    ? { known: true, value: input.location.trim(), from: 'INPUT' }
    : fromProfile(applyingRegion, (r) => r.location, (answer) => answer.profile?.location?.trim() || null);
  const employerKind: KnownFact<EmployerKind> =
    input.employerKind && input.employerKind !== 'UNKNOWN'
      ? { known: true, value: input.employerKind, from: 'INPUT' }
      : fromProfile(applyingRegion, (r) => r.employerKind, (answer) => {
          const kind = answer.profile?.employerKind ?? null;
          return kind === 'UNKNOWN' ? null : kind;
        });
  return {
    input,
    batch,
    facts,
    now,
    timeZone,
    today: localDate(now, timeZone),
    level: batchLevelOf(input.level),
    applyingRegion,
    ownApplication: findOwnApplication(input, applyingRegion),
    location,
    employerKind,
  };
}

/** "where the fact would come from" in words, for UNKNOWN reasons. */
export function unknownBecause(because: UnknownBecause, region: RegionCode): { zh: string; en: string } {
  switch (because) {
    case 'REGION_MISSING':
      return { zh: `${region} 未应答`, en: `region ${region} did not answer` };
    case 'NOT_FOUND':
      return { zh: `${region} 无此人记录`, en: `region ${region} holds no record of the person` };
    case 'NOT_RECORDED':
      return { zh: `${region} 平台不记录此项`, en: `the ${region} portal does not record it` };
    case 'UNREADABLE':
      return { zh: `${region} 记录为空或无法识别`, en: `the ${region} record is empty or unreadable` };
  }
}
