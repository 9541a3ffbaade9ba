/** Markdown tables of a benchmark run. */
import type { HopBreakdown } from './hops.js';
import type { LoadResult } from './load.js';
import type { WorkloadName } from './workloads.js';

export interface Measurement {
  workload: WorkloadName;
  target: string;
  connections: number;
  /** Null when the target could not run this workload (see `problem`). */
  load: LoadResult | null;
  problem?: string;
  sqlPerRequest: number | null;
  gatewayRss: { before: number; after: number } | null;
  subgraphsRss: { before: number; after: number };
  /** CPU time per request, ms, by where it was spent. */
  cpu: CpuSplit | null;
  /** Where each request's time went, hop by hop (bench/hops.ts): our gateway's 1-connection duplicate check only. */
  hops?: HopBreakdown;
}

export interface CpuSplit {
  gateway: number;
  province: number;
  regions: number;
  postgres: number;
  loadGenerator: number;
}

export interface TargetCheck {
  target: string;
  met: boolean | null;
  detail: string;
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const ms = (value: number): string => (Number.isFinite(value) ? (value < 10 ? value.toFixed(1) : value.toFixed(0)) : '–');
export const mib = (value: number): string => value.toFixed(0);

export function measurementTable(measurements: readonly Measurement[], workload: WorkloadName): string {
  const rows = measurements
    .filter((m) => m.workload === workload)
    .map((m) => {
      if (!m.load) return [m.target, String(m.connections), '–', '–', '–', '–', '–', '–', '–', '–', '–', `not run: ${m.problem ?? 'failed'}`];
      return [
        m.target,
        String(m.connections),
        m.load.throughput.toFixed(0),
        ms(m.load.p50),
        ms(m.load.p95),
        ms(m.load.p99),
        String(m.load.requests),
        String(m.load.failures),
        m.sqlPerRequest === null ? '–' : m.sqlPerRequest.toFixed(2),
        m.gatewayRss ? `${mib(m.gatewayRss.before)} → ${mib(m.gatewayRss.after)}` : '–',
        `${mib(m.subgraphsRss.before)} → ${mib(m.subgraphsRss.after)}`,
        m.cpu
          ? [m.cpu.gateway, m.cpu.province, m.cpu.regions, m.cpu.postgres, m.cpu.loadGenerator].map((value) => value.toFixed(1)).join(' · ')
          : '–',
      ];
    });
  return table(
    [
      'target',
      'conns',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'requests',
      'failed',
      'SQL/req',
      'gateway RSS MiB',
      'subgraphs RSS MiB',
      'CPU ms/req: gateway · province · regions · PostgreSQL · autocannon',
    ],
    rows,
  );
}

export function find(measurements: readonly Measurement[], workload: WorkloadName, target: string, connections: number): LoadResult | null {
  return measurements.find((m) => m.workload === workload && m.target === target && m.connections === connections)?.load ?? null;
}

export const ratio = (a: number | undefined, b: number | undefined): string =>
  a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
