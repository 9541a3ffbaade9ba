/**
 * `npm run bench:profile [dir]`: what each profiled service spent its CPU on, from the V8 CPU
 * profiles `npm run bench -- --cpu-prof` writes (bench/results/profiles/ by default). For each
 * profile: busy time, the share of each area (our code, each package, Node's internals, GC), and
 * the functions with the most self time. It reads the profiles only; nothing here is measured.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './processes.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: a package, Node's internals, our own code, or V8's pseudo-frames. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') return functionName;
    return '(native)';
  }
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const local = url.replace(/^file:\/\//, '');
  return local.startsWith(REPO_ROOT) ? `ours: ${path.relative(REPO_ROOT, local).split('/').slice(0, 2).join('/')}` : 'other';
}

interface Summary {
  file: string;
  wallMs: number;
  busyMs: number;
  areas: Map<string, number>;
  functions: Map<string, number>;
}

export function summarise(file: string, profile: CpuProfile): Summary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[index] ?? 0;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    if (area === '(idle)') return;
    busyUs += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = url ? `${url.replace(/^.*\/node_modules\//, '').replace(`file://${REPO_ROOT}/`, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  });
  return { file, wallMs: (profile.endTime - profile.startTime) / 1000, busyMs: busyUs / 1000, areas, functions };
}

function top(map: Map<string, number>, count: number): [string, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
}

function render(summary: Summary, count: number): string {
  const share = (us: number) => `${((us / 1000 / summary.busyMs) * 100).toFixed(1)}%`;
  return [
    `## ${summary.file}`,
    '',
    `Busy ${(summary.busyMs / 1000).toFixed(1)} s of ${(summary.wallMs / 1000).toFixed(1)} s sampled.`,
    '',
    '| area | share of busy time |',
    '| --- | --- |',
    ...top(summary.areas, 15).map(([area, us]) => `| ${area} | ${share(us)} |`),
    '',
    '| function (self time) | share |',
    '| --- | --- |',
    ...top(summary.functions, count).map(([name, us]) => `| \`${name}\` | ${share(us)} |`),
    '',
  ].join('\n');
}

function main(): void {
  const dir = process.argv[2] ?? path.join(REPO_ROOT, 'bench', 'results', 'profiles');
  // One directory per service, one profile per thread in it (the main thread, tsx's loader thread).
  const services = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  if (services.length === 0) {
    console.error(`no profiles in ${dir}: run npm run bench -- --cpu-prof --only=duplicate first`);
    process.exit(1);
  }
  for (const service of services) {
    const files = readdirSync(path.join(dir, service)).filter((name) => name.endsWith('.cpuprofile'));
    const summaries = files.map((name) => summarise(`${service}/${name}`, JSON.parse(readFileSync(path.join(dir, service, name), 'utf8')) as CpuProfile));
    // The busiest thread is the one serving requests.
    const busiest = summaries.sort((a, b) => b.busyMs - a.busyMs)[0];
    if (busiest) console.log(render(busiest, 20));
  }
}

main();
