/**
 * docker-compose.yml is for users' machines (no Docker engine runs here), so it is tested by
 * parsing: every service is there, each one's environment passes our own configuration loader,
 * the commands name real services, health checks probe the port each service listens on, and
 * every file it mounts exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { SERVICE_NAMES } from '../../app/services.js';

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}

const root = new URL('../../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

/** What Compose makes of `${NAME:-default}` and `${NAME:?message}` when the user set NAME. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::[-?]([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) =>
    ({
      IDENTITY_SECRET: 'a-deployment-secret-of-at-least-32-chars',
      INTERNAL_TOKEN_SECRET: 'another-deployment-secret-of-32-chars-plus',
      AUTH_JWKS_URL: 'https://idp.example.org/.well-known/jwks.json',
      AUTH_JWT_ISSUER: 'https://idp.example.org',
    })[name] ?? fallback ?? '',
  );
}

const appServices = SERVICE_NAMES as readonly string[];

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, a one-shot migration and the five services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['migrate', 'postgres', ...appServices].sort());
  });

  it.each(appServices.map((name) => [name]))('gives %s an environment our configuration accepts, on real databases', (name) => {
    const service = compose.services[name]!;
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]));
    const config = loadConfig(env);
    expect(config.environment).toBe('production');
    expect(config.listenHost).toBe('0.0.0.0');
    for (const region of ['bz', 'aks', 'wlmq']) expect(config.regionDatabases[region]).toMatchObject({ kind: 'postgres' });
    expect(config.subgraphUrls).toMatchObject({
      province: 'http://province:4001/graphql',
      bz: 'http://bz:4002/graphql',
      aks: 'http://aks:4003/graphql',
      wlmq: 'http://wlmq:4004/graphql',
    });
    // The production build: compiled JavaScript, no tsx at run time.
    expect(service.command).toEqual(['node', 'dist/scripts/serve.js', name]);
    const port = name === 'gateway' ? config.gatewayPort : config.servicePorts[name];
    expect(service.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port}/ready`);
    expect(service.depends_on?.migrate?.condition ?? service.depends_on?.province?.condition).toBeDefined();
  });

  it('publishes the gateway on 4000 and migrates before the services start', () => {
    expect(compose.services.gateway!.ports).toEqual(['4000:4000']);
    expect(compose.services.migrate!.command).toEqual(['node', 'dist/scripts/db-migrate.js']);
    expect(compose.services.bz!.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
  });

  it('mounts and builds only files that exist', () => {
    expect(existsSync(new URL('Dockerfile', root))).toBe(true);
    for (const volume of compose.services.postgres!.volumes ?? []) {
      const [source] = volume.split(':');
      if (source!.startsWith('./')) expect(existsSync(new URL(source!, root)), source).toBe(true);
    }
  });
});
