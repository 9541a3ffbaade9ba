/**
 * DEFENCE: whether the applicant must defend (答辩), and the exemption that applied. The rules are
 * the batch's data (`defence` in batches.json):
 * - 初级 never defends: 000 §四(五), 003 §六(二), 004 §六(二) "申报初级专业技术职务任职资格人员免于答辩";
 *   001 and 002 ask a defence only of higher levels, so their 初级 do not defend either;
 * - bz 民营专项 中级 defends, except in 若羌 and 且末: 000 §四(五) "申报中级职称的申报人需进行工作实绩和专业知识的答辩，若羌、且末县的民营企业专业技术人员免于答辩";
 * - aks: 001 §四(四) "申报副高级职称评审的专业技术人员参加专业水平答辩";
 * - wlmq: 002 §五(一) "对申报中、高级职称的申报人进行工作实绩和专业知识的答辩考核";
 * - bz 建筑 and 生态环境 中级 评审 defend (003/004 §三(五) set a defence date; §六 lists exemptions);
 *   an 初次确定 or 授予 is not reviewed by the committee, so it has no defence.
 * Declared circumstances (访惠聚驻村, 南疆学前教育支教, 内地服务管理, …) exempt where the batch's notice
 * lists them; the county exempts where it does (若羌县, 且末县).
 *
 * Not an eligibility condition: an undecided defence does not make the verdict UNKNOWN.
 */
import { REVIEW_KINDS } from '../../codes.js';
import { LEVEL_NAMES, type EligibilityContext } from '../context.js';
import { SILENT_SECTION, citeBatch, reason } from '../reasons.js';
import type { DefenceExemptionFlag } from '../reviewBatch.js';
import type { DefenceDecision } from '../types.js';
import { sameLocation } from './batchScope.js';

export const EXEMPTION_NAMES: Record<DefenceExemptionFlag, { zh: string; en: string }> = {
  VILLAGE_RESIDENT_WORK: { zh: '参加“访惠聚”驻村、驻村管寺工作', en: 'village residency work (访惠聚, 驻村管寺)' },
  SOUTH_XINJIANG_PRESCHOOL_TEACHING: { zh: '南疆学前教育支教', en: 'pre-school teaching support in southern Xinjiang' },
  INLAND_SERVICE_MANAGEMENT: { zh: '内地服务管理工作', en: 'service management work in inland provinces' },
  POOR_VILLAGE_FIRST_SECRETARY: { zh: '担任深度贫困村第一书记', en: 'first secretary of a deeply poor village' },
  GRASSROOTS_COOPERATIVE: { zh: '下沉基层一线创办、领办合作社或进入村“两委”班子', en: 'founding or leading a village cooperative, or sitting on a village committee' },
  SECONDMENT_OR_STARTUP: { zh: '到乡（镇）村和企业挂职、兼职和离岗创新创业', en: 'secondment to townships, villages or firms, or leave to found a business' },
  GRASSROOTS_UNIT: { zh: '在基层单位工作', en: 'work in a grassroots unit' },
};

export function decideDefence(ctx: EligibilityContext): DefenceDecision {
  const { batch, input } = ctx;
  const region = input.region;
  const rules = batch.defence;
  const level = ctx.level;
  const firstSource = rules.required[0]?.source ?? SILENT_SECTION;
  if (level === null) {
    return {
      required: null,
      exemption: null,
      reason: reason('DEFENCE_LEVEL_UNKNOWN', 'UNKNOWN', {
        zh: `无法识别申报级别“${input.level}”，无法判断是否需要答辩`,
        en: `The level ${input.level} is not recognised: whether a defence is required is not known`,
      }, citeBatch(batch, firstSource), region),
    };
  }
  const levelExemption = rules.exemptions.find((e) => e.kind === 'LEVEL' && e.levels.includes(level));
  if (levelExemption) {
    const source = citeBatch(batch, levelExemption.source);
    return {
      required: false,
      exemption: { code: 'LEVEL', source },
      reason: reason('DEFENCE_EXEMPT', 'PASS', {
        zh: `申报${LEVEL_NAMES[level].zh}免于答辩`,
        en: `Applicants for a ${LEVEL_NAMES[level].en} title do not defend`,
      }, source, region),
    };
  }
  const requirement = rules.required.find((r) => r.reviewKinds.includes(input.reviewKind) && r.levels.includes(level));
  if (!requirement) {
    return {
      required: false,
      exemption: null,
      reason: reason('DEFENCE_NOT_REQUIRED', 'PASS', {
        zh: `本批次仅要求${rules.required.map((r) => r.levels.map((l) => LEVEL_NAMES[l].zh).join('、')).join('；') || '（无）'}答辩，申报${LEVEL_NAMES[level].zh}“${REVIEW_KINDS[input.reviewKind]}”无需答辩`,
        en: `Batch ${batch.code} asks a defence only of ${rules.required.map((r) => `${r.levels.join(', ')} (${r.reviewKinds.join(', ')})`).join('; ') || 'no one'}; none for ${level} ${input.reviewKind}`,
      }, citeBatch(batch, firstSource), region),
    };
  }

  const declared = new Set(input.defenceExemptions ?? []);
  const flagExemption = rules.exemptions.find((e) => e.kind === 'FLAG' && declared.has(e.flag));
  if (flagExemption?.kind === 'FLAG') {
    const source = citeBatch(batch, flagExemption.source);
    return {
      required: false,
      exemption: { code: flagExemption.flag, source },
      reason: reason('DEFENCE_EXEMPT', 'PASS', {
        zh: `${EXEMPTION_NAMES[flagExemption.flag].zh}的专业技术人员免于答辩（答辩实行量化赋分的，按当年该专业答辩人员平均分赋分）`,
        en: `Exempt from the defence for ${EXEMPTION_NAMES[flagExemption.flag].en} (where the defence is scored, the year's average is given)`,
      }, source, region),
    };
  }

  const locationExemption = rules.exemptions.find((e) => e.kind === 'LOCATION');
  if (locationExemption?.kind === 'LOCATION') {
    const source = citeBatch(batch, locationExemption.source);
    const listed = locationExemption.locations.join('、');
    if (!ctx.location.known) {
      return {
        required: null,
        exemption: null,
        reason: reason('DEFENCE_DEPENDS_ON_LOCATION', 'UNKNOWN', {
          zh: `申报${LEVEL_NAMES[level].zh}需答辩，但在${listed}工作的免于答辩；所在县市未知，请填写`,
          en: `A ${LEVEL_NAMES[level].en} applicant defends unless working in ${locationExemption.locations.join(', ')}; the county is not known`,
        }, source, region),
      };
    }
    const county = ctx.location.value;
    if (locationExemption.locations.some((name) => sameLocation(county, name))) {
      return {
        required: false,
        exemption: { code: 'LOCATION', source },
        reason: reason('DEFENCE_EXEMPT', 'PASS', {
          zh: `在${county}工作的专业技术人员免于答辩`,
          en: `Staff working in ${county} are exempt from the defence`,
        }, source, region),
      };
    }
  }

  const undeclared = [...declared].filter(
    (flag) => !rules.exemptions.some((e) => e.kind === 'FLAG' && e.flag === flag),
  );
  return {
    required: true,
    exemption: null,
    reason: reason('DEFENCE_REQUIRED', 'PASS', {
      zh: `申报${LEVEL_NAMES[level].zh}需进行答辩${ctx.location.known ? `（所在地 ${ctx.location.value}）` : ''}${undeclared.length > 0 ? `；本批次通知未将“${undeclared.map((f) => EXEMPTION_NAMES[f].zh).join('、')}”列为免答辩情形` : ''}`,
      en: `A ${LEVEL_NAMES[level].en} applicant defends${ctx.location.known ? ` (location ${ctx.location.value})` : ''}${undeclared.length > 0 ? `; the notice does not list ${undeclared.join(', ')} as an exemption` : ''}`,
    }, citeBatch(batch, requirement.source), region),
  };
}
