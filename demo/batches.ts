/**
 * The review batches the demo data applies to, taken from the five notices (docs/eligibility.md,
 * "The notices").
 * Each notice opens one batch in one year. The demo needs the same batches in other years too
 * (the benchmark asks for ten), so every batch recurs each year with the same months and days:
 * those recurrences are SYNTHETIC, shaped like the notice but not announced by any notice.
 * `notice` names the source file only for the year the notice really covers.
 */
import { formatInstant, wallMinute } from '../domain/time.js';
import { dayWindow, type Window } from './calendar.js';
import type { Weighted } from './random.js';

// ---------------------------------------------------------------------------------------------
// bz (巴州): three batches, each its own notice.

/** `sb_sqs.pslb` 评审类别. */
export type BzKind = '评审' | '民营专项' | '初定' | '授予';
/** `sb_sqs.sbjb` for the levels these batches open (初级 is typed three ways in the portal). */
export type BzLevel = '员级' | '助理级' | '初级' | '中级';

export interface BzBatchTemplate {
  /** Suffix of the batch code: `BZ<year><suffix>`. */
  suffix: 'ZJMQ' | 'JZ' | 'STHJ';
  /** The year the notice really covers; other years are synthetic. */
  noticeYear: number;
  series: '工程';
  specialty: string;
  kinds: Weighted<BzKind>;
  /** Month and day of the online application window, first and last day. */
  apply: readonly [readonly [number, number], readonly [number, number]];
  /** Share of bz applications that go to this batch. */
  share: number;
  /** Whether a 中级 applicant working in a grassroots unit is exempt from the defence. */
  grassrootsExempt: boolean;
}

export const BZ_BATCH_TEMPLATES: readonly BzBatchTemplate[] = [
  {
    // notice 000: 2024 工程系列质量技术监督 民营企业专项, 初级/中级 only (§四(一)),
    // applications 7月10日至7月30日 (§三(一)).
    suffix: 'ZJMQ',
    noticeYear: 2024,
    series: '工程',
    specialty: '质量技术监督',
    kinds: [['民营专项', 1]],
    apply: [[7, 10], [7, 30]],
    share: 0.25,
    grassrootsExempt: false,
  },
  {
    // notice 003: 2023 工程系列建筑 中/初级, 初次确定、授予或评审 (§一),
    // applications 2023年8月15日—9月15日 (§三(一)).
    suffix: 'JZ',
    noticeYear: 2023,
    series: '工程',
    specialty: '建筑',
    kinds: [['评审', 0.7], ['初定', 0.2], ['授予', 0.1]],
    apply: [[8, 15], [9, 15]],
    share: 0.4,
    // §六(一): 在县级以上基层单位工作的专业技术人员 免于答辩.
    grassrootsExempt: true,
  },
  {
    // notice 004: 2024 工程系列生态环境 中/初级, 初次确定、授予或评审 (§一),
    // applications 2024年8月24日—9月8日 (§三(一)).
    suffix: 'STHJ',
    noticeYear: 2024,
    series: '工程',
    specialty: '生态环境',
    kinds: [['评审', 0.7], ['初定', 0.2], ['授予', 0.1]],
    apply: [[8, 24], [9, 8]],
    share: 0.35,
    // §六(一): 在县级以下基层单位工作的专业技术人员 免于答辩.
    grassrootsExempt: true,
  },
];

export interface BzBatch {
  code: string;
  year: number;
  template: BzBatchTemplate;
  apply: Window;
  synthetic: boolean;
}

export function bzBatch(template: BzBatchTemplate, year: number): BzBatch {
  return {
    code: `BZ${year}${template.suffix}`,
    year,
    template,
    apply: dayWindow(year, template.apply[0], template.apply[1]),
    synthetic: year !== template.noticeYear,
  };
}

/**
 * `jfje`, the fee in CNY as numeric(8,2) text, or null where no notice gives an amount.
 * 003 §七 and 004 §七: 中级 380, 初级 220; 初次确定初级 100, 初次确定中级 and 授予（中级）380.
 * Notice 000 (民营专项) sets a payment window (§三(三)) but no amount, so none is invented.
 */
export function bzFee(kind: BzKind, level: BzLevel): string | null {
  const intermediate = level === '中级';
  switch (kind) {
    case '评审':
      return intermediate ? '380.00' : '220.00';
    case '初定':
      return intermediate ? '380.00' : '100.00';
    case '授予':
      return '380.00';
    case '民营专项':
      return null;
  }
}

/**
 * `bz` counties (所在县市). Weights follow rough population: most professionals work in 库尔勒市.
 */
export const BZ_COUNTIES: Weighted<string> = [
  ['库尔勒市', 48], ['轮台县', 7], ['尉犁县', 6], ['若羌县', 5], ['且末县', 5],
  ['焉耆县', 9], ['和静县', 9], ['和硕县', 5], ['博湖县', 6],
];

/** 若羌 and 且末 staff never defend (000 §四(五), 003 §六(一), 004 §六(一)). */
export const BZ_DEFENCE_EXEMPT_COUNTIES: ReadonlySet<string> = new Set(['若羌县', '且末县']);

// ---------------------------------------------------------------------------------------------
// aks (阿克苏): one batch per year, notice 001.

export type AksTrack = 'general' | 'private_special';

export interface AksBatch {
  code: string;
  title: string;
  year: number;
  applyFrom: string;
  applyUntil: string;
  auditFrom: string;
  auditUntil: string;
  payFrom: string;
  payUntil: string;
  apply: Window;
  synthetic: boolean;
}

/** The year notice 001 covers; other years' batches are synthetic. */
export const AKS_NOTICE_YEAR = 2024;

/** Specialties of notice 001 (title: 工程系列机械电子、化工（含制药）专业). */
export const AKS_SPECIALTIES: Weighted<string> = [['机械电子', 0.6], ['化工（含制药）', 0.4]];

/**
 * notice 001 §三: applications 7月22日—8月30日 18:00 (a record not with the
 * committee by then is abandoned), audit 8月10日—9月10日, payment 9月10日—9月15日.
 */
export function aksBatch(year: number): AksBatch {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = (month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;
  const applyFrom = wallMinute(year, 7, 22);
  const applyUntil = wallMinute(year, 8, 30, 18, 0);
  return {
    code: `AKS-${year}-JXDZ-HG`,
    title: `${year}年度工程系列机械电子、化工（含制药）专业职称评审及民营企业专项评审`,
    year,
    applyFrom: formatInstant(applyFrom),
    applyUntil: formatInstant(applyUntil),
    auditFrom: date(8, 10),
    auditUntil: date(9, 10),
    payFrom: date(9, 10),
    payUntil: date(9, 15),
    apply: { from: applyFrom, until: applyUntil },
    synthetic: year !== AKS_NOTICE_YEAR,
  };
}

/** GB/T 12407 codes aks stores: 412 副高级, 420 中级, 430 初级, 434 助理级, 435 员级. */
export type AksLevel = 412 | 420 | 430 | 434 | 435;

/**
 * `fee_cents`: 001 其他事宜(四) 评审收费标准: 副高级 600 元, 中级 400 元, 初级 200 元.
 */
export function aksFeeCents(level: AksLevel): number {
  return level === 412 ? 60_000 : level === 420 ? 40_000 : 20_000;
}

// ---------------------------------------------------------------------------------------------
// wlmq (乌鲁木齐): one review year per notice, notice 002.

/** "reviewYear" as the portal types it: `2024年度`. Notice 002 covers 2024; other years are synthetic. */
export const wlmqReviewYear = (year: number): string => `${year}年度`;

/** notice 002 §三: 网上材料申报 9月5日—9月30日, 审核 10月1日—10月15日. */
export function wlmqWindows(year: number): { apply: Window; audit: Window } {
  return { apply: dayWindow(year, [9, 5], [9, 30]), audit: dayWindow(year, [10, 1], [10, 15]) };
}

export type WlmqSeries = '工程' | '经济' | '会计' | '审计' | '统计';

/**
 * 002 §一: the 自贸区经开片区 reviews 经济, 审计, 会计, 统计 at 副高级 and 企业工程全系列 at 初/中/副高;
 * the 头屯河区 reviews 企业工程全系列 only.
 */
export const WLMQ_SERIES: Weighted<WlmqSeries> = [['工程', 0.8], ['经济', 0.07], ['会计', 0.07], ['审计', 0.03], ['统计', 0.03]];

export const WLMQ_ZONES = { freeTradeZone: '自贸区经开片区', toutunhe: '头屯河区' } as const;

/** Specialties ("majorName") per series. 工程 is 企业工程全系列: the engineering specialties firms need. */
export const WLMQ_MAJORS: Readonly<Record<WlmqSeries, Weighted<string>>> = {
  工程: [
    ['机械', 3], ['电气', 3], ['建筑', 3], ['化工', 2], ['计算机', 2], ['电子', 1], ['环境保护', 1],
    ['质量技术监督', 1], ['交通', 1], ['水利', 1], ['冶金', 1], ['食品', 1], ['生物医药', 1],
  ],
  经济: [['工商管理', 3], ['金融', 2], ['人力资源管理', 2], ['财政税收', 1], ['知识产权', 1]],
  会计: [['会计', 1]],
  审计: [['审计', 1]],
  统计: [['统计', 1]],
};
