/**
 * The region registry: the prefectures whose portals the federation reads. Adding a prefecture is
 * one entry here plus its folders under subgraphs/ and prisma/; the
 * client-facing schema then gains implementing types only (`<Prefix>Record`, `<Prefix>Region`).
 */
export interface RegionDefinition {
  /** Lowercase code used everywhere clients see a region: `bz`. */
  code: string;
  /** Prefix of the region's GraphQL types: `Bz` → BzRecord, BzRegion. */
  typePrefix: string;
  /** Chinese name of the prefecture. */
  name: string;
  /** Administrative division code. */
  divisionCode: string;
  /** The portal the region's database belongs to. */
  portal: string;
  /**
   * What the portal records by design, which the eligibility rules must know to tell "not
   * recorded" from "could not be read". Left out: assumed to record everything, so that its
   * empty values read as UNKNOWN, never as "not recorded" (fail closed).
   */
  records?: PortalRecords;
}

/** Facts a portal may or may not have a column for. */
export interface PortalRecords {
  retired: boolean;
  civilServant: boolean;
  /** 记过以上处分 and its end. */
  sanction: boolean;
  assessments: boolean;
  employerKind: boolean;
  location: boolean;
}

export const REGIONS: readonly RegionDefinition[] = [
  {
    code: 'bz',
    typePrefix: 'Bz',
    name: '巴音郭楞蒙古自治州',
    divisionCode: '652800',
    portal: 'bz.xjzcsq.com',
    // No retirement, civil-servant or sanction columns.
    records: { retired: false, civilServant: false, sanction: false, assessments: true, employerKind: true, location: true },
  },
  {
    code: 'aks',
    typePrefix: 'Aks',
    name: '阿克苏地区',
    divisionCode: '652900',
    portal: 'aks.xjzcsq.com',
    // No county.
    records: { retired: true, civilServant: true, sanction: true, assessments: true, employerKind: true, location: false },
  },
  {
    code: 'wlmq',
    typePrefix: 'Wlmq',
    name: '乌鲁木齐市',
    divisionCode: '650100',
    portal: 'wlmq.xjzcsq.com',
    // No employer kind, exclusions or assessments.
    records: { retired: false, civilServant: false, sanction: false, assessments: false, employerKind: false, location: true },
  },
];

export function regionByCode(code: string, regions: readonly RegionDefinition[] = REGIONS): RegionDefinition | undefined {
  return regions.find((region) => region.code === code);
}
