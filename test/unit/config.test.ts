/**
 * Configuration (platform/config.ts): every variable validated at start, a bad value refused with
 * a message naming the variable, and a service given one stops before it listens.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';

const refusal = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig({ NODE_ENV: 'development', ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('configuration', () => {
  it('defaults to development on 127.0.0.1, info logs, embedded databases and the registry ports', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      environment: 'development',
      logLevel: 'info',
      logFile: null,
      listenHost: '127.0.0.1',
      gatewayPort: 4000,
      servicePorts: { province: 4001, bz: 4002, aks: 4003, wlmq: 4004 },
      subgraphUrls: { province: 'http://127.0.0.1:4001/graphql', wlmq: 'http://127.0.0.1:4004/graphql' },
      regionDatabases: { bz: { kind: 'embedded' }, aks: { kind: 'embedded' }, wlmq: { kind: 'embedded' } },
      provinceDatabaseUrl: null,
      subgraphTimeoutMs: 5_000,
    });
  });

  it('is silent in tests unless LOG_LEVEL says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it('reads per-service ports, URLs and databases', () => {
    const config = loadConfig({ BZ_PORT: '5002', AKS_SUBGRAPH_URL: 'https://aks.internal/graphql', WLMQ_DATABASE_URL: 'postgresql://u@db:5432/wlmq' });
    expect(config.servicePorts.bz).toBe(5002);
    expect(config.subgraphUrls.bz).toBe('http://127.0.0.1:5002/graphql');
    expect(config.subgraphUrls.aks).toBe('https://aks.internal/graphql');
    expect(config.regionDatabases.wlmq).toEqual({ kind: 'postgres', url: 'postgresql://u@db:5432/wlmq' });
  });

  it('reads the supergraph file the gateway serves and whether it watches it', () => {
    expect(loadConfig({})).toMatchObject({ supergraphFile: null, watchSupergraph: true });
    expect(loadConfig({ SUPERGRAPH_FILE: '/etc/xjzc/supergraph.graphql', SUPERGRAPH_WATCH: 'false' })).toMatchObject({
      supergraphFile: '/etc/xjzc/supergraph.graphql',
      watchSupergraph: false,
    });
  });

  it('takes an empty variable as unset, as Compose passes it', () => {
    expect(loadConfig({ LOG_LEVEL: '', PORT: '', BZ_DATABASE_URL: '' })).toMatchObject({ logLevel: 'info', gatewayPort: 4000, regionDatabases: { bz: { kind: 'embedded' } } });
  });

  it.each([
    ['LOG_LEVEL', 'loud', 'must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    ['NODE_ENV', 'staging', 'must be development, test or production, got "staging"'],
    ['PORT', '80.5', 'must be a whole number from 0 to 65535'],
    ['SUBGRAPH_TIMEOUT_MS', '0', 'must be a whole number from 1 to 600000'],
    ['BZ_PORT', 'http', 'must be a whole number from 0 to 65535'],
    ['AKS_DATABASE_URL', 'http://db/aks', 'must be a valid URL starting with postgres: or postgresql:'],
    ['WLMQ_SUBGRAPH_URL', 'not a url', 'must be a valid URL starting with http: or https:'],
    ['AUTH_JWT_ALGORITHM', 'HS256', 'must be one of RS256'],
    ['SUPERGRAPH_WATCH', 'yes', 'must be true or false, got "yes"'],
  ])('refuses %s=%s, naming the variable', (variable, value, message) => {
    const error = refusal({ [variable]: value });
    expect(error.message).toContain(`Configuration error: ${variable} `);
    expect(error.message).toContain(message);
  });

  it('never repeats a secret in its message', () => {
    const error = refusal({ IDENTITY_SECRET: 'too-short-but-secret' });
    expect(error.message).toBe('Configuration error: IDENTITY_SECRET must be at least 32 characters long');
  });

  it('refuses production without an identity secret', () => {
    const error = refusal({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp/jwks', AUTH_JWT_ISSUER: 'https://idp', INTERNAL_TOKEN_SECRET: 'x'.repeat(32) });
    expect(error.message).toContain('IDENTITY_SECRET must be set in production');
  });

  it('stops a service given a bad LOG_LEVEL before it listens, naming the variable', () => {
    const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
    const serve = fileURLToPath(new URL('../../scripts/serve.ts', import.meta.url));
    const run = spawnSync(process.execPath, [tsx, serve, 'province'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'verbose', PORT: '0', PROVINCE_PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Configuration error: LOG_LEVEL must be one of');
    expect(run.stdout).toBe('');
  });
});

describe('admission configuration (rate limits and priority)', () => {
  it('has validated defaults', () => {
    expect(loadConfig({}).admission).toEqual({
      windowSeconds: 60,
      pointsPerRole: { portal: 60_000, analyst: 600, dashboard: 600 },
      maxConcurrent: 64,
      reservedForPortals: 16,
      portalQueueLimit: 512,
      portalQueueTimeoutMs: 5_000,
    });
  });

  it('takes 0 as no limit for a role', () => {
    expect(loadConfig({ RATE_LIMIT_ANALYST: '0' }).admission.pointsPerRole.analyst).toBe(0);
  });

  it.each([
    [{ RATE_LIMIT_ANALYST: '-1' }, /RATE_LIMIT_ANALYST must be a whole number from 0/],
    [{ RATE_LIMIT_PORTAL: 'many' }, /RATE_LIMIT_PORTAL must be a whole number/],
    [{ RATE_LIMIT_WINDOW_SECONDS: '0' }, /RATE_LIMIT_WINDOW_SECONDS must be a whole number from 1/],
    [{ GATEWAY_MAX_CONCURRENT: '4', GATEWAY_RESERVED_FOR_PORTALS: '4' }, /GATEWAY_RESERVED_FOR_PORTALS must be less than GATEWAY_MAX_CONCURRENT \(4\)/],
  ])('refuses %o, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
