import { describe, expect, it } from 'vitest';
import rawBatches from '../../domain/eligibility/batches.json' with { type: 'json' };
import { REVIEW_BATCHES, findBatch, reviewBatches } from '../../domain/eligibility/batches.js';
import { batchByCode } from '../fixtures/eligibility.js';
import { ReviewBatchError, parseReviewBatches } from '../../domain/eligibility/parseReviewBatches.js';
import type { ScheduledWindow } from '../../domain/eligibility/reviewBatch.js';

type RawBatch = Record<string, unknown> & { windows: Record<string, unknown>[]; fees: { entries: Record<string, unknown>[] } };

/** A deep copy of batches.json with one entry changed: the loader must reject it. */
function withChange(change: (batches: RawBatch[]) => void): unknown {
  const copy = structuredClone(rawBatches) as unknown as RawBatch[];
  change(copy);
  return copy;
}

function scheduled(code: string, kind: ScheduledWindow['kind']): ScheduledWindow {
  const window = batchByCode(code).windows.find((w) => w.kind === kind);
  if (window?.status !== 'SCHEDULED') throw new Error(`${code} has no scheduled ${kind} window`);
  return window;
}

describe('the five notices as review batches', () => {
  it.each([
    ['BZ2024ZJMQ', 'bz', 2024, '000', '2024-07-07'],
    ['AKS-2024-JXDZ-HG', 'aks', 2024, '001', '2024-07-15'],
    ['WLMQ2024', 'wlmq', 2024, '002', '2024-08-27'],
    ['BZ2023JZ', 'bz', 2023, '003', '2023-08-10'],
    ['BZ2024STHJ', 'bz', 2024, '004', '2024-08-21'],
  ])('%s is %s %i from notice %s, issued %s', (code, region, year, notice, issuedOn) => {
    const batch = batchByCode(code);
    expect([batch.region, batch.year, batch.notice, batch.issuedOn]).toEqual([region, year, notice, issuedOn]);
  });

  it.each([
    ['AKS-2024-JXDZ-HG', 'APPLY', '2024-07-22T00:00:00+08:00', '2024-08-30T18:00:00+08:00'],
    ['BZ2024ZJMQ', 'APPLY', '2024-07-10T00:00:00+08:00', '2024-07-30T23:59:59+08:00'],
    ['BZ2024ZJMQ', 'REVIEW', '2024-08-25T00:00:00+08:00', '2024-08-25T23:59:59+08:00'],
    ['WLMQ2024', 'AUDIT', '2024-10-01T00:00:00+08:00', '2024-10-15T23:59:59+08:00'],
    ['BZ2023JZ', 'DETERMINATION', '2023-09-16T00:00:00+08:00', '2023-09-20T23:59:59+08:00'],
    ['BZ2024STHJ', 'PAY', '2024-09-28T00:00:00+08:00', '2024-10-11T23:59:59+08:00'],
  ] as const)('%s %s runs %s to %s, Beijing time', (code, kind, opensAt, closesAt) => {
    const window = scheduled(code, kind);
    expect([window.opensAt, window.closesAt, window.timeZone]).toEqual([opensAt, closesAt, 'Asia/Shanghai']);
  });

  it.each([
    ['AKS-2024-JXDZ-HG', 'REVIEW'],
    ['WLMQ2024', 'PAY'],
    ['WLMQ2024', 'DEFENCE'],
  ] as const)('%s %s is to be announced', (code, kind) => {
    expect(batchByCode(code).windows.find((w) => w.kind === kind)?.status).toBe('TO_BE_ANNOUNCED');
  });

  it('derives levels, kinds and specialties from the offers', () => {
    const aks = batchByCode('AKS-2024-JXDZ-HG');
    expect(aks.levels).toEqual(['JUNIOR', 'INTERMEDIATE', 'ASSOCIATE_SENIOR']);
    expect(aks.reviewKinds).toEqual(['REVIEW', 'PRIVATE_ENTERPRISE_REVIEW']);
    expect(aks.specialties).toEqual(['机械电子', '化工（含制药）']);
    expect(batchByCode('WLMQ2024').specialties).toBeNull();
  });

  it('every fact names its section', () => {
    for (const batch of REVIEW_BATCHES) {
      const sections = [
        ...batch.offers.map((o) => o.source),
        ...batch.windows.map((w) => w.source),
        ...batch.fees.entries.map((e) => e.source),
        ...batch.defence.required.map((r) => r.source),
        ...batch.defence.exemptions.map((e) => e.source),
        ...batch.exclusions.map((e) => e.source),
      ];
      expect(sections.every((section) => /^(§|附件)/.test(section)), batch.code).toBe(true);
    }
  });
});

describe('filtering and finding batches', () => {
  it.each([
    [{ year: 2024 }, ['BZ2024ZJMQ', 'AKS-2024-JXDZ-HG', 'WLMQ2024', 'BZ2024STHJ']],
    [{ region: 'bz' }, ['BZ2024ZJMQ', 'BZ2023JZ', 'BZ2024STHJ']],
    [{ year: 2023, region: 'bz' }, ['BZ2023JZ']],
    [{ year: 2022 }, []],
  ])('reviewBatches(%j)', (filter, codes) => {
    expect(reviewBatches(filter).map((b) => b.code)).toEqual(codes);
  });

  it.each([
    [{ region: 'aks', batchCode: 'AKS-2024-JXDZ-HG' }, 'AKS-2024-JXDZ-HG'],
    [{ region: 'aks', year: 2024, series: 'ENGINEERING', specialty: '化工(含制药)' }, 'AKS-2024-JXDZ-HG'],
    [{ region: 'bz', year: 2024, series: 'ENGINEERING', specialty: '生态环境' }, 'BZ2024STHJ'],
    [{ region: 'wlmq', year: 2024, series: 'ACCOUNTING', specialty: null }, 'WLMQ2024'],
  ] as const)('finds %j', (query, code) => {
    const lookup = findBatch(query);
    expect(lookup.found && lookup.batch.code).toBe(code);
  });

  it.each([
    [{ region: 'wlmq', batchCode: 'AKS-2024-JXDZ-HG' }, 'OTHER_REGION'],
    [{ region: 'bz', batchCode: 'BZ2099' }, 'NOT_FOUND'],
    [{ region: 'bz', year: 2024, series: 'ENGINEERING', specialty: '建筑' }, 'NOT_FOUND'],
    [{ region: 'bz', year: 2024 }, 'NO_CRITERIA'],
  ] as const)('does not find %j: %s', (query, problem) => {
    const lookup = findBatch(query);
    expect(lookup.found ? 'found' : lookup.problem).toBe(problem);
  });
});

describe('a malformed batch entry is rejected at load, naming the value', () => {
  it('accepts batches.json as it is', () => {
    expect(parseReviewBatches(rawBatches)).toHaveLength(5);
  });

  it.each<[string, (b: RawBatch[]) => void, RegExp]>([
    ['a window without an offset', (b) => { b[1]!.windows[0]!.closesAt = '2024-08-30T18:00:00'; }, /\[1\]\.windows\[0\]\.closesAt: expected an exact instant with offset/],
    ['an offset that is not the zone\'s', (b) => { b[1]!.windows[0]!.closesAt = '2024-08-30T18:00:00+06:00'; }, /\[1\]\.windows\[0\]\.closesAt: offset \+06:00 is not the offset of Asia\/Shanghai/],
    ['a day that does not exist', (b) => { b[0]!.windows[0]!.opensAt = '2024-02-30T00:00:00+08:00'; }, /\[0\]\.windows\[0\]\.opensAt/],
    ['a window that closes before it opens', (b) => { b[0]!.windows[0]!.closesAt = '2024-07-01T00:00:00+08:00'; }, /\[0\]\.windows\[0\]\.closesAt: closes before it opens/],
    ['an unknown time zone', (b) => { b[0]!.windows[0]!.timeZone = 'Asia/Kashgar-ish'; }, /\[0\]\.windows\[0\]\.timeZone: unknown time zone/],
    ['no apply window', (b) => { b[2]!.windows = b[2]!.windows.filter((w) => w.kind !== 'APPLY'); }, /\[2\]\.windows: has no APPLY window/],
    ['a window kind twice', (b) => { b[2]!.windows.push(b[2]!.windows[0]!); }, /\[2\]\.windows: lists a window kind twice/],
    ['an unknown level', (b) => { (b[0]!.offers as Record<string, unknown>[])[0]!.levels = ['JUNIOR', '中级']; }, /\[0\]\.offers\[0\]\.levels\[1\]: expected one of JUNIOR, INTERMEDIATE/],
    ['a fee in yuan with decimals', (b) => { b[1]!.fees.entries[0]!.fen = 600.5; }, /\[1\]\.fees\.entries\[0\]\.fen: expected a whole number/],
    ['a negative fee', (b) => { b[1]!.fees.entries[0]!.fen = -1; }, /fen: expected a whole number from 0/],
    ['two fees for one level and kind', (b) => { b[3]!.fees.entries.push(b[3]!.fees.entries[0]!); }, /\[3\]\.fees\.entries: entry \[4\] prices INTERMEDIATE\/REVIEW a second time/],
    ['a batch code used twice', (b) => { b[4]!.code = 'BZ2023JZ'; }, /\[4\]\.code: batch code BZ2023JZ is used twice/],
    ['a missing source section', (b) => { delete b[3]!.windows[0]!.source; }, /\[3\]\.windows\[0\]\.source: expected non-empty text, got nothing/],
    ['an issued date that is not a day', (b) => { b[0]!.issuedOn = '2024年7月7日'; }, /\[0\]\.issuedOn: expected a day as YYYY-MM-DD/],
    ['an unknown defence exemption', (b) => { ((b[1]!.defence as { exemptions: Record<string, unknown>[] }).exemptions[0]!).flag = 'TALL'; }, /\[1\]\.defence\.exemptions\[0\]\.flag: expected one of VILLAGE_RESIDENT_WORK/],
    ['assessment years after the batch year', (b) => { (b[4]!.assessments as Record<string, unknown>).toYear = 2025; }, /\[4\]\.assessments\.toYear: expected a whole number from 2021 to 2024/],
  ])('rejects %s', (_name, change, message) => {
    const parse = (): unknown => parseReviewBatches(withChange(change));
    expect(parse).toThrow(ReviewBatchError);
    expect(parse).toThrow(message);
  });
});
