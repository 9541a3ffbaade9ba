/**
 * docker-compose.yml is for users' machines (no Docker engine runs here), so it is tested by
 * parsing: every service is there as two replicas, each one's environment passes our own
 * configuration loader and calls the subgraphs through the load balancer, the commands name real
 * services, health checks probe the port each service listens on, the load balancer's
 * configuration (docker/nginx.conf) sends each port to exactly that service's replicas, and every
 * file it mounts exists. (That replicas answer as one service does is test/e2e/replicas.test.ts.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { SERVICE_NAMES } from '../../app/services.js';
import { REGIONS } from '../../domain/regions.js';

interface ComposeService {
  image?: string;
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
const REPLICAS = [1, 2];
const replicas = appServices.flatMap((name) => REPLICAS.map((replica) => [`${name}-${replica}`, name] as const));
const nginx = readFileSync(new URL('docker/nginx.conf', root), 'utf8');

/** The ports and `server` lines of each nginx upstream, and the upstream each `listen` port passes to. */
function balancer(): { upstreams: Map<string, string[]>; listeners: Map<number, string> } {
  const upstreams = new Map<string, string[]>();
  for (const [, name, body] of nginx.matchAll(/upstream (\w+) \{([^}]*)\}/g)) {
    upstreams.set(name!, [...body!.matchAll(/server ([\w.-]+:\d+)/g)].map((match) => match[1]!));
  }
  const listeners = new Map<number, string>();
  for (const [, port, upstream] of nginx.matchAll(/server \{\s*listen (\d+);\s*location \/ \{ proxy_pass http:\/\/(\w+); \}\s*\}/g)) {
    listeners.set(Number(port), upstream!);
  }
  return { upstreams, listeners };
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, a one-shot migration, two replicas of each of the five services and a load balancer', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['lb', 'migrate', 'postgres', ...replicas.map(([replica]) => replica)].sort());
  });

  it.each(replicas)('gives %s (%s) an environment our configuration accepts, on real databases, calling subgraphs through the balancer', (replica, name) => {
    const service = compose.services[replica]!;
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]));
    const config = loadConfig(env);
    expect(config.environment).toBe('production');
    expect(config.listenHost).toBe('0.0.0.0');
    for (const { code } of REGIONS) expect(config.regionDatabases[code]).toMatchObject({ kind: 'postgres' });
    expect(config.subgraphUrls).toMatchObject({
      province: 'http://lb:4001/graphql',
      bz: 'http://lb:4002/graphql',
      aks: 'http://lb:4003/graphql',
      wlmq: 'http://lb:4004/graphql',
    });
    // The production build: compiled JavaScript, no tsx at run time.
    expect(service.command).toEqual(['node', 'dist/scripts/serve.js', name]);
    const port = name === 'gateway' ? config.gatewayPort : config.servicePorts[name];
    expect(service.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port}/ready`);
    expect(service.depends_on?.migrate?.condition ?? service.depends_on?.province?.condition).toBeDefined();
  });

  it('publishes only the load balancer, on 4000, and migrates before the services start', () => {
    expect(compose.services.lb!.ports).toEqual(['4000:4000']);
    for (const [replica] of replicas) expect(compose.services[replica]!.ports, replica).toBeUndefined();
    expect(compose.services.lb!.image).toMatch(/^nginx:/);
    expect(compose.services.lb!.volumes).toContain('./docker/nginx.conf:/etc/nginx/nginx.conf:ro');
    expect(Object.keys(compose.services.lb!.depends_on ?? {}).sort()).toEqual(replicas.map(([replica]) => replica).sort());
    expect(compose.services.migrate!.command).toEqual(['node', 'dist/scripts/db-migrate.js']);
    expect(compose.services['bz-1']!.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
  });

  it('balances each port over exactly the replicas of the service the URLs name there', () => {
    const { upstreams, listeners } = balancer();
    const config = loadConfig(Object.fromEntries(Object.entries(compose.services['gateway-1']!.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))])));
    const ports: Record<string, number> = { gateway: 4000 };
    for (const name of appServices.filter((service) => service !== 'gateway')) ports[name] = Number(new URL(config.subgraphUrls[name]!).port);
    expect([...listeners.keys()].sort()).toEqual(Object.values(ports).sort());
    for (const name of appServices) {
      expect(listeners.get(ports[name]!), `port ${ports[name]}`).toBe(name);
      const listensOn = name === 'gateway' ? config.gatewayPort : config.servicePorts[name];
      expect(upstreams.get(name)).toEqual(REPLICAS.map((replica) => `${name}-${replica}:${listensOn}`));
    }
  });

  it('has the gateways serve the mounted supergraph, which they reload', () => {
    for (const replica of ['gateway-1', 'gateway-2']) {
      const service = compose.services[replica]!;
      const mount = service.volumes?.find((volume) => volume.startsWith('./schema:'));
      expect(mount, replica).toBeDefined();
      const [, target] = mount!.split(':');
      expect(service.environment?.SUPERGRAPH_FILE).toBe(`${target}/supergraph.graphql`);
    }
  });

  it("creates every registered region's database, and the image exposes every service's API and metrics port", () => {
    const init = readFileSync(new URL('docker/postgres-init.sql', root), 'utf8');
    const created = [...init.matchAll(/CREATE DATABASE (\w+);/g)].map(([, name]) => name);
    expect(created.sort()).toEqual(['province', ...REGIONS.map((region) => region.code)].sort());
    const exposed = /^EXPOSE (.+)$/m.exec(readFileSync(new URL('Dockerfile', root), 'utf8'))![1]!.split(/\s+/).map(Number);
    const config = loadConfig({});
    for (const name of appServices) {
      const port = name === 'gateway' ? config.gatewayPort : config.servicePorts[name]!;
      expect(exposed, name).toContain(port);
    }
  });

  it('mounts and builds only files that exist', () => {
    expect(existsSync(new URL('Dockerfile', root))).toBe(true);
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source!.startsWith('./')) expect(existsSync(new URL(source!, root)), source).toBe(true);
      }
    }
  });
});
