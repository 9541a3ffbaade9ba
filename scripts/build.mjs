// `npm run build`: the production build. Every TypeScript file the services run (and the generated
// Prisma clients) transpiled by esbuild to JavaScript in dist/, in the same layout, with the files
// they read at run time beside them (SDL, the operation manifest, migrations, the batch table), so
// that `node dist/scripts/serve.js <service>` and `node dist/scripts/start.js` need no tsx and
// compile nothing at start. Types are checked by `npm run typecheck`, not here: esbuild only strips them.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
// Built beside dist/ and swapped in at the end, so that a service already running from dist/ (or a
// second `npm start` building at the same moment) never finds it half-written or missing.
const out = path.join(root, `.dist-building-${process.pid}`);
const SOURCES = ['app', 'domain', 'platform', 'subgraphs', 'gateway', 'demo', 'scripts', 'schema', 'generated'];
/** Files read at run time, copied as they are (by extension, under SOURCES), and whole folders. */
const ASSET_EXTENSIONS = ['.graphql', '.json', '.sql', '.prisma', '.toml'];
const ASSET_FOLDERS = ['prisma', 'operations'];

function walk(dir) {
  const files = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...walk(full));
    else files.push(full);
  }
  return files;
}

if (!existsSync(path.join(root, 'generated'))) {
  console.error('generated/ is missing: run `npm run generate` (npm ci does) first.');
  process.exit(1);
}
const started = performance.now();
rmSync(out, { recursive: true, force: true });
const files = SOURCES.flatMap((dir) => walk(path.join(root, dir)));
const entryPoints = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
await build({
  entryPoints,
  outdir: out,
  outbase: root,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: true,
  logLevel: 'warning',
});
for (const file of files.filter((name) => ASSET_EXTENSIONS.includes(path.extname(name)))) {
  const target = path.join(out, path.relative(root, file));
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(file, target);
}
for (const folder of ASSET_FOLDERS) cpSync(path.join(root, folder), path.join(out, folder), { recursive: true });
const old = path.join(root, `.dist-old-${process.pid}`);
for (let attempt = 0; ; attempt++) {
  try {
    if (existsSync(dist)) renameSync(dist, `${old}-${attempt}`);
    renameSync(out, dist);
    break;
  } catch (error) {
    // Another build swapped its dist/ in between our two renames: move that one aside too.
    if (attempt >= 5) throw error;
  }
}
for (const entry of readdirSync(root)) if (entry.startsWith(`.dist-old-${process.pid}-`)) rmSync(path.join(root, entry), { recursive: true, force: true });
console.log(`built ${entryPoints.length} files into dist/ in ${Math.round(performance.now() - started)} ms`);
