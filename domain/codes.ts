/**
 * The shared schema's code lists. Values are the GraphQL enum values of schema/shared.graphql;
 * where a national standard exists, its code and Chinese label travel with them. Every list ends
 * in UNKNOWN: a local value that no mapping knows becomes UNKNOWN, is reported as a data-quality
 * event, and is never dropped or guessed.
 */

/** A region code as clients see it: lowercase, e.g. `bz` (domain/regions.ts is the registry). */
export type RegionCode = string;

/** 级别, GB/T 12407-2008. */
export const TITLE_LEVELS = {
  SENIOR: { code: '411', label: '正高级' },
  ASSOCIATE_SENIOR: { code: '412', label: '副高级' },
  INTERMEDIATE: { code: '420', label: '中级' },
  JUNIOR: { code: '430', label: '初级' },
  ASSISTANT: { code: '434', label: '助理级' },
  TECHNICIAN: { code: '435', label: '员级' },
  UNRATED: { code: '499', label: '未定职级' },
  UNKNOWN: { code: null, label: '未知' },
} as const;
export type TitleLevel = keyof typeof TITLE_LEVELS;

/** 职称系列, by the national list. */
export const TITLE_SERIES = {
  HIGHER_EDUCATION_TEACHER: '高等学校教师',
  PHILOSOPHY_SOCIAL_SCIENCE_RESEARCH: '哲学社会科学研究',
  NATURAL_SCIENCE_RESEARCH: '自然科学研究',
  HEALTH: '卫生技术',
  ENGINEERING: '工程技术',
  AGRICULTURE: '农业技术',
  JOURNALISM: '新闻',
  PUBLISHING: '出版',
  LIBRARY: '图书资料',
  CULTURAL_RELICS_MUSEUM: '文物博物',
  ARCHIVES: '档案',
  ARTS_AND_CRAFTS: '工艺美术',
  TECHNICAL_SCHOOL_TEACHER: '技工院校教师',
  SPORTS: '体育',
  TRANSLATION: '翻译',
  BROADCASTING: '播音主持',
  ARTS: '艺术',
  PUBLIC_LEGAL_SERVICE: '公共法律服务',
  SHIPPING: '船舶',
  CIVIL_AVIATION_PILOT: '民用航空飞行',
  ECONOMICS: '经济',
  ACCOUNTING: '会计',
  AUDITING: '审计',
  STATISTICS: '统计',
  SECONDARY_VOCATIONAL_TEACHER: '中等职业学校教师',
  PRIMARY_SECONDARY_TEACHER: '中小学教师',
  LABORATORY: '实验技术',
  UNKNOWN: '未知',
} as const;
export type TitleSeries = keyof typeof TITLE_SERIES;

/**
 * What kind of procedure an application is. Only the first three are a 评审 (review); see
 * domain/countingPolicy.ts for why that matters.
 */
export const REVIEW_KINDS = {
  REVIEW: '评审',
  PRIVATE_ENTERPRISE_REVIEW: '民营企业专项评审',
  EXAM_AND_REVIEW: '考评结合',
  INITIAL_DETERMINATION: '初次确定',
  CONFERRAL: '授予',
  RECOGNITION: '认定',
  UNKNOWN: '未知',
} as const;
export type ReviewKind = keyof typeof REVIEW_KINDS;

/** An application's place in the portals' common workflow. */
export const APPLICATION_STATUSES = {
  DRAFT: '暂存',
  AWAITING_UNIT_AUDIT: '待单位审核',
  RETURNED_BY_UNIT: '单位退回',
  AWAITING_COMMITTEE_AUDIT: '待评委会审核',
  RETURNED_BY_COMMITTEE: '评委会退回',
  ACCEPTED: '评委会已接收',
  PAID: '已缴费',
  PASSED: '评审通过',
  FAILED: '评审未通过',
  WITHDRAWN: '已撤回',
  ABANDONED: '逾期未提交',
  REJECTED: '不予受理',
  UNKNOWN: '未知',
} as const;
export type ApplicationStatus = keyof typeof APPLICATION_STATUSES;

/** 答辩 state of an application. */
export const DEFENCE_STATUSES = {
  NOT_REQUIRED: '无需答辩',
  REQUIRED: '需答辩',
  EXEMPT: '免答辩',
  PENDING: '待答辩',
  DONE: '已答辩',
  UNKNOWN: '未知',
} as const;
export type DefenceStatus = keyof typeof DEFENCE_STATUSES;

/** How a qualification was obtained (取得方式). */
export const QUALIFICATION_ROUTES = {
  REVIEW: '评审',
  INITIAL_DETERMINATION: '初定',
  CONFERRAL: '授予',
  EXAM: '考试',
  RECOGNITION: '认定',
  SKILL_BRIDGE: '技能人才贯通',
  UNKNOWN: '未知',
} as const;
export type QualificationRoute = keyof typeof QUALIFICATION_ROUTES;

/** 年度考核 result. */
export const ASSESSMENT_RESULTS = {
  EXCELLENT: '优秀',
  PASS: '合格',
  BASIC_PASS: '基本合格',
  FAIL: '不合格',
  UNKNOWN: '未知',
} as const;
export type AssessmentResult = keyof typeof ASSESSMENT_RESULTS;

/** 单位性质: aks employer_kind codes and bz dwxz labels. */
export const EMPLOYER_KINDS = {
  STATE_OWNED_ENTERPRISE: '国有企业',
  PRIVATE_ENTERPRISE: '民营企业',
  PUBLIC_INSTITUTION: '事业单位',
  GOVERNMENT_ORGAN: '机关',
  OTHER: '其他',
  UNKNOWN: '未知',
} as const;
export type EmployerKind = keyof typeof EMPLOYER_KINDS;

/** GB/T 2261.1. */
export const GENDERS = {
  NOT_KNOWN: { code: '0', label: '未知的性别' },
  MALE: { code: '1', label: '男' },
  FEMALE: { code: '2', label: '女' },
  NOT_STATED: { code: '9', label: '未说明的性别' },
  UNKNOWN: { code: null, label: '未知' },
} as const;
export type Gender = keyof typeof GENDERS;
