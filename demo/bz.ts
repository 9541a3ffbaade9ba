/**
 * bz (巴州职称管理系统): people, applications, qualifications, assessments and integrity records
 * in the portal's own format — pinyin-initial columns, Chinese labels.
 */
import type { SqlClient } from '../platform/database/sql.js';
import {
  BZ_BATCH_TEMPLATES,
  BZ_COUNTIES,
  BZ_DEFENCE_EXEMPT_COUNTIES,
  bzBatch,
  bzFee,
  type BzBatch,
  type BzBatchTemplate,
  type BzKind,
  type BzLevel,
} from './batches.js';
import { formatWallClock } from '../domain/time.js';
import { momentIn } from './calendar.js';
import { fullWidthDigits, lowercaseX, spacedOut } from './identity.js';
import type { Persona } from './population.js';
import type { Random, Weighted } from './random.js';
import {
  ASSESSMENT_MIX,
  OTHER_PROVINCE_ABBREVIATIONS,
  UNKNOWN_CODE_RATE,
  approvalDate,
  assessedYears,
  documentNumber,
  firmName,
  priorTitleYear,
  type DrawContext,
  type RegionGenerator,
  type RegionWriter,
  setSequences,
} from './region.js';
import {
  BZ_COLUMNS,
  type BzApplicationRow,
  type BzAssessmentRow,
  type BzIntegrityRow,
  type BzPersonRecords,
  type BzQualificationRow,
} from './rows.js';
import { TableBuffer } from './tableWriter.js';

// ---------------------------------------------------------------------------------------------
// Draw tables

const TEMPLATE_SHARES: Weighted<BzBatchTemplate> = BZ_BATCH_TEMPLATES.map((template) => [template, template.share]);

/** 单位性质. No 机关: civil servants may not apply (003 §一, 004 §一). */
const EMPLOYER_KINDS: Weighted<string> = [['国有企业', 30], ['民营企业', 40], ['事业单位', 25], ['其他', 5]];

/** 初级 is typed three ways: the plain level, or the 助理级/员级 grade. */
const JUNIOR_LABELS: Weighted<BzLevel> = [['初级', 60], ['助理级', 32], ['员级', 8]];

/** `zt` of a decided year: mostly passed or failed. */
const DECIDED_STATUSES: Weighted<number> = [
  [0, 1.5], [1, 0.5], [2, 1], [3, 0.5], [4, 1], [5, 0.5], [6, 1], [7, 60], [8, 20], [9, 5], [10, 9],
];
/** `zt` of the current year: spread over the workflow. */
const CURRENT_STATUSES: Weighted<number> = [
  [0, 5], [1, 8], [2, 4], [3, 18], [4, 5], [5, 16], [6, 14], [7, 14], [8, 4], [9, 5], [10, 7],
];
const PASSED = 7;
const FAILED = 8;
const REJECTED = 10;
/** 已缴费, 评审通过, 评审未通过: the fee has been paid. */
const PAID_STATUSES: ReadonlySet<number> = new Set([6, 7, 8]);
const RETURNED_STATUSES: ReadonlySet<number> = new Set([2, 4]);

/** How a title was obtained before the person's first application here. */
const PRIOR_ROUTES: Weighted<string> = [['评审', 45], ['初定', 40], ['考试', 10], ['认定', 5]];

const INTEGRITY_REASONS = ['提供虚假业绩材料', '伪造学历证书', '剽窃他人论文', '提供虚假社保缴费证明', '代签推荐意见'];

const SPECIALTY_CODES: Readonly<Record<BzBatchTemplate['suffix'], string>> = { ZJMQ: 'ZJ', JZ: 'JZ', STHJ: 'HJ' };

const INDUSTRIES: Readonly<Record<BzBatchTemplate['suffix'], readonly string[]>> = {
  ZJMQ: ['质量检测技术', '计量检测', '检验检测', '标准化技术服务'],
  JZ: ['建筑工程', '建设工程', '路桥工程', '建筑安装工程', '建筑设计'],
  STHJ: ['环保科技', '环境监测', '生态环境工程', '环境工程技术'],
};
const STATE_FIRMS = [
  '中国石油塔里木油田分公司', '中国石化西北油田分公司', '新疆交通建设集团股份有限公司巴州分公司',
  '国网新疆电力有限公司巴州供电公司', '巴州国有资产投资经营有限公司', '新疆水利水电勘测设计研究院有限责任公司巴州分院',
];
const PUBLIC_INSTITUTIONS: Readonly<Record<BzBatchTemplate['suffix'], readonly string[]>> = {
  ZJMQ: ['市场监督管理局检验检测中心', '计量检定所'],
  JZ: ['住房和城乡建设局质量安全监督站', '城乡规划设计院', '建设工程质量检测中心'],
  STHJ: ['生态环境监测站', '环境保护科学研究所', '生态环境局监察大队'],
};

// ---------------------------------------------------------------------------------------------
// Drawing one person

const shortPlace = (county: string): string => county.replace(/[市县]$/, '');

function employer(random: Random, kind: string, county: string, template: BzBatchTemplate): string {
  switch (kind) {
    case '国有企业':
      return random.pick(STATE_FIRMS);
    case '事业单位':
      return `${random.chance(0.3) ? '巴州' : county}${random.pick(PUBLIC_INSTITUTIONS[template.suffix])}`;
    case '其他':
      return `${shortPlace(county)}${random.pick(['众信', '正衡', '广联', '华信'])}工程咨询事务所`;
    default:
      return firmName(random, random.chance(0.7) ? shortPlace(county) : '巴州', random.pick(INDUSTRIES[template.suffix]));
  }
}

/** `sfzh` as typed: lowercase x, spaces or full-width digits occur. */
function typedIdNumber(random: Random, idNumber: string): string {
  const roll = random.next();
  if (roll < 0.01) return fullWidthDigits(idNumber);
  if (roll < 0.025) return spacedOut(idNumber);
  return idNumber.endsWith('X') && random.chance(0.4) ? lowercaseX(idNumber) : idNumber;
}

function titleName(level: BzLevel | '中级'): string {
  return level === '中级' ? '工程师' : level === '员级' ? '技术员' : '助理工程师';
}

function qualification(
  random: Random,
  template: BzBatchTemplate,
  level: BzLevel,
  year: number,
  route: string,
  inXinjiang: boolean,
): BzQualificationRow {
  return {
    zgmc: titleName(level),
    xl: template.series,
    zy: template.specialty,
    jb: level,
    qdsj: approvalDate(random, year),
    // Not one of the five routes: a code no mapping knows.
    qdfs: random.chance(UNKNOWN_CODE_RATE) ? '转评' : route,
    pzwh: inXinjiang
      ? documentNumber(random, '巴职改办字', year)
      : documentNumber(random, `${random.pick(OTHER_PROVINCE_ABBREVIATIONS)}人社职称`, year),
    zsbh: `BZ${year}${SPECIALTY_CODES[template.suffix]}${String(random.int(0, 999_999)).padStart(6, '0')}`,
    qddq: inXinjiang ? '疆内' : '疆外',
  };
}

/** 答辩状态 (000 §四(五), 003 §六, 004 §六): only 中级 reviews defend, with exemptions. */
function defenceStatus(random: Random, batch: BzBatch, kind: BzKind, level: BzLevel, county: string, zt: number): string | null {
  if (kind === '初定' || kind === '授予') return null;
  if (level !== '中级') return '免答辩';
  if (BZ_DEFENCE_EXEMPT_COUNTIES.has(county)) return '免答辩';
  if (batch.template.grassrootsExempt && random.chance(0.1)) return '免答辩';
  return zt === PASSED || zt === FAILED ? '已答辩' : '待答辩';
}

function submissionCount(random: Random, zt: number): number {
  if (zt === 0) return 0;
  if (zt === REJECTED) return random.weighted([[1, 2], [2, 3], [3, 5]]);
  if (RETURNED_STATUSES.has(zt)) return random.weighted([[1, 6], [2, 3], [3, 1]]);
  return random.weighted([[1, 75], [2, 20], [3, 5]]);
}

/** One field replaced by a value no mapping knows, as newer portal versions and typos produce. */
function withUnknownCode(random: Random, row: BzApplicationRow): BzApplicationRow {
  switch (random.int(0, 3)) {
    case 0:
      return { ...row, sbjb: '特级' };
    case 1:
      return { ...row, pslb: '推荐' };
    case 2:
      return { ...row, zt: 11 };
    default:
      return { ...row, dbzt: '缓答辩' };
  }
}

function drawPerson(context: DrawContext, person: Persona, years: readonly number[]): BzPersonRecords {
  const { random } = context;
  const batches = years.map((year) => bzBatch(random.weighted(TEMPLATE_SHARES), year));
  // 民营专项 is for staff of private firms only (000 §一).
  const dwxz = batches.some((batch) => batch.template.suffix === 'ZJMQ') ? '民营企业' : random.weighted(EMPLOYER_KINDS);
  const szxs = random.weighted(BZ_COUNTIES);
  const first = batches[0]!;
  const applications: BzApplicationRow[] = [];
  const qualifications: BzQualificationRow[] = [];
  const integrity: BzIntegrityRow[] = [];

  let intermediate = random.chance(0.5);
  if (intermediate) {
    // Applying for 中级 means holding a 初级 title already.
    const year = priorTitleYear(random, first.year, person.birthYear, [3, 8]);
    qualifications.push(qualification(random, first.template, random.chance(0.7) ? '助理级' : '初级', year, random.weighted(PRIOR_ROUTES), random.chance(0.88)));
  }

  const fraud = random.chance(0.003);
  let firstMoment = 0;
  batches.forEach((batch, index) => {
    const last = index === batches.length - 1;
    let kind = random.weighted(batch.template.kinds);
    // 授予 is for 中级 only (003 §七, 004 §七: 授予（中级）).
    if (kind === '授予' && !intermediate) kind = '评审';
    const level: BzLevel = intermediate ? '中级' : random.weighted(JUNIOR_LABELS);
    let zt = random.weighted(batch.year >= context.currentYear ? CURRENT_STATUSES : DECIDED_STATUSES);
    // bz opens nothing above 中级: a later application means the earlier one did not pass.
    if (!last && intermediate && zt === PASSED) zt = FAILED;
    if (fraud && last) zt = REJECTED;
    const moment = momentIn(random, batch.apply);
    if (index === 0) firstMoment = moment;
    let row: BzApplicationRow = {
      pcdm: batch.code,
      sbnd: batch.year,
      xl: batch.template.series,
      zy: batch.template.specialty,
      sbjb: level,
      pslb: kind,
      zt,
      tjcs: submissionCount(random, zt),
      zhtjsj: zt === 0 ? null : formatWallClock(moment, random.int(0, 59)),
      dbzt: defenceStatus(random, batch, kind, level, szxs, zt),
      jfje: PAID_STATUSES.has(zt) ? bzFee(kind, level) : null,
    };
    if (random.chance(UNKNOWN_CODE_RATE)) row = withUnknownCode(random, row);
    applications.push(row);
    if (zt === PASSED) {
      const route = kind === '初定' || kind === '授予' ? kind : '评审';
      qualifications.push(qualification(random, batch.template, level, batch.year, route, true));
      intermediate = true;
    }
  });

  const lastYear = years[years.length - 1]!;
  const assessments: BzAssessmentRow[] = random.chance(0.8)
    ? assessedYears(lastYear).map((khnd) => ({
        khnd,
        // 良好 is no label of this portal: a value no mapping knows.
        khjg: random.chance(UNKNOWN_CODE_RATE) ? '良好' : random.weighted(ASSESSMENT_MIX),
      }))
    : [];
  if (fraud) {
    // Barred from the following year for 3 years (003 §八(二), 004 §八(二) and their 个人承诺书).
    integrity.push({ sxyy: `${lastYear}年度职称申报${random.pick(INTEGRITY_REASONS)}`, cfrq: approvalDate(random, lastYear), jzrq: `${lastYear + 3}-12-31` });
  }

  return {
    person: {
      xm: person.name,
      xb: person.male ? '男' : '女',
      mz: person.ethnicity.label,
      zzmm: person.political.label,
      sfzh: typedIdNumber(random, person.idNumber),
      gzdw: employer(random, dwxz, szxs, first.template),
      dwxz,
      szxs,
      // Registered on the portal some days before the first application.
      lrsj: formatWallClock(firstMoment - random.int(60, 40 * 24 * 60), random.int(0, 59)),
    },
    applications,
    qualifications,
    assessments,
    integrity,
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

class BzWriter implements RegionWriter<BzPersonRecords> {
  private readonly people = new TableBuffer('ry_jbxx', BZ_COLUMNS.ry_jbxx);
  private readonly applications = new TableBuffer('sb_sqs', BZ_COLUMNS.sb_sqs);
  private readonly qualifications = new TableBuffer('ry_rzzg', BZ_COLUMNS.ry_rzzg);
  private readonly assessments = new TableBuffer('ry_ndkh', BZ_COLUMNS.ry_ndkh);
  private readonly integrity = new TableBuffer('cx_sxjl', BZ_COLUMNS.cx_sxjl);
  // Parents before children, for the foreign keys.
  private readonly buffers = [this.people, this.applications, this.qualifications, this.assessments, this.integrity];
  private ryid = 0;
  private sqsid = 0;
  private zgid = 0;
  private jlid = 0;
  readonly counts: Record<string, number> = { ry_jbxx: 0, sb_sqs: 0, ry_rzzg: 0, ry_ndkh: 0, cx_sxjl: 0 };

  async writeReferenceData(): Promise<void> {
    // bz has no batch table: the batch is the code in sb_sqs.pcdm.
  }

  get pendingRows(): number {
    return this.buffers.reduce((sum, buffer) => sum + buffer.length, 0);
  }

  add(records: BzPersonRecords): void {
    const ryid = ++this.ryid;
    const p = records.person;
    this.people.push([ryid, p.xm, p.xb, p.mz, p.zzmm, p.sfzh, p.gzdw, p.dwxz, p.szxs, p.lrsj]);
    for (const a of records.applications) {
      this.applications.push([++this.sqsid, ryid, a.pcdm, a.sbnd, a.xl, a.zy, a.sbjb, a.pslb, a.zt, a.tjcs, a.zhtjsj, a.dbzt, a.jfje]);
    }
    for (const q of records.qualifications) {
      this.qualifications.push([++this.zgid, ryid, q.zgmc, q.xl, q.zy, q.jb, q.qdsj, q.qdfs, q.pzwh, q.zsbh, q.qddq]);
    }
    for (const k of records.assessments) this.assessments.push([ryid, k.khnd, k.khjg]);
    for (const i of records.integrity) this.integrity.push([++this.jlid, ryid, i.sxyy, i.cfrq, i.jzrq]);
  }

  async flush(sql: SqlClient): Promise<void> {
    for (const buffer of this.buffers) this.counts[buffer.table]! += await buffer.flush(sql);
  }

  async finish(sql: SqlClient): Promise<void> {
    await this.flush(sql);
    await setSequences(sql, [
      ['ry_jbxx', 'ryid', this.ryid],
      ['sb_sqs', 'sqsid', this.sqsid],
      ['ry_rzzg', 'zgid', this.zgid],
      ['cx_sxjl', 'jlid', this.jlid],
    ]);
  }
}

export const bzGenerator: RegionGenerator<BzPersonRecords> = {
  region: 'bz',
  portalTables: ['ry_jbxx', 'sb_sqs', 'ry_rzzg', 'ry_ndkh', 'cx_sxjl'],
  castRecords: (member) => member.bz,
  drawPerson,
  applicationCount: (records) => records.applications.length,
  createWriter: () => new BzWriter(),
};
