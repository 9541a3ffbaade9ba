import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_ANNUAL_REVIEW_CLAIM_TTL_SECONDS, loadConfig } from '../../platform/config.js';

describe('ANNUAL_REVIEW_CLAIM_TTL_SECONDS', () => {
  it('defaults to 72 hours', () => {
    expect(DEFAULT_ANNUAL_REVIEW_CLAIM_TTL_SECONDS).toBe(72 * 3600);
    expect(loadConfig({ NODE_ENV: 'test' }).annualReviewClaimTtlSeconds).toBe(259_200);
  });

  it('takes a whole number of seconds', () => {
    expect(loadConfig({ NODE_ENV: 'test', ANNUAL_REVIEW_CLAIM_TTL_SECONDS: '60' }).annualReviewClaimTtlSeconds).toBe(60);
  });

  it.each(['0', '-5', '1.5', 'three days', String(400 * 24 * 3600)])('refuses %s at start, naming the variable', (value) => {
    expect(() => loadConfig({ NODE_ENV: 'test', ANNUAL_REVIEW_CLAIM_TTL_SECONDS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', ANNUAL_REVIEW_CLAIM_TTL_SECONDS: value })).toThrow('ANNUAL_REVIEW_CLAIM_TTL_SECONDS');
  });
});
