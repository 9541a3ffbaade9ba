/**
 * wlmq (乌鲁木齐市职称评审系统): one "Declaration" row per application, with the person's details
 * copied into each and earlier titles as a JSON array, in the portal's own format — quoted
 * camelCase identifiers, Chinese text values.
 */
import type { SqlClient } from '../platform/database/sql.js';
import {
  WLMQ_MAJORS,
  WLMQ_SERIES,
  WLMQ_ZONES,
  wlmqReviewYear,
  wlmqWindows,
  type WlmqSeries,
} from './batches.js';
import { formatWallClock, wallMinute } from '../domain/time.js';
import { momentIn } from './calendar.js';
import { creditCode, fullWidthDigits, lowercaseX, passportNumber, permitNumber, spacedOut } from './identity.js';
import type { Persona } from './population.js';
import type { Random, Weighted } from './random.js';
import { UNKNOWN_CODE_RATE, firmName, priorTitleYear, type DrawContext, type RegionGenerator, type RegionWriter } from './region.js';
import { WLMQ_COLUMNS, declarationNo, type WlmqDeclarationRow, type WlmqPersonRecords, type WlmqTitleHistoryEntry } from './rows.js';
import { TableBuffer } from './tableWriter.js';

// ---------------------------------------------------------------------------------------------
// Draw tables

type Level = 'junior' | 'intermediate' | 'associateSenior';

/** 002 §一: 工程 at 初/中/副高; 经济, 审计, 会计, 统计 at 副高 only. */
const ENGINEERING_FIRST_LEVELS: Weighted<Level> = [['junior', 30], ['intermediate', 45], ['associateSenior', 25]];
const NEXT_LEVEL: Readonly<Record<Level, Level>> = { junior: 'intermediate', intermediate: 'associateSenior', associateSenior: 'associateSenior' };

const PROFESSION: Readonly<Record<WlmqSeries, string>> = { 工程: '工程师', 经济: '经济师', 会计: '会计师', 审计: '审计师', 统计: '统计师' };

function titleFor(random: Random, series: WlmqSeries, level: Level): string {
  const profession = PROFESSION[series];
  if (level === 'associateSenior') return `高级${profession}`;
  if (level === 'intermediate') return profession;
  return series === '工程' && random.chance(0.1) ? '技术员' : `助理${profession}`;
}

const DECIDED_STATES: Weighted<string> = [
  ['暂存', 1.5], ['待单位审核', 0.5], ['单位退回', 1], ['待评审机构审核', 0.5], ['评审机构退回', 1], ['审核通过', 0.5],
  ['已缴费', 1], ['评审通过', 60], ['评审不通过', 20], ['已撤回', 5], ['不予受理', 9],
];
const CURRENT_STATES: Weighted<string> = [
  ['暂存', 6], ['待单位审核', 10], ['单位退回', 4], ['待评审机构审核', 24], ['评审机构退回', 6], ['审核通过', 22],
  ['已缴费', 10], ['评审通过', 6], ['评审不通过', 2], ['已撤回', 4], ['不予受理', 6],
];
/** States the declaration reaches only after the reviewing body's audit (10月1日—10月15日, 002 §三). */
const AUDITED_STATES: ReadonlySet<string> = new Set(['评审机构退回', '审核通过', '不予受理']);

const CERT_TYPES: Weighted<string> = [['居民身份证', 97], ['护照', 2], ['港澳居民来往内地通行证', 1]];

const ISSUERS_IN_XINJIANG = [
  '乌鲁木齐市职称改革领导小组办公室', '新疆维吾尔自治区人力资源和社会保障厅', '巴音郭楞蒙古自治州职称改革领导小组办公室',
  '阿克苏地区职称改革领导小组办公室', '昌吉回族自治州人力资源和社会保障局',
];
const ISSUERS_ELSEWHERE = ['河南省人力资源和社会保障厅', '四川省人力资源和社会保障厅', '甘肃省人力资源和社会保障厅', '陕西省人力资源和社会保障厅'];
/** The issuer of titles this portal's reviews confer (002 落款). */
const OWN_ISSUER = '经济技术开发区（头屯河区）人力资源和社会保障局';
/** 中级 经济/会计/审计/统计 titles come from the national exam. */
const NATIONAL_EXAM_ISSUER = '人力资源和社会保障部';

const ENGINEERING_INDUSTRIES: Readonly<Record<string, string>> = {
  机械: '机械制造', 电气: '电气设备', 建筑: '建设工程', 化工: '化工', 计算机: '软件科技', 电子: '电子科技',
  环境保护: '环保科技', 质量技术监督: '检验检测', 交通: '交通工程', 水利: '水利水电工程', 冶金: '冶金', 食品: '食品',
  生物医药: '生物医药',
};
const BUSINESS_INDUSTRIES = ['商贸', '投资发展', '物流', '供应链管理', '能源', '实业', '国际贸易'];

// ---------------------------------------------------------------------------------------------
// Drawing one person

/** `"certNo"` as typed: spaces, full-width digits and lowercase x occur. */
function typedIdNumber(random: Random, idNumber: string): string {
  const roll = random.next();
  if (roll < 0.02) return fullWidthDigits(idNumber);
  if (roll < 0.04) return spacedOut(idNumber);
  if (roll < 0.045) return fullWidthDigits(spacedOut(idNumber));
  return idNumber.endsWith('X') && random.chance(0.4) ? lowercaseX(idNumber) : idNumber;
}

function historyEntry(random: Random, title: string, year: number, issuer: string, inXinjiang: boolean): WlmqTitleHistoryEntry {
  return {
    title,
    obtainedAt: `${year}-${String(random.int(10, 12)).padStart(2, '0')}`,
    issuer,
    place: inXinjiang ? '疆内' : '疆外',
  };
}

function priorHistory(random: Random, person: Persona, series: WlmqSeries, level: Level, firstYear: number): WlmqTitleHistoryEntry[] {
  const inXinjiang = random.chance(0.8);
  const issuer = () => random.pick(inXinjiang ? ISSUERS_IN_XINJIANG : ISSUERS_ELSEWHERE);
  if (level === 'junior') {
    return series === '工程' && random.chance(0.2)
      ? [historyEntry(random, '技术员', priorTitleYear(random, firstYear, person.birthYear, [3, 6]), issuer(), inXinjiang)]
      : [];
  }
  const history: WlmqTitleHistoryEntry[] = [];
  if (level === 'associateSenior' && random.chance(0.6)) {
    history.push(historyEntry(random, `助理${PROFESSION[series]}`, priorTitleYear(random, firstYear, person.birthYear, [9, 14]), issuer(), inXinjiang));
  }
  const heldLevel: Level = level === 'associateSenior' ? 'intermediate' : 'junior';
  const heldIssuer = series !== '工程' && heldLevel === 'intermediate' ? NATIONAL_EXAM_ISSUER : issuer();
  history.push(historyEntry(random, titleFor(random, series, heldLevel), priorTitleYear(random, firstYear, person.birthYear, [4, 8]), heldIssuer, inXinjiang));
  return history;
}

function way(random: Random, series: WlmqSeries, level: Level): string {
  // 高级经济师, 高级会计师, 高级审计师 and 高级统计师 combine a national exam with the review.
  if (series !== '工程') return random.chance(0.75) ? '考评结合' : '评审';
  return level !== 'associateSenior' && random.chance(0.1) ? '认定' : '评审';
}

function returnTimes(random: Random, state: string): number {
  // 002 §四(二): 被退回超过 3 次的，将无法再提交申请.
  if (state === '不予受理') return random.weighted([[1, 2], [2, 3], [3, 5]]);
  if (state === '单位退回' || state === '评审机构退回') return random.weighted([[1, 6], [2, 3], [3, 1]]);
  return random.weighted([[0, 75], [1, 18], [2, 7]]);
}

/** When the declaration last changed: in the audit window once audited, at year end once decided. */
function lastChange(random: Random, year: number, state: string, created: number): number {
  if (state === '评审通过' || state === '评审不通过') return wallMinute(year, 12, random.int(1, 20), random.int(9, 18), random.int(0, 59));
  if (state === '已缴费') return wallMinute(year, 10, random.int(16, 31), random.int(9, 18), random.int(0, 59));
  if (AUDITED_STATES.has(state)) return momentIn(random, wlmqWindows(year).audit);
  return created + random.int(0, 5 * 24 * 60);
}

function withUnknownCode(random: Random, row: WlmqDeclarationRow): WlmqDeclarationRow {
  switch (random.int(0, 2)) {
    case 0:
      return { ...row, flowState: '待复核' };
    case 1:
      return { ...row, way: '推荐' };
    default:
      return { ...row, targetTitle: '首席工程师' };
  }
}

function drawPerson(context: DrawContext, person: Persona, years: readonly number[], crossRegion: boolean): WlmqPersonRecords {
  const { random } = context;
  // Someone who also applies elsewhere uses their resident ID card, so the province can match them.
  const certType = crossRegion ? '居民身份证' : random.weighted(CERT_TYPES);
  const certNo =
    certType === '护照' ? passportNumber(person.key) : certType === '居民身份证' ? typedIdNumber(random, person.idNumber) : permitNumber(person.key);
  const series = random.weighted(WLMQ_SERIES);
  const majorName = random.weighted(WLMQ_MAJORS[series]);
  // 002 §一: only the free-trade zone reviews 经济, 审计, 会计, 统计.
  const zone = series === '工程' && random.chance(0.55) ? WLMQ_ZONES.toutunhe : WLMQ_ZONES.freeTradeZone;
  const unitName =
    series === '工程'
      ? firmName(random, random.chance(0.6) ? '新疆' : '乌鲁木齐', ENGINEERING_INDUSTRIES[majorName] ?? '工程技术')
      : firmName(random, random.chance(0.6) ? '新疆' : '乌鲁木齐', random.pick(BUSINESS_INDUSTRIES));
  const unitCreditCode = creditCode(random, random.chance(0.8) ? '650106' : random.pick(['650100', '650104', '650102']));
  let level: Level = series === '工程' ? random.weighted(ENGINEERING_FIRST_LEVELS) : 'associateSenior';
  const history = priorHistory(random, person, series, level, years[0]!);
  const fraud = random.chance(0.003);

  const declarations: WlmqDeclarationRow[] = years.map((year, index) => {
    const last = index === years.length - 1;
    let flowState = random.weighted(year >= context.currentYear ? CURRENT_STATES : DECIDED_STATES);
    // Nothing above 副高 here: a later declaration means the earlier one did not pass.
    if (!last && level === 'associateSenior' && flowState === '评审通过') flowState = '评审不通过';
    if (fraud && last) flowState = '不予受理';
    const created = momentIn(random, wlmqWindows(year).apply);
    const targetTitle = titleFor(random, series, level);
    let row: WlmqDeclarationRow = {
      certType,
      certNo,
      name: person.name,
      sex: person.male ? '男' : '女',
      nation: certType === '居民身份证' ? person.ethnicity.label : '汉族',
      politics: person.political.label,
      unitName,
      unitCreditCode,
      zone,
      reviewYear: wlmqReviewYear(year),
      seriesName: series,
      majorName,
      targetTitle,
      way: way(random, series, level),
      flowState,
      returnTimes: returnTimes(random, flowState),
      // Copied at the time of the declaration: only the titles held by then.
      titleHistory: [...history],
      // 002 §七(三): fraud is recorded in the integrity archive for 3 years.
      creditFlag: fraud && last,
      creditUntil: fraud && last ? `${year + 3}-12-31` : null,
      createdAt: formatWallClock(created, random.int(0, 59)),
      updatedAt: formatWallClock(lastChange(random, year, flowState, created), random.int(0, 59)),
    };
    if (random.chance(UNKNOWN_CODE_RATE)) row = withUnknownCode(random, row);
    if (flowState === '评审通过') {
      history.push(historyEntry(random, targetTitle, year, OWN_ISSUER, true));
      level = NEXT_LEVEL[level];
    }
    return row;
  });
  return { declarations };
}

// ---------------------------------------------------------------------------------------------
// Writing

class WlmqWriter implements RegionWriter<WlmqPersonRecords> {
  private readonly declarations = new TableBuffer('"Declaration"', WLMQ_COLUMNS.Declaration);
  /** Last declaration number used, per review year. */
  private readonly sequences = new Map<string, number>();
  readonly counts: Record<string, number> = { Declaration: 0 };

  async writeReferenceData(): Promise<void> {
    // wlmq has no batch table: the review year is text in each declaration.
  }

  get pendingRows(): number {
    return this.declarations.length;
  }

  add(records: WlmqPersonRecords): void {
    for (const d of records.declarations) {
      const year = Number.parseInt(d.reviewYear, 10);
      const sequence = (this.sequences.get(d.reviewYear) ?? 0) + 1;
      this.sequences.set(d.reviewYear, sequence);
      this.declarations.push([
        declarationNo(year, sequence), d.certType, d.certNo, d.name, d.sex, d.nation, d.politics, d.unitName,
        d.unitCreditCode, d.zone, d.reviewYear, d.seriesName, d.majorName, d.targetTitle, d.way, d.flowState,
        d.returnTimes, JSON.stringify(d.titleHistory), d.creditFlag, d.creditUntil, d.createdAt, d.updatedAt,
      ]);
    }
  }

  async flush(sql: SqlClient): Promise<void> {
    this.counts.Declaration! += await this.declarations.flush(sql);
  }

  async finish(sql: SqlClient): Promise<void> {
    // "declarationNo" is text: no sequence to move.
    await this.flush(sql);
  }
}

export const wlmqGenerator: RegionGenerator<WlmqPersonRecords> = {
  region: 'wlmq',
  portalTables: ['"Declaration"'],
  castRecords: (member) => member.wlmq,
  drawPerson,
  applicationCount: (records) => records.declarations.length,
  createWriter: () => new WlmqWriter(),
};
