/**
 * The shared schema's value types as the code sees them. Each mirrors a type of
 * schema/shared.graphql field for field; regional mapping modules produce them and the province
 * consumes them. Dates are ISO-8601 strings: `YYYY-MM-DD` for dates, full instants with offset for
 * times, and `YYYY-MM` where the portal records only a month.
 */
import type {
  ApplicationStatus,
  AssessmentResult,
  DefenceStatus,
  EmployerKind,
  Gender,
  QualificationRoute,
  RegionCode,
  ReviewKind,
  TitleLevel,
  TitleSeries,
} from './codes.js';

/** A local value no mapping knows: kept, reported, never guessed. */
export interface DataQualityIssue {
  /** The shared field it should have filled, e.g. `level`. */
  field: string;
  /** The portal's own value as text, or null when the portal left it empty. */
  localValue: string | null;
}

/** One application (申报), in the shared form. */
export interface Application {
  /** Globally unique: `<region>:<portal's own key>`, e.g. `bz:1042`. */
  id: string;
  region: RegionCode;
  /** The portal's own key of the application. */
  localId: string;
  /** 批次: bz `pcdm`, aks `batch_code`; null where the portal has none. */
  batchCode: string | null;
  /** The review year (申报年度); null when the portal's value cannot be read. */
  year: number | null;
  series: TitleSeries;
  specialty: string | null;
  level: TitleLevel;
  reviewKind: ReviewKind;
  status: ApplicationStatus;
  submissionCount: number | null;
  submittedAt: string | null;
  /** Times the application was returned, where the portal counts that (wlmq). */
  returnCount: number | null;
  defence: DefenceStatus | null;
  /** Fee paid, in fen (CNY 0.01); null where the portal records none. */
  feePaidFen: number | null;
  countsTowardAnnualLimit: boolean;
  dataQuality: DataQualityIssue[];
}

/** A title qualification held (任职资格). */
export interface Qualification {
  region: RegionCode;
  name: string | null;
  series: TitleSeries | null;
  specialty: string | null;
  level: TitleLevel;
  /** `YYYY-MM-DD`, or `YYYY-MM` where the portal records only the month. */
  obtainedOn: string | null;
  /** Null where the portal does not record the route (wlmq). */
  route: QualificationRoute | null;
  /** 疆内 true, 疆外 false, null where unknown. */
  obtainedInXinjiang: boolean | null;
  approvalDocument: string | null;
  certificateNumber: string | null;
  issuer: string | null;
  dataQuality: DataQualityIssue[];
}

/** An integrity record (失信记录) that bars a person from applying. */
export interface IntegrityRecord {
  region: RegionCode;
  reason: string | null;
  /** When it was decided or listed, `YYYY-MM-DD`. */
  decidedOn: string | null;
  /**
   * The last day the person is barred, inclusive, `YYYY-MM-DD`. Null with `openEnded` when the
   * portal flags a person without an end date: such a bar is treated as still in force.
   */
  barredUntil: string | null;
  openEnded: boolean;
  /** aks `ban_years`, where the portal records the length instead of the end. */
  banYears: number | null;
}

/** An annual assessment (年度考核). */
export interface Assessment {
  region: RegionCode;
  year: number | null;
  result: AssessmentResult;
  dataQuality: DataQualityIssue[];
}

/** What a portal holds about the person themself. wlmq copies it into each declaration: the newest wins. */
export interface PersonProfile {
  name: string | null;
  gender: Gender;
  /** GB/T 3304 code, e.g. `01`; null where the portal's label is not in the list. */
  ethnicityCode: string | null;
  ethnicity: string | null;
  /** GB/T 4762 code, e.g. `13`. */
  politicalStatusCode: string | null;
  politicalStatus: string | null;
  employer: string | null;
  employerKind: EmployerKind | null;
  /** bz 所在县市 or wlmq 片区, where the portal records it. */
  location: string | null;
  /** aks only; null elsewhere. */
  civilServant: boolean | null;
  retired: boolean | null;
  sanctionUntil: string | null;
  dataQuality: DataQualityIssue[];
}

/** A group of applications before perturbation: dimensions not grouped by are null. */
export interface StatisticsGroup {
  series: TitleSeries | null;
  specialty: string | null;
  level: TitleLevel | null;
  reviewKind: ReviewKind | null;
  status: ApplicationStatus | null;
  count: number;
  /**
   * The group's cell key (subgraphs/perturbation.ts): the sum of its records' keys modulo
   * the key range. Present only when asked for, with the region's seed.
   */
  cellKey?: number;
}

/** A position in the cross-region list of applications by submission time (subgraphs/template/submissionOrder.ts). */
export interface SubmissionPosition {
  /** Decimal microseconds since the epoch; null for an application never submitted. */
  submittedAtMicros: string | null;
  region: string;
  localId: string;
}
