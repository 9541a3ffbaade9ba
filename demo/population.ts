/**
 * Who the demo people are. A person is drawn from their key alone (and the seed), so that a person
 * who applies in two regions is the same person in both: same ID number, name, birth and origin.
 * What differs per region (employer, how the number was typed) is drawn by that region.
 */
import {
  birthAndSequence,
  drawDivision,
  idNumberOf,
  keyPermutation,
  type HomeRegion,
  type KeyPermutation,
} from './identity.js';
import { drawName, ETHNIC_MIX, type Ethnicity } from './names.js';
import { createRandom, mixSeed, type Weighted } from './random.js';

export interface Persona {
  /** Distinct per person within one seed. */
  key: number;
  /** Canonical 18-character ID number. */
  idNumber: string;
  birthYear: number;
  male: boolean;
  name: string;
  ethnicity: Ethnicity;
  /** GB/T 4762 code and label. */
  political: PoliticalStatus;
}

export interface PoliticalStatus {
  code: string;
  label: string;
}

const PARTY_MEMBER = { code: '01', label: '中共党员' };
const POLITICAL_MIX: Weighted<PoliticalStatus> = [
  [{ code: '13', label: '群众' }, 56],
  [PARTY_MEMBER, 32],
  [{ code: '02', label: '中共预备党员' }, 2],
  [{ code: '12', label: '无党派人士' }, 2],
  [{ code: '05', label: '民盟盟员' }, 0.5],
  [{ code: '10', label: '九三学社社员' }, 0.5],
];
const LEAGUE_MEMBER = { code: '03', label: '共青团员' };

/** The seed-wide state persona draws need. */
export interface PopulationContext {
  seed: number;
  permutation: KeyPermutation;
}

export function populationContext(seed: number): PopulationContext {
  return { seed, permutation: keyPermutation(seed) };
}

/** The person with this key; `home` is the prefecture they live in, which shapes origin and ethnicity. */
export function persona(context: PopulationContext, key: number, home: HomeRegion): Persona {
  const random = createRandom(mixSeed(context.seed, key, 0x5eed));
  const male = random.chance(0.5);
  const { birth, sequence } = birthAndSequence(context.permutation, key, male);
  const idNumber = idNumberOf(drawDivision(random, home), birth, sequence);
  const birthYear = Number(birth.slice(0, 4));
  const ethnicity = random.weighted(ETHNIC_MIX[home]);
  const political = birthYear >= 1990 && random.chance(0.25) ? LEAGUE_MEMBER : random.weighted(POLITICAL_MIX);
  return { key, idNumber, birthYear, male, name: drawName(random, ethnicity, male), ethnicity, political };
}
