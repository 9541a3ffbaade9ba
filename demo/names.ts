/**
 * Plausible names, built from syllable lists per naming tradition: Han surnames with one or two
 * given characters; Uyghur and Kazakh names as given name · father's name, in the usual Chinese
 * transliteration; Mongol names as one given name or given · father. All invented combinations.
 */
import type { Random, Weighted } from './random.js';

/** The ethnic groups the demo draws, with their bz/wlmq label and GB/T 3304 code (aks). */
export interface Ethnicity {
  label: string;
  code: string;
  naming: 'han' | 'hui' | 'uyghur' | 'kazakh' | 'mongol' | 'xibe';
}

export const ETHNIC_GROUPS = {
  han: { label: '汉族', code: '01', naming: 'han' },
  uyghur: { label: '维吾尔族', code: '05', naming: 'uyghur' },
  hui: { label: '回族', code: '03', naming: 'hui' },
  kazakh: { label: '哈萨克族', code: '17', naming: 'kazakh' },
  mongol: { label: '蒙古族', code: '02', naming: 'mongol' },
  kyrgyz: { label: '柯尔克孜族', code: '29', naming: 'kazakh' },
  xibe: { label: '锡伯族', code: '38', naming: 'xibe' },
  manchu: { label: '满族', code: '11', naming: 'han' },
  tujia: { label: '土家族', code: '15', naming: 'han' },
} as const satisfies Record<string, Ethnicity>;

/**
 * Rough mix of professionals per prefecture: Bayingolin is a Mongol autonomous prefecture with a
 * large Han and Uyghur population; Aksu is mostly Uyghur; Urumqi mostly Han with sizeable Uyghur,
 * Hui and Kazakh communities.
 */
export const ETHNIC_MIX: Readonly<Record<'bz' | 'aks' | 'wlmq', Weighted<Ethnicity>>> = {
  bz: [
    [ETHNIC_GROUPS.han, 56], [ETHNIC_GROUPS.uyghur, 28], [ETHNIC_GROUPS.mongol, 6], [ETHNIC_GROUPS.hui, 6],
    [ETHNIC_GROUPS.kazakh, 2], [ETHNIC_GROUPS.manchu, 1], [ETHNIC_GROUPS.tujia, 1],
  ],
  aks: [
    [ETHNIC_GROUPS.uyghur, 52], [ETHNIC_GROUPS.han, 40], [ETHNIC_GROUPS.hui, 4], [ETHNIC_GROUPS.kyrgyz, 2],
    [ETHNIC_GROUPS.kazakh, 1], [ETHNIC_GROUPS.tujia, 1],
  ],
  wlmq: [
    [ETHNIC_GROUPS.han, 64], [ETHNIC_GROUPS.uyghur, 15], [ETHNIC_GROUPS.hui, 9], [ETHNIC_GROUPS.kazakh, 7],
    [ETHNIC_GROUPS.mongol, 2], [ETHNIC_GROUPS.xibe, 1], [ETHNIC_GROUPS.manchu, 1], [ETHNIC_GROUPS.kyrgyz, 1],
  ],
};

const HAN_SURNAMES: Weighted<string> = [
  ['王', 7], ['李', 7], ['张', 7], ['刘', 5], ['陈', 4], ['杨', 3], ['赵', 2], ['黄', 2], ['周', 2], ['吴', 2],
  ['徐', 2], ['孙', 2], ['马', 2], ['朱', 1], ['胡', 1], ['郭', 1], ['何', 1], ['高', 1], ['林', 1], ['罗', 1],
  ['郑', 1], ['梁', 1], ['谢', 1], ['宋', 1], ['唐', 1], ['许', 1], ['韩', 1], ['冯', 1], ['邓', 1], ['曹', 1],
  ['彭', 1], ['曾', 1], ['肖', 1], ['田', 1], ['董', 1], ['袁', 1], ['潘', 1], ['于', 1], ['蒋', 1], ['蔡', 1],
  ['余', 1], ['杜', 1], ['叶', 1], ['程', 1], ['苏', 1], ['魏', 1], ['吕', 1], ['丁', 1], ['任', 1], ['沈', 1],
  ['姚', 1], ['卢', 1], ['姜', 1], ['崔', 1], ['钟', 1], ['谭', 1], ['陆', 1], ['汪', 1], ['范', 1], ['石', 1],
];
const HUI_SURNAMES: Weighted<string> = [['马', 10], ['杨', 3], ['丁', 2], ['白', 2], ['韩', 2], ['海', 1], ['哈', 1], ['纳', 1], ['穆', 1], ['李', 2]];
const XIBE_SURNAMES: Weighted<string> = [['关', 3], ['佟', 2], ['吴', 2], ['韩', 1], ['安', 1], ['郭', 1], ['何', 1]];

const HAN_GIVEN_MALE = '伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘';
const HAN_GIVEN_FEMALE = '秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱霞香月媛艳瑞佳嘉琼勤珍莉桂叶璐娅琦晶妍茜秋珊莎锦青倩婷婉娴瑾颖露瑶怡雁蓓仪荷丹蓉君琴蕊薇菁梦岚婕馨韵艺卿澜纯悦昭冰爽茗羽希宁欣筠柔竹凝晓欢芸菲伊亚宜可舒丽阳妮雯萱彦宇雨曼紫逸贤蝶菡';

const UYGHUR_MALE = [
  '艾力', '买买提', '阿不都热合曼', '吐尔逊', '艾尔肯', '热合曼', '依明', '亚森', '努尔艾力', '阿卜杜拉',
  '肉孜', '库尔班', '米吉提', '艾山', '卡德尔', '麦麦提', '阿迪力', '迪力夏提', '伊力哈木', '玉素甫',
  '艾克拜尔', '阿布力孜', '吾斯曼', '热夏提', '阿里木', '艾则孜', '买合木提', '塔依尔', '斯拉木', '努尔买买提',
];
const UYGHUR_FEMALE = [
  '古丽', '阿依古丽', '古丽米拉', '帕提古丽', '热依拉', '迪丽努尔', '阿依努尔', '努尔古丽', '再努尔', '米热古丽',
  '布沙拉', '玛依拉', '苏比努尔', '热娜', '祖丽胡玛尔', '阿孜古丽', '古再丽努尔', '加米拉', '萨拉买提', '排孜叶',
];
const KAZAKH_MALE = [
  '努尔兰', '叶尔兰', '别克', '哈那提', '叶尔江', '阿斯哈尔', '加恩斯', '木拉提', '波拉提', '赛力克',
  '叶尔波拉提', '达吾提', '江布尔', '巴合提', '吐尔洪', '阿依丁', '马合沙提', '叶尔肯', '胡安', '达尼亚尔',
];
const KAZAKH_FEMALE = [
  '阿依古丽', '古丽娜尔', '哈丽娜', '阿依达娜', '加娜尔', '沙吾列', '古丽巴哈尔', '阿娜尔', '玛丽亚', '努尔加玛丽',
  '阿依夏', '巴合达古丽', '热依汗', '古丽扎达', '阿克托列',
];
const MONGOL_MALE = ['巴图', '巴特尔', '那仁', '孟和', '额尔敦', '巴音', '朝鲁', '苏和', '宝音', '布和', '乌力吉', '达来', '策登', '吉日格勒', '哈斯'];
const MONGOL_FEMALE = ['其其格', '乌兰', '萨仁', '图雅', '娜仁', '格日勒', '斯琴', '乌日娜', '高娃', '托娅', '其木格', '塔娜'];

function hanGiven(random: Random, male: boolean): string {
  const pool = male ? HAN_GIVEN_MALE : HAN_GIVEN_FEMALE;
  const one = () => pool[random.int(0, pool.length - 1)]!;
  return random.chance(0.7) ? one() + one() : one();
}

/** A name in the person's tradition, matching the gender their ID number carries. */
export function drawName(random: Random, ethnicity: Ethnicity, male: boolean): string {
  switch (ethnicity.naming) {
    case 'han':
      return random.weighted(HAN_SURNAMES) + hanGiven(random, male);
    case 'hui':
      return random.weighted(HUI_SURNAMES) + hanGiven(random, male);
    case 'xibe':
      return random.weighted(XIBE_SURNAMES) + hanGiven(random, male);
    case 'uyghur':
      return `${random.pick(male ? UYGHUR_MALE : UYGHUR_FEMALE)}·${random.pick(UYGHUR_MALE)}`;
    case 'kazakh':
      return `${random.pick(male ? KAZAKH_MALE : KAZAKH_FEMALE)}·${random.pick(KAZAKH_MALE)}`;
    case 'mongol':
      return random.chance(0.5)
        ? random.pick(male ? MONGOL_MALE : MONGOL_FEMALE)
        : `${random.pick(male ? MONGOL_MALE : MONGOL_FEMALE)}·${random.pick(MONGOL_MALE)}`;
  }
}
