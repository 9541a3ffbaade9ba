/**
 * Start-up of `npm start` on the embedded default, built (`npm run build`, no tsx): seconds from
 * spawning `node dist/scripts/start.js` to its "ready" line (the gateway ready and every region
 * answering), the resident memory of the five services together then, and a portal check right
 * after it, which every region must answer. Run by bench/run.ts (smoke too), or alone:
 * `tsx bench/startup.ts`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mintDevelopmentToken } from '../gateway/developmentToken.js';
import { loadConfig } from '../platform/config.js';
import { shippedManifest } from '../platform/operationManifest.js';
import { freePort, REPO_ROOT, rssMiB, spawnProcess } from './processes.js';

export interface StartupFacts {
  /** Seconds from spawn to the "ready" line. */
  readySeconds: number;
  /** Resident memory of start.js and the five services, MiB, when ready. */
  totalRssMiB: number;
  /** Whether the first check after "ready" was answered by every region. */
  firstCheckComplete: boolean;
  load: number;
}

const DEMO_PERSON = '65280119790314991X';

export async function measureStartup(log: (line: string) => void): Promise<StartupFacts> {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { cwd: REPO_ROOT, stdio: 'ignore' });
  const env: Record<string, string> = { NODE_ENV: 'development', LOG_LEVEL: 'warn', PORT: String(await freePort()), METRICS_PORT: String(await freePort()) };
  for (const service of ['PROVINCE', 'BZ', 'AKS', 'WLMQ']) {
    env[`${service}_PORT`] = String(await freePort());
    env[`${service}_METRICS_PORT`] = String(await freePort());
    // The embedded default: no database server.
    env[`${service}_DATABASE_URL`] = '';
  }
  const load = (await import('node:os')).loadavg()[0]!;
  const started = performance.now();
  const proc = spawnProcess({ name: 'npm start (built)', port: Number(env.PORT), args: ['dist/scripts/start.js'], env });
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no "ready" within 300 s:\n${proc.output()}`)), 300_000);
      const poll = setInterval(() => {
        if (/^ready\b/m.test(proc.output())) {
          clearInterval(poll);
          clearTimeout(deadline);
          resolve();
        } else if (proc.child.exitCode !== null) {
          clearInterval(poll);
          clearTimeout(deadline);
          reject(new Error(`npm start exited:\n${proc.output()}`));
        }
      }, 50);
    });
    const readySeconds = (performance.now() - started) / 1000;
    const totalRssMiB = rssMiB(proc);
    const check = shippedManifest().operations.find((operation) => operation.name === 'AnnualReviewCheck')!;
    const token = await mintDevelopmentToken(loadConfig({ NODE_ENV: 'development' }).auth, { role: 'portal', region: 'bz', subject: 'bench-startup', expiresIn: '5m' });
    const response = await fetch(proc.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: check.body, operationName: check.name, variables: { idNumber: DEMO_PERSON, year: 2024 } }),
    });
    const body = (await response.json()) as { data?: { person?: { annualReview?: { complete?: boolean } } }; errors?: unknown[] };
    const firstCheckComplete = body.data?.person?.annualReview?.complete === true && !body.errors;
    log(`npm start (built, embedded): ready in ${readySeconds.toFixed(1)} s, ${totalRssMiB.toFixed(0)} MiB for the five services, first check ${firstCheckComplete ? 'answered by every region' : 'INCOMPLETE'} (load ${load.toFixed(1)})`);
    return { readySeconds, totalRssMiB, firstCheckComplete, load };
  } finally {
    await proc.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await measureStartup((line) => console.log(line));
}
