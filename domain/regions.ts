/**
 * The region registry: the prefectures whose portals the federation reads. Adding a prefecture is
 * one entry here plus its folders under subgraphs/ and prisma/ (../shared/DESIGN.md); the
 * client-facing schema then gains implementing types only (`<Prefix>Record`, `<Prefix>Region`).
 */
export interface RegionDefinition {
  /** Lowercase code used everywhere clients see a region: `bz`. */
  code: string;
  /** Prefix of the region's GraphQL types: `Bz` → BzRecord, BzRegion. */
  typePrefix: string;
  /** Chinese name of the prefecture. */
  name: string;
  /** Administrative division code (../shared/DOMAIN.md, "Xinjiang division codes"). */
  divisionCode: string;
  /** The portal the region's database belongs to. */
  portal: string;
}

export const REGIONS: readonly RegionDefinition[] = [
  { code: 'bz', typePrefix: 'Bz', name: '巴音郭楞蒙古自治州', divisionCode: '652800', portal: 'bz.xjzcsq.com' },
  { code: 'aks', typePrefix: 'Aks', name: '阿克苏地区', divisionCode: '652900', portal: 'aks.xjzcsq.com' },
  { code: 'wlmq', typePrefix: 'Wlmq', name: '乌鲁木齐市', divisionCode: '650100', portal: 'wlmq.xjzcsq.com' },
];

export function regionByCode(code: string, regions: readonly RegionDefinition[] = REGIONS): RegionDefinition | undefined {
  return regions.find((region) => region.code === code);
}
