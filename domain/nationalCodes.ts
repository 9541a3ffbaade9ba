/**
 * National code lists the portals store either as codes (aks) or as Chinese labels (bz, wlmq):
 * GB/T 3304 ethnicity and GB/T 4762 political status.
 */

/** GB/T 3304 民族, code → name without the 族 suffix. */
export const ETHNICITIES: Readonly<Record<string, string>> = {
  '01': '汉', '02': '蒙古', '03': '回', '04': '藏', '05': '维吾尔', '06': '苗', '07': '彝', '08': '壮',
  '09': '布依', '10': '朝鲜', '11': '满', '12': '侗', '13': '瑶', '14': '白', '15': '土家', '16': '哈尼',
  '17': '哈萨克', '18': '傣', '19': '黎', '20': '傈僳', '21': '佤', '22': '畲', '23': '高山', '24': '拉祜',
  '25': '水', '26': '东乡', '27': '纳西', '28': '景颇', '29': '柯尔克孜', '30': '土', '31': '达斡尔',
  '32': '仫佬', '33': '羌', '34': '布朗', '35': '撒拉', '36': '毛南', '37': '仡佬', '38': '锡伯', '39': '阿昌',
  '40': '普米', '41': '塔吉克', '42': '怒', '43': '乌孜别克', '44': '俄罗斯', '45': '鄂温克', '46': '德昂',
  '47': '保安', '48': '裕固', '49': '京', '50': '塔塔尔', '51': '独龙', '52': '鄂伦春', '53': '赫哲',
  '54': '门巴', '55': '珞巴', '56': '基诺',
};

/** GB/T 4762 政治面貌, code → label. */
export const POLITICAL_STATUSES: Readonly<Record<string, string>> = {
  '01': '中共党员', '02': '中共预备党员', '03': '共青团员', '04': '民革会员', '05': '民盟盟员',
  '06': '民建会员', '07': '民进会员', '08': '农工党党员', '09': '致公党党员', '10': '九三学社社员',
  '11': '台盟盟员', '12': '无党派人士', '13': '群众',
};

/** Short forms the portals type for the democratic parties (民革 for 民革会员, …). */
const POLITICAL_ALIASES: Readonly<Record<string, string>> = {
  民革: '04', 民盟: '05', 民建: '06', 民进: '07', 农工党: '08', 致公党: '09', 九三学社: '10', 台盟: '11',
  预备党员: '02', 党员: '01', 团员: '03', 无党派: '12',
};

export interface CodedLabel {
  code: string;
  label: string;
}

const ETHNICITY_BY_NAME = new Map(Object.entries(ETHNICITIES).map(([code, name]) => [name, code]));

/** `汉族` or `汉` → `{ code: '01', label: '汉族' }`; null for a label not in GB/T 3304. */
export function ethnicityFromLabel(label: string | null | undefined): CodedLabel | null {
  const name = label?.trim().replace(/族$/, '');
  if (!name) return null;
  const code = ETHNICITY_BY_NAME.get(name);
  return code ? { code, label: `${name}族` } : null;
}

/** `05` → `{ code: '05', label: '维吾尔族' }`; null for a code not in GB/T 3304. */
export function ethnicityFromCode(code: string | null | undefined): CodedLabel | null {
  const trimmed = code?.trim();
  const name = trimmed ? ETHNICITIES[trimmed] : undefined;
  return name && trimmed ? { code: trimmed, label: `${name}族` } : null;
}

const POLITICAL_BY_LABEL = new Map(Object.entries(POLITICAL_STATUSES).map(([code, label]) => [label, code]));

/** `中共党员` → `{ code: '01', label: '中共党员' }`; null for a label not in GB/T 4762. */
export function politicalStatusFromLabel(label: string | null | undefined): CodedLabel | null {
  const trimmed = label?.trim();
  if (!trimmed) return null;
  const code = POLITICAL_BY_LABEL.get(trimmed) ?? POLITICAL_ALIASES[trimmed];
  return code ? { code, label: POLITICAL_STATUSES[code]! } : null;
}

/** `13` → `{ code: '13', label: '群众' }`; null for a code not in GB/T 4762. */
export function politicalStatusFromCode(code: string | null | undefined): CodedLabel | null {
  const trimmed = code?.trim();
  const label = trimmed ? POLITICAL_STATUSES[trimmed] : undefined;
  return label && trimmed ? { code: trimmed, label } : null;
}
