/**
 * aks (阿克苏地区职称评审系统): applicants, batches, apply records, titles held, assessments and the
 * blacklist in the portal's own format — English snake_case, national numeric codes, and the old
 * 15-digit ID numbers an earlier system left behind.
 */
import type { SqlClient } from '../platform/database/sql.js';
import { AKS_SPECIALTIES, aksBatch, aksFeeCents, type AksLevel } from './batches.js';
import { formatInstant } from '../domain/time.js';
import { momentIn } from './calendar.js';
import { fifteenDigitForm, lowercaseX } from './identity.js';
import type { Persona } from './population.js';
import type { Random, Weighted } from './random.js';
import {
  ASSESSMENT_MIX,
  OTHER_PROVINCE_ABBREVIATIONS,
  UNKNOWN_CODE_RATE,
  approvalDate,
  assessedYears,
  dateIn,
  documentNumber,
  firmName,
  priorTitleYear,
  setSequences,
  type DrawContext,
  type RegionGenerator,
  type RegionWriter,
} from './region.js';
import {
  AKS_COLUMNS,
  type AksApplyRecordRow,
  type AksAssessmentRow,
  type AksBlacklistRow,
  type AksPersonRecords,
  type AksTitleHeldRow,
} from './rows.js';
import { TableBuffer } from './tableWriter.js';

// ---------------------------------------------------------------------------------------------
// Draw tables

/** 1 国有企业 · 2 民营企业 · 3 事业单位 · 9 其他. No 4 机关: civil servants may not apply (001 §一). */
const EMPLOYER_KINDS: Weighted<number> = [[1, 33], [2, 40], [3, 24], [9, 3]];

/** The level first applied for; 初级 as 434 助理级 mostly, also 430 初级 and 435 员级. */
const FIRST_LEVELS: Weighted<AksLevel> = [[434, 22], [430, 10], [435, 3], [420, 42], [412, 23]];
const NEXT_LEVEL: Readonly<Record<AksLevel, AksLevel>> = { 435: 434, 434: 420, 430: 420, 420: 412, 412: 412 };

const DECIDED_STATES: Weighted<string> = [
  ['draft', 1], ['submitted', 0.5], ['unit_returned', 0.5], ['committee_audit', 0.5], ['committee_returned', 0.5],
  ['accepted', 0.5], ['paid', 1], ['passed', 58], ['failed', 20], ['withdrawn', 4], ['abandoned', 5], ['rejected', 8.5],
];
const CURRENT_STATES: Weighted<string> = [
  ['draft', 4], ['submitted', 6], ['unit_returned', 3], ['committee_audit', 16], ['committee_returned', 5],
  ['accepted', 20], ['paid', 22], ['passed', 6], ['failed', 2], ['withdrawn', 4], ['abandoned', 6], ['rejected', 6],
];
const PAID_STATES: ReadonlySet<string> = new Set(['paid', 'passed', 'failed']);
const RETURNED_STATES: ReadonlySet<string> = new Set(['unit_returned', 'committee_returned']);

/** Routes to a title held before applying here; skill_bridge is 001 §四(七) 两类人才贯通. */
const PRIOR_ROUTES: Weighted<string> = [['review', 50], ['determination', 25], ['exam', 10], ['skill_bridge', 10], ['conferral', 5]];

const TITLE_NAMES: Readonly<Record<AksLevel, string>> = { 435: '技术员', 434: '助理工程师', 430: '助理工程师', 420: '工程师', 412: '高级工程师' };

const PLACES = ['阿克苏', '库车', '温宿', '沙雅', '新和', '拜城', '乌什', '阿瓦提', '柯坪', '新疆'];
const INDUSTRIES: Readonly<Record<string, readonly string[]>> = {
  机械电子: ['机械制造', '机电设备', '电子科技', '农机装备', '电气自动化'],
  '化工（含制药）': ['化工', '石油化工', '精细化工', '制药', '生物制药'],
};
const STATE_FIRMS = [
  '中国石化塔河炼化有限责任公司', '中国石油塔里木油田分公司阿克苏项目部', '国网新疆电力有限公司阿克苏供电公司',
  '阿克苏纺织工业城（开发区）投资有限公司', '新疆库车化工有限责任公司',
];
const PUBLIC_INSTITUTIONS = ['阿克苏地区产品质量检验所', '阿克苏地区特种设备检验研究所', '阿克苏地区农机技术推广站', '阿克苏地区工业和信息化发展中心'];

/** `assessment.result`: 1 优秀 · 2 合格 · 3 基本合格 · 4 不合格. */
const ASSESSMENT_CODES: Readonly<Record<'优秀' | '合格' | '基本合格' | '不合格', number>> = { 优秀: 1, 合格: 2, 基本合格: 3, 不合格: 4 };

const BLACKLIST_REASONS = ['提供虚假业绩证明', '伪造继续教育证书', '论文抄袭', '提供虚假学历材料'];

// ---------------------------------------------------------------------------------------------
// Drawing one person

function employer(random: Random, kind: number, specialty: string): string {
  if (kind === 1) return random.pick(STATE_FIRMS);
  if (kind === 3) return random.pick(PUBLIC_INSTITUTIONS);
  return firmName(random, random.pick(PLACES), random.pick(INDUSTRIES[specialty] ?? ['机械制造']));
}

/** `id_card`: 15 or 18 characters, upper or lower x; the 15-digit form came from the older system. */
function typedIdNumber(random: Random, person: Persona): string {
  if (person.birthYear < 1985 && random.chance(0.06)) return fifteenDigitForm(person.idNumber);
  return person.idNumber.endsWith('X') && random.chance(0.25) ? lowercaseX(person.idNumber) : person.idNumber;
}

function titleHeld(random: Random, level: AksLevel, year: number, route: string, inXinjiang: boolean): AksTitleHeldRow {
  return {
    title_name: TITLE_NAMES[level],
    series_code: 'ENG',
    level_code: level,
    obtained_on: approvalDate(random, year),
    route: random.chance(UNKNOWN_CODE_RATE) ? 'transfer' : route,
    in_xinjiang: inXinjiang,
    doc_no: inXinjiang
      ? documentNumber(random, random.chance(0.8) ? '阿地职改字' : '新人社职字', year)
      : documentNumber(random, `${random.pick(OTHER_PROVINCE_ABBREVIATIONS)}人社职称`, year),
  };
}

function submitCount(random: Random, state: string): number {
  if (state === 'draft') return 0;
  if (state === 'abandoned') return random.weighted([[0, 3], [1, 7]]);
  // 001 §四(三): at most 3 submissions to the committee; the third failing means 不予受理.
  if (state === 'rejected') return random.weighted([[1, 2], [2, 3], [3, 5]]);
  if (RETURNED_STATES.has(state)) return random.weighted([[1, 6], [2, 3], [3, 1]]);
  return random.weighted([[1, 75], [2, 20], [3, 5]]);
}

function withUnknownCode(random: Random, row: AksApplyRecordRow): AksApplyRecordRow {
  switch (random.int(0, 2)) {
    case 0:
      return { ...row, state: random.pick(['archived', 'under_review']) };
    case 1:
      return { ...row, track: 'talent_special' };
    default:
      return { ...row, series_code: 'GC' };
  }
}

function drawPerson(context: DrawContext, person: Persona, years: readonly number[]): AksPersonRecords {
  const { random } = context;
  const specialty = random.weighted(AKS_SPECIALTIES);
  let level = random.weighted(FIRST_LEVELS);
  // 民营企业专项 is for 初/中级 only (001 §一).
  const privateSpecial = level !== 412 && random.chance(0.25);
  const employerKind = privateSpecial ? 2 : random.weighted(EMPLOYER_KINDS);
  const firstYear = years[0]!;
  const titles: AksTitleHeldRow[] = [];
  if (level === 420 || level === 412) {
    const heldLevel: AksLevel = level === 420 ? 434 : 420;
    if (level === 412 && random.chance(0.5)) {
      titles.push(titleHeld(random, 434, priorTitleYear(random, firstYear, person.birthYear, [9, 14]), random.weighted(PRIOR_ROUTES), random.chance(0.88)));
    }
    titles.push(titleHeld(random, heldLevel, priorTitleYear(random, firstYear, person.birthYear, [3, 8]), random.weighted(PRIOR_ROUTES), random.chance(0.88)));
  }

  const fraud = random.chance(0.003);
  const records: AksApplyRecordRow[] = [];
  let firstMoment = 0;
  years.forEach((year, index) => {
    const batch = aksBatch(year);
    const last = index === years.length - 1;
    let state = random.weighted(year >= context.currentYear ? CURRENT_STATES : DECIDED_STATES);
    // aks opens nothing above 副高 here: a later application means the earlier one did not pass.
    if (!last && level === 412 && state === 'passed') state = 'failed';
    if (fraud && last) state = 'rejected';
    const count = submitCount(random, state);
    const moment = momentIn(random, batch.apply);
    if (index === 0) firstMoment = moment;
    let row: AksApplyRecordRow = {
      batch_code: batch.code,
      series_code: 'ENG',
      specialty,
      level_code: level,
      track: privateSpecial && level !== 412 ? 'private_special' : 'general',
      state,
      submit_count: count,
      submitted_at: count === 0 ? null : formatInstant(moment, random.int(0, 59)),
      fee_cents: PAID_STATES.has(state) ? aksFeeCents(level) : null,
      // 001 §四(四): 副高 defends, except people serving in villages, southern Xinjiang and the like.
      defense_required: level === 412 && !random.chance(0.05),
    };
    if (random.chance(UNKNOWN_CODE_RATE)) row = withUnknownCode(random, row);
    records.push(row);
    if (state === 'passed') {
      titles.push(titleHeld(random, level, year, 'review', true));
      level = NEXT_LEVEL[level];
    }
  });

  const lastYear = years[years.length - 1]!;
  const assessments: AksAssessmentRow[] = random.chance(0.8)
    ? assessedYears(lastYear).map((year) => ({
        year,
        // 5 is no code of this portal (1–4): a value no mapping knows.
        result: random.chance(UNKNOWN_CODE_RATE) ? 5 : ASSESSMENT_CODES[random.weighted(ASSESSMENT_MIX)],
      }))
    : [];
  // 001 其他事宜(一): fraud bars an individual for five years and puts them on the platform blacklist.
  const blacklist: AksBlacklistRow[] = fraud
    ? [{ reason: `${lastYear}年度申报${random.pick(BLACKLIST_REASONS)}`, listed_on: approvalDate(random, lastYear), ban_years: 5 }]
    : [];

  return {
    applicant: {
      id_card: typedIdNumber(random, person),
      full_name: person.name,
      gender_code: person.male ? 1 : 2,
      ethnic_code: person.ethnicity.code,
      political_code: person.political.code,
      employer: employer(random, employerKind, specialty),
      employer_kind: employerKind,
      // A few rows the rules would refuse (001 §一): the data holds them, the checks must find them.
      civil_servant: random.chance(0.002),
      retired: random.chance(0.001),
      sanction_until: random.chance(0.003) ? dateIn(random, lastYear + 1) : null,
      created_at: formatInstant(firstMoment - random.int(60, 40 * 24 * 60), random.int(0, 59)),
    },
    records,
    titles,
    assessments,
    blacklist,
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

class AksWriter implements RegionWriter<AksPersonRecords> {
  private readonly applicants = new TableBuffer('applicant', AKS_COLUMNS.applicant);
  private readonly records = new TableBuffer('apply_record', AKS_COLUMNS.apply_record);
  private readonly titles = new TableBuffer('title_held', AKS_COLUMNS.title_held);
  private readonly assessments = new TableBuffer('assessment', AKS_COLUMNS.assessment);
  private readonly blacklist = new TableBuffer('blacklist', AKS_COLUMNS.blacklist);
  // Parents before children, for the foreign keys.
  private readonly buffers = [this.applicants, this.records, this.titles, this.assessments, this.blacklist];
  private applicantId = 0;
  private recordId = 0;
  private titleId = 0;
  private blacklistId = 0;
  readonly counts: Record<string, number> = { batch: 0, applicant: 0, apply_record: 0, title_held: 0, assessment: 0, blacklist: 0 };

  async writeReferenceData(sql: SqlClient, years: readonly number[]): Promise<void> {
    const batches = new TableBuffer('batch', AKS_COLUMNS.batch);
    for (const year of years) {
      const b = aksBatch(year);
      batches.push([b.code, b.title, b.year, b.applyFrom, b.applyUntil, b.auditFrom, b.auditUntil, b.payFrom, b.payUntil]);
    }
    this.counts.batch = await batches.flush(sql);
  }

  get pendingRows(): number {
    return this.buffers.reduce((sum, buffer) => sum + buffer.length, 0);
  }

  add(records: AksPersonRecords): void {
    const id = ++this.applicantId;
    const a = records.applicant;
    this.applicants.push([
      id, a.id_card, a.full_name, a.gender_code, a.ethnic_code, a.political_code, a.employer, a.employer_kind,
      a.civil_servant, a.retired, a.sanction_until, a.created_at,
    ]);
    for (const r of records.records) {
      this.records.push([
        ++this.recordId, id, r.batch_code, r.series_code, r.specialty, r.level_code, r.track, r.state, r.submit_count,
        r.submitted_at, r.fee_cents, r.defense_required,
      ]);
    }
    for (const t of records.titles) {
      this.titles.push([++this.titleId, id, t.title_name, t.series_code, t.level_code, t.obtained_on, t.route, t.in_xinjiang, t.doc_no]);
    }
    for (const s of records.assessments) this.assessments.push([id, s.year, s.result]);
    for (const b of records.blacklist) this.blacklist.push([++this.blacklistId, id, b.reason, b.listed_on, b.ban_years]);
  }

  async flush(sql: SqlClient): Promise<void> {
    for (const buffer of this.buffers) this.counts[buffer.table]! += await buffer.flush(sql);
  }

  async finish(sql: SqlClient): Promise<void> {
    await this.flush(sql);
    await setSequences(sql, [
      ['applicant', 'id', this.applicantId],
      ['apply_record', 'id', this.recordId],
      ['title_held', 'id', this.titleId],
      ['blacklist', 'id', this.blacklistId],
    ]);
  }
}

export const aksGenerator: RegionGenerator<AksPersonRecords> = {
  region: 'aks',
  portalTables: ['batch', 'applicant', 'apply_record', 'title_held', 'assessment', 'blacklist'],
  castRecords: (member) => member.aks,
  drawPerson,
  applicationCount: (records) => records.records.length,
  createWriter: () => new AksWriter(),
};
