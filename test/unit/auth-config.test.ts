/** Token configuration (platform/config.ts): development defaults, and a production that refuses to start without real keys. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';

const SECRET = 'a-client-token-secret-of-32-chars-or-more';
const INTERNAL = 'an-internal-token-secret-of-32-chars-or-more';
const production = { NODE_ENV: 'production', IDENTITY_SECRET: 'an-identity-secret-of-32-characters-x' };

describe('token configuration', () => {
  it('has development defaults outside production', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.auth.verification.kind).toBe('secret');
    expect(config.auth).toMatchObject({ issuer: 'xjzc-development', audience: 'xjzc-gateway' });
    expect(config.internalTokenSecret.length).toBeGreaterThanOrEqual(32);
  });

  it.each([
    ['no client token key', { AUTH_JWT_ISSUER: 'https://idp', INTERNAL_TOKEN_SECRET: INTERNAL }, 'AUTH_JWKS_URL'],
    ['no issuer', { AUTH_JWT_SECRET: SECRET, INTERNAL_TOKEN_SECRET: INTERNAL }, 'AUTH_JWT_ISSUER'],
    ['no internal token secret', { AUTH_JWT_SECRET: SECRET, AUTH_JWT_ISSUER: 'https://idp' }, 'INTERNAL_TOKEN_SECRET'],
    ['a plain-http JWKS', { AUTH_JWKS_URL: 'http://idp/jwks', AUTH_JWT_ISSUER: 'https://idp', INTERNAL_TOKEN_SECRET: INTERNAL }, 'AUTH_JWKS_URL'],
  ])('refuses production with %s, naming the variable', (_label, env, variable) => {
    expect(() => loadConfig({ ...production, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, ...env })).toThrow(variable);
  });

  it.each([
    ['a short secret', { AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    ['two ways to verify', { AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: 'https://idp/jwks' }, 'set only one'],
    ['the same secret twice', { AUTH_JWT_SECRET: SECRET, INTERNAL_TOKEN_SECRET: SECRET }, 'must differ'],
    ['a key that is not PEM', { AUTH_JWT_PUBLIC_KEY: 'abc' }, 'AUTH_JWT_PUBLIC_KEY'],
  ])('refuses %s', (_label, env, message) => {
    expect(() => loadConfig({ NODE_ENV: 'development', ...env })).toThrow(message);
  });

  it('starts in production with a JWKS, an issuer and an internal secret', () => {
    const config = loadConfig({ ...production, AUTH_JWKS_URL: 'https://idp/jwks', AUTH_JWT_ISSUER: 'https://idp', INTERNAL_TOKEN_SECRET: INTERNAL });
    expect(config.auth.verification).toEqual({ kind: 'jwks', url: 'https://idp/jwks' });
  });
});
