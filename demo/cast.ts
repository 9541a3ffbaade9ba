/**
 * The demo cast: a fixed set of invented people, written by every run whatever its seed or size,
 * so that the README and the end-to-end tests can name them. Each one shows one thing the gateway
 * must get right. Rows are given exactly as the generator writes them, in each portal's own local
 * format.
 *
 * Their ID numbers use the sequence codes 990–999, which random people never get
 * (./identity.ts), so no random person ever shares a cast member's number.
 */
import type { AksPersonRecords, BzPersonRecords, WlmqPersonRecords } from './rows.js';

export type CastRole =
  | 'crossRegionDuplicate'
  | 'messyIdInWlmq'
  | 'passportHolder'
  | 'blacklistedInAks'
  | 'determinationOnly'
  | 'withdrawnOnly'
  | 'differentYears'
  | 'unknownCodes'
  | 'bzIntegrityBan'
  | 'clearPerson';

export interface CastMember {
  role: CastRole;
  /** What the person demonstrates, for the README and test names. */
  description: string;
  /** Canonical 18-character ID number; null for a person without one (passport holder). */
  idNumber: string | null;
  bz?: BzPersonRecords;
  aks?: AksPersonRecords;
  wlmq?: WlmqPersonRecords;
}

const NO_BZ_EXTRAS = { qualifications: [], assessments: [], integrity: [] } as const;
const NO_AKS_EXTRAS = { titles: [], assessments: [], blacklist: [] } as const;

/** wlmq declaration fields most cast declarations share. */
const WLMQ_2024 = {
  certType: '居民身份证',
  reviewYear: '2024年度',
  returnTimes: 0,
  creditFlag: false,
  creditUntil: null,
} as const;

export const DEMO_CAST: Readonly<Record<CastRole, CastMember>> = {
  crossRegionDuplicate: {
    role: 'crossRegionDuplicate',
    description:
      'Two reviews in one year in two regions: a 民营专项 application in bz BZ2024ZJMQ (July 2024) and a ' +
      'general review in aks AKS-2024-JXDZ-HG (August 2024). aks holds the old 15-digit number, bz the ' +
      '18-character one with a lowercase x.',
    idNumber: '65280119790314991X',
    bz: {
      person: {
        xm: '艾力·吐尔逊', xb: '男', mz: '维吾尔族', zzmm: '中共党员', sfzh: '65280119790314991x',
        gzdw: '库尔勒天正质量检测技术有限公司', dwxz: '民营企业', szxs: '库尔勒市', lrsj: '2024-07-12 20:41:09',
      },
      applications: [
        {
          // Notice 000: 民营专项 中级, applications 7月10日至7月30日; 中级 defends outside 若羌/且末 (§四(五)).
          pcdm: 'BZ2024ZJMQ', sbnd: 2024, xl: '工程', zy: '质量技术监督', sbjb: '中级', pslb: '民营专项',
          zt: 3, tjcs: 1, zhtjsj: '2024-07-18 10:24:37', dbzt: '待答辩', jfje: null,
        },
      ],
      qualifications: [
        {
          zgmc: '助理工程师', xl: '工程', zy: '质量技术监督', jb: '助理级', qdsj: '2017-12-20', qdfs: '评审',
          pzwh: '巴职改办字〔2017〕41号', zsbh: 'BZ2017ZJ004127', qddq: '疆内',
        },
      ],
      assessments: [{ khnd: 2021, khjg: '合格' }, { khnd: 2022, khjg: '合格' }, { khnd: 2023, khjg: '优秀' }],
      integrity: [],
    },
    aks: {
      applicant: {
        id_card: '652801790314991', full_name: '艾力·吐尔逊', gender_code: 1, ethnic_code: '05', political_code: '01',
        employer: '阿克苏金桥机电设备制造有限公司', employer_kind: 2, civil_servant: false, retired: false,
        sanction_until: null, created_at: '2024-07-25 21:13:50+08',
      },
      records: [
        {
          // Notice 001: applications 7月22日—8月30日 18:00; 中级 does not defend (§四(四): 副高 only).
          batch_code: 'AKS-2024-JXDZ-HG', series_code: 'ENG', specialty: '机械电子', level_code: 420, track: 'general',
          state: 'committee_audit', submit_count: 1, submitted_at: '2024-08-06 16:52:18+08', fee_cents: null,
          defense_required: false,
        },
      ],
      titles: [
        {
          title_name: '助理工程师', series_code: 'ENG', level_code: 434, obtained_on: '2017-12-20', route: 'review',
          in_xinjiang: true, doc_no: '巴职改办字〔2017〕41号',
        },
      ],
      assessments: [],
      blacklist: [],
    },
  },

  messyIdInWlmq: {
    role: 'messyIdInWlmq',
    description: 'A wlmq 2024 评审 declaration whose certNo was typed with full-width digits and spaces.',
    idNumber: '650102198605219909',
    wlmq: {
      declarations: [
        {
          ...WLMQ_2024, certNo: '６５０１０２ １９８６０５２１ ９９０９', name: '王静怡', sex: '女', nation: '汉族',
          politics: '群众', unitName: '新疆天山重工机械有限公司', unitCreditCode: '91650106MA77K3Q8X0', zone: '头屯河区',
          seriesName: '工程', majorName: '机械', targetTitle: '工程师', way: '评审', flowState: '待评审机构审核',
          titleHistory: [{ title: '助理工程师', obtainedAt: '2016-12', issuer: '乌鲁木齐市职称改革领导小组办公室', place: '疆内' }],
          createdAt: '2024-09-11 10:05:44', updatedAt: '2024-09-18 15:20:03',
        },
      ],
    },
  },

  passportHolder: {
    role: 'passportHolder',
    description: 'A wlmq 2024 declaration by a passport holder: no resident ID number, so never matched across regions.',
    idNumber: null,
    wlmq: {
      declarations: [
        {
          ...WLMQ_2024, certType: '护照', certNo: 'EJ4821937', name: '陈家豪', sex: '男', nation: '汉族', politics: '群众',
          unitName: '新疆丝路经开供应链管理有限公司', unitCreditCode: '91650106MA78CD2T50', zone: '自贸区经开片区',
          // Notice 002 §一(一): the free-trade zone reviews 经济 at 副高级.
          seriesName: '经济', majorName: '工商管理', targetTitle: '高级经济师', way: '考评结合', flowState: '待单位审核',
          titleHistory: [{ title: '经济师', obtainedAt: '2015-11', issuer: '人力资源和社会保障部', place: '疆外' }],
          createdAt: '2024-09-20 19:47:02', updatedAt: '2024-09-20 19:47:02',
        },
      ],
    },
  },

  blacklistedInAks: {
    role: 'blacklistedInAks',
    description:
      'On the aks platform blacklist (listed 2023-05-10, 5 years, notice 001 其他事宜(一)), and applying in wlmq for 2024.',
    idNumber: '652901198311029914',
    aks: {
      applicant: {
        id_card: '652901198311029914', full_name: '马建军', gender_code: 1, ethnic_code: '03', political_code: '13',
        employer: '阿克苏华鑫化工有限责任公司', employer_kind: 2, civil_servant: false, retired: false,
        sanction_until: null, created_at: '2022-07-26 11:20:00+08',
      },
      records: [],
      ...NO_AKS_EXTRAS,
      blacklist: [{ reason: '2022年度申报材料中提供虚假业绩证明（弄虚作假）', listed_on: '2023-05-10', ban_years: 5 }],
    },
    wlmq: {
      declarations: [
        {
          ...WLMQ_2024, certNo: '652901198311029914', name: '马建军', sex: '男', nation: '回族', politics: '群众',
          unitName: '新疆中泰新材料股份有限公司', unitCreditCode: '91650106228601357B', zone: '头屯河区',
          seriesName: '工程', majorName: '化工', targetTitle: '工程师', way: '评审', flowState: '待单位审核',
          titleHistory: [{ title: '助理工程师', obtainedAt: '2015-12', issuer: '阿克苏地区职称改革领导小组办公室', place: '疆内' }],
          createdAt: '2024-09-07 09:31:26', updatedAt: '2024-09-07 09:31:26',
        },
      ],
    },
  },

  determinationOnly: {
    role: 'determinationOnly',
    description: 'A bz 2024 初定 (initial determination) only: not a review, so it does not count toward the annual limit.',
    idNumber: '652826199604129915',
    bz: {
      person: {
        xm: '巴特尔', xb: '男', mz: '蒙古族', zzmm: '共青团员', sfzh: '652826199604129915', gzdw: '和静县生态环境监测站',
        dwxz: '事业单位', szxs: '和静县', lrsj: '2024-08-25 18:02:47',
      },
      applications: [
        {
          // Notice 004 §七: 初次确定初级 100 元; 初定 has no defence.
          pcdm: 'BZ2024STHJ', sbnd: 2024, xl: '工程', zy: '生态环境', sbjb: '初级', pslb: '初定', zt: 6, tjcs: 1,
          zhtjsj: '2024-08-27 11:32:05', dbzt: null, jfje: '100.00',
        },
      ],
      ...NO_BZ_EXTRAS,
    },
  },

  withdrawnOnly: {
    role: 'withdrawnOnly',
    description: 'An aks 2024 application, withdrawn: it does not count toward the annual limit.',
    idNumber: '652902199008309906',
    aks: {
      applicant: {
        id_card: '652902199008309906', full_name: '古丽米拉·买买提', gender_code: 2, ethnic_code: '05', political_code: '13',
        employer: '库车天缘化工有限公司', employer_kind: 2, civil_servant: false, retired: false, sanction_until: null,
        created_at: '2024-07-23 09:48:12+08',
      },
      records: [
        {
          batch_code: 'AKS-2024-JXDZ-HG', series_code: 'ENG', specialty: '化工（含制药）', level_code: 434,
          track: 'private_special', state: 'withdrawn', submit_count: 1, submitted_at: '2024-07-29 17:06:41+08',
          fee_cents: null, defense_required: false,
        },
      ],
      ...NO_AKS_EXTRAS,
    },
  },

  differentYears: {
    role: 'differentYears',
    description: 'Applied in 2023 only in bz (BZ2023JZ, 评审) and in 2024 only in wlmq: one counted application in each year.',
    idNumber: '652827198801099905',
    bz: {
      person: {
        xm: '李晓燕', xb: '女', mz: '汉族', zzmm: '中共党员', sfzh: '652827198801099905', gzdw: '巴州建设工程质量检测中心',
        dwxz: '事业单位', szxs: '库尔勒市', lrsj: '2023-08-16 08:55:30',
      },
      applications: [
        {
          // Notice 003 §七: 中级 380 元; defence 10月20日 (§三(五)).
          pcdm: 'BZ2023JZ', sbnd: 2023, xl: '工程', zy: '建筑', sbjb: '中级', pslb: '评审', zt: 8, tjcs: 1,
          zhtjsj: '2023-08-29 15:47:10', dbzt: '已答辩', jfje: '380.00',
        },
      ],
      qualifications: [
        {
          zgmc: '助理工程师', xl: '工程', zy: '建筑', jb: '助理级', qdsj: '2016-12-08', qdfs: '初定',
          pzwh: '巴职改办字〔2016〕57号', zsbh: 'BZ2016JZ011384', qddq: '疆内',
        },
      ],
      assessments: [{ khnd: 2020, khjg: '合格' }, { khnd: 2021, khjg: '合格' }, { khnd: 2022, khjg: '合格' }],
      integrity: [],
    },
    wlmq: {
      declarations: [
        {
          ...WLMQ_2024, certNo: '652827198801099905', name: '李晓燕', sex: '女', nation: '汉族', politics: '中共党员',
          unitName: '新疆城建（集团）股份有限公司头屯河分公司', unitCreditCode: '91650106313427559W', zone: '头屯河区',
          seriesName: '工程', majorName: '建筑', targetTitle: '工程师', way: '评审', flowState: '审核通过',
          titleHistory: [{ title: '助理工程师', obtainedAt: '2016-12', issuer: '巴音郭楞蒙古自治州职称改革领导小组办公室', place: '疆内' }],
          createdAt: '2024-09-09 14:12:36', updatedAt: '2024-10-08 11:40:19',
        },
      ],
    },
  },

  unknownCodes: {
    role: 'unknownCodes',
    description:
      'Codes no mapping knows: bz sbjb 特级 and pslb 推荐, aks state archived, wlmq flowState 待复核. ' +
      'Each must surface as UNKNOWN and be reported, never dropped or guessed.',
    idNumber: '650105197506189913',
    bz: {
      person: {
        xm: '张国庆', xb: '男', mz: '汉族', zzmm: '群众', sfzh: '650105197506189913',
        gzdw: '中国石油塔里木油田分公司安全环保与工程监督中心', dwxz: '国有企业', szxs: '库尔勒市', lrsj: '2024-08-24 10:15:00',
      },
      applications: [
        {
          pcdm: 'BZ2024STHJ', sbnd: 2024, xl: '工程', zy: '生态环境', sbjb: '特级', pslb: '推荐', zt: 3, tjcs: 1,
          zhtjsj: '2024-08-30 09:12:44', dbzt: null, jfje: null,
        },
      ],
      ...NO_BZ_EXTRAS,
    },
    aks: {
      applicant: {
        id_card: '650105197506189913', full_name: '张国庆', gender_code: 1, ethnic_code: '01', political_code: '13',
        employer: '阿克苏塔河机械制造有限公司', employer_kind: 1, civil_servant: false, retired: false, sanction_until: null,
        created_at: '2024-07-30 16:44:21+08',
      },
      records: [
        {
          batch_code: 'AKS-2024-JXDZ-HG', series_code: 'ENG', specialty: '机械电子', level_code: 412, track: 'general',
          state: 'archived', submit_count: 2, submitted_at: '2024-08-20 10:00:31+08', fee_cents: null,
          defense_required: true,
        },
      ],
      ...NO_AKS_EXTRAS,
    },
    wlmq: {
      declarations: [
        {
          ...WLMQ_2024, certNo: '650105197506189913', name: '张国庆', sex: '男', nation: '汉族', politics: '群众',
          unitName: '新疆天山重工机械有限公司', unitCreditCode: '91650106MA77K3Q8X0', zone: '头屯河区',
          seriesName: '工程', majorName: '电气', targetTitle: '高级工程师', way: '评审', flowState: '待复核', returnTimes: 1,
          titleHistory: [{ title: '工程师', obtainedAt: '2012-12', issuer: '新疆维吾尔自治区人力资源和社会保障厅', place: '疆内' }],
          createdAt: '2024-09-06 12:00:09', updatedAt: '2024-10-03 17:25:51',
        },
      ],
    },
  },

  bzIntegrityBan: {
    role: 'bzIntegrityBan',
    description:
      'A bz integrity record (cx_sxjl) barring applications until 2026-12-31: fraud in a 2023 application, ' +
      '3 years from the following year (notice 003 §八(二) and its 个人承诺书).',
    idNumber: '652801198410059910',
    bz: {
      person: {
        xm: '刘海涛', xb: '男', mz: '汉族', zzmm: '群众', sfzh: '652801198410059910', gzdw: '巴州恒达路桥工程有限公司',
        dwxz: '民营企业', szxs: '轮台县', lrsj: '2023-08-18 21:37:12',
      },
      applications: [
        {
          pcdm: 'BZ2023JZ', sbnd: 2023, xl: '工程', zy: '建筑', sbjb: '中级', pslb: '评审', zt: 10, tjcs: 2,
          zhtjsj: '2023-09-10 22:15:09', dbzt: '待答辩', jfje: null,
        },
      ],
      qualifications: [],
      assessments: [],
      integrity: [{ sxyy: '2023年度建筑专业职称申报提供虚假业绩材料', cfrq: '2023-11-20', jzrq: '2026-12-31' }],
    },
  },

  clearPerson: {
    role: 'clearPerson',
    description: 'One bz application in 2023 only (passed): CLEAR for 2024.',
    idNumber: '652823199202279903',
    bz: {
      person: {
        xm: '阿依古丽·努尔兰', xb: '女', mz: '哈萨克族', zzmm: '群众', sfzh: '652823199202279903',
        gzdw: '尉犁县天源建筑安装工程有限公司', dwxz: '民营企业', szxs: '尉犁县', lrsj: '2023-08-20 19:03:28',
      },
      applications: [
        {
          // Notice 003 §七: 初级 220 元; 初级 never defends (§六(二)).
          pcdm: 'BZ2023JZ', sbnd: 2023, xl: '工程', zy: '建筑', sbjb: '初级', pslb: '评审', zt: 7, tjcs: 1,
          zhtjsj: '2023-08-21 16:30:55', dbzt: '免答辩', jfje: '220.00',
        },
      ],
      qualifications: [
        {
          zgmc: '助理工程师', xl: '工程', zy: '建筑', jb: '初级', qdsj: '2023-12-15', qdfs: '评审',
          pzwh: '巴职改办字〔2023〕88号', zsbh: 'BZ2023JZ020931', qddq: '疆内',
        },
      ],
      assessments: [{ khnd: 2021, khjg: '合格' }, { khnd: 2022, khjg: '合格' }],
      integrity: [],
    },
  },
};

export const CAST_MEMBERS: readonly CastMember[] = Object.values(DEMO_CAST);

/** The review years the cast applies in: their batches are always written. */
export const CAST_YEARS: readonly number[] = [2023, 2024];

/** Applications the cast writes in each region; they count toward `applications`. */
export function castApplicationCounts(): { bz: number; aks: number; wlmq: number } {
  const counts = { bz: 0, aks: 0, wlmq: 0 };
  for (const member of CAST_MEMBERS) {
    counts.bz += member.bz?.applications.length ?? 0;
    counts.aks += member.aks?.records.length ?? 0;
    counts.wlmq += member.wlmq?.declarations.length ?? 0;
  }
  return counts;
}
