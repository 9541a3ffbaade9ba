/**
 * RegionalSource.countedApplicationsInYear, the regions' share of the conflicts report, on each
 * region's demo data in real PostgreSQL: read by key (the province's second call, for one page of
 * people) it gives exactly the whole year's rows for those keys, and nothing for keys outside the
 * year's counted applications, for keys of no row, or for none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSource, type DemoSource } from '../helpers/regionalSource.js';

describe.each(['bz', 'aks', 'wlmq'] as const)('%s countedApplicationsInYear', (code) => {
  let demo: DemoSource;
  beforeAll(async () => {
    demo = await demoSource(code, { seed: 5, applications: 1_500 });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('reads only the applications named, as the whole year gives them, in one statement', async () => {
    const year = await demo.source.countedApplicationsInYear(2024);
    expect(year.length).toBeGreaterThan(20);
    const picked = year.filter((_, index) => index % 7 === 0);
    const otherYear = (await demo.source.countedApplicationsInYear(2019)).slice(0, 3).map((row) => row.localId);
    const before = demo.statements.length;
    const byKey = await demo.source.countedApplicationsInYear(2024, [...picked.map((row) => row.localId), ...otherYear, 'no-such-key', '99999999']);
    expect(demo.statements.length - before).toBe(1);
    const sorted = (rows: typeof year) => [...rows].sort((a, b) => a.localId.localeCompare(b.localId));
    expect(sorted(byKey)).toEqual(sorted(picked));
  });

  it('reads nothing for no keys, or keys that name no row', async () => {
    const before = demo.statements.length;
    expect(await demo.source.countedApplicationsInYear(2024, [])).toEqual([]);
    expect(demo.statements.length - before).toBe(0);
    expect(await demo.source.countedApplicationsInYear(2024, ['99999999'])).toEqual([]);
  });
});
