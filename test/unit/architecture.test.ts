/**
 * The import rules of docs/architecture.md ("What may import what"), read from that page and
 * checked against every TypeScript file: an import that points up, sideways between regions, or
 * into a package's internals fails here. And the packages imported are the packages declared.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** Every tracked TypeScript file, as a path from the repository root. */
const files = execFileSync('git', ['ls-files', '*.ts'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
const TOOLS = ['scripts/', 'bench/', 'test/'];
// Configuration files at the root (vitest.config.ts) are tools too.
const isTool = (file: string) => TOOLS.some((folder) => file.startsWith(folder)) || !file.includes('/');

/** A file's part, as the rules name it, and the region it belongs to (for `<region>`). */
function partOf(path: string): { part: string; region?: string } | null {
  const [top, second] = path.split('/');
  if (top === 'subgraphs') {
    // Files directly under subgraphs/ (access rules, warm-up) are shared by every subgraph.
    if (path.split('/').length === 2) return { part: 'subgraphs/shared' };
    if (second === 'template' || second === 'province') return { part: `subgraphs/${second}` };
    return { part: 'subgraphs/<region>', region: second };
  }
  if (top === 'generated' && second === 'prisma') return { part: 'generated/<region>', region: path.split('/')[2] };
  if (['domain', 'platform', 'schema', 'demo', 'gateway', 'app'].includes(top!)) return { part: top! };
  return null;
}

/** The rules block of docs/architecture.md: part → the parts it may import. */
function rules(): Map<string, Set<string>> {
  const block = /```import-rules\n([\s\S]*?)```/.exec(read('docs/architecture.md'))?.[1];
  if (!block) throw new Error('docs/architecture.md has no import-rules block');
  return new Map(
    block
      .trim()
      .split('\n')
      .map((line) => {
        const [part, allowed] = line.split(':').map((text) => text.trim());
        return [part!, new Set(allowed!.split(',').map((name) => name.trim()))] as const;
      }),
  );
}

interface Import {
  from: string;
  specifier: string;
}

/** Static imports, re-exports and dynamic imports with a literal specifier, parsed by TypeScript. */
function importsOf(file: string): Import[] {
  return ts.preProcessFile(read(file), true, true).importedFiles.map((imported) => ({ from: file, specifier: imported.fileName }));
}

const allImports = files.flatMap(importsOf);
const productionImports = allImports.filter((entry) => !isTool(entry.from));

/** What an import breaks, or null when it keeps to the rules. */
function violation(entry: Import, table: Map<string, Set<string>>): string | null {
  const from = partOf(entry.from);
  if (!from) return `${entry.from} is in a folder docs/architecture.md does not place`;
  if (!entry.specifier.startsWith('.')) {
    return entry.specifier.includes('/dist/') ? `${entry.from} imports package internals ${entry.specifier}` : null;
  }
  const target = normalize(join(dirname(entry.from), entry.specifier));
  const to = partOf(target);
  if (!to) return `${entry.from} imports ${target}, outside every part`;
  const allowed = table.get(from.part);
  if (!allowed) return `${entry.from}: docs/architecture.md has no rule for ${from.part}`;
  if (!allowed.has(to.part)) return `${entry.from} (${from.part}) may not import ${target} (${to.part})`;
  if (to.region !== undefined && from.part !== 'app' && to.region !== from.region) {
    return `${entry.from} may not import another region's ${target}`;
  }
  return null;
}

describe('the import rules of docs/architecture.md', () => {
  const table = rules();

  it('hold for every production file', () => {
    expect(productionImports.length).toBeGreaterThan(100);
    expect(productionImports.map((entry) => violation(entry, table)).filter(Boolean)).toEqual([]);
  });

  it('catch an upward import, a sideways one between regions and a package internal', () => {
    expect(violation({ from: 'platform/services.ts', specifier: '../gateway/server.js' }, table)).toContain('may not import');
    expect(violation({ from: 'subgraphs/template/service.ts', specifier: '../../demo/index.js' }, table)).toContain('may not import');
    expect(violation({ from: 'subgraphs/province/accessLog.ts', specifier: '../template/dates.js' }, table)).toContain('may not import');
    expect(violation({ from: 'subgraphs/bz/source.ts', specifier: '../aks/mapping.js' }, table)).toContain("another region's");
    expect(violation({ from: 'subgraphs/bz/source.ts', specifier: '../../generated/prisma/aks/client.js' }, table)).toContain("another region's");
    expect(violation({ from: 'gateway/dataSource.ts', specifier: '@apollo/gateway/dist/datasources/types.js' }, table)).toContain('internals');
    expect(violation({ from: 'subgraphs/bz/source.ts', specifier: '../../generated/prisma/bz/client.js' }, table)).toBeNull();
  });
});

describe('docs/architecture.md', () => {
  it('names only files that exist', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
    // `generated/` is written at install; a `<region>` path stands for each region's.
    const named = [...read('docs/architecture.md').matchAll(/`([\w./<>-]+\.(?:ts|graphql|md|json|yml))`/g)]
      .map((match) => match[1]!)
      .filter((path) => !path.includes('<') && !path.startsWith('generated/'));
    expect(named.length).toBeGreaterThan(30);
    const exists = (path: string) =>
      path.includes('/') ? tracked.includes(path) : tracked.some((file) => file === path || file.endsWith(`/${path}`));
    expect(named.filter((path) => !exists(path))).toEqual([]);
  });
});

describe('the dependencies in package.json', () => {
  const manifest = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]);
  const packageOf = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
  const builtins = new Set(builtinModules);
  const packagesImported = (entries: readonly Import[]) =>
    new Set(
      entries
        .filter(({ specifier }) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !builtins.has(specifier))
        .map(({ specifier }) => packageOf(specifier)),
    );

  it('declare every package the code imports (the benchmark has its own package.json)', () => {
    const imported = packagesImported(allImports.filter((entry) => !entry.from.startsWith('bench/')));
    expect([...imported].filter((name) => !declared.has(name))).toEqual([]);
  });

  it('hold no runtime dependency that nothing imports or serves', () => {
    const imported = packagesImported(allImports);
    // A package whose files are served rather than imported (gateway/pages.ts: require.resolve or
    // packageDir of its name) counts as used.
    const production = files.filter((file) => !isTool(file)).map(read).join('\n');
    const served = (name: string) => new RegExp(`(require\\.resolve|packageDir)\\('${name.replace('/', '\\/')}[/']`).test(production);
    // @prisma/client is imported by the generated clients (generated/, not tracked); tsx runs `npm start`;
    // @types/* packages are read by the compiler.
    const usedOtherwise = (name: string) => ['@prisma/client', 'tsx'].includes(name) || name.startsWith('@types/');
    expect(Object.keys(manifest.dependencies).filter((name) => !imported.has(name) && !served(name) && !usedOtherwise(name))).toEqual([]);
  });
});
