// Generates the portals' Prisma clients into generated/prisma/<region> (or those of the schemas named).
//
// Why the environment variable: Prisma 7's CLI refuses to start unless it can resolve its
// schema-engine binary, which it would download, and this machine (like many locked-down build
// hosts) cannot download binaries. `prisma generate` never runs that engine, so any existing file
// satisfies the check. This is the only script that generates; nothing at install, test or start
// needs the engine. Users who have the engine keep theirs: an existing value is left alone.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
// Schemas named on the command line (a test's fixture region), else every region's.
const named = process.argv.slice(2).map((schema) => path.resolve(root, schema));
const schemas = named.length > 0 ? named : readdirSync(path.join(root, 'prisma')).map((region) => path.join(root, 'prisma', region, 'schema.prisma'));
for (const schema of schemas) {
  if (!existsSync(schema)) continue;
  execFileSync(process.execPath, [cli, 'generate', '--schema', schema], { cwd: root, env, stdio: named.length > 0 ? 'pipe' : 'inherit' });
}
