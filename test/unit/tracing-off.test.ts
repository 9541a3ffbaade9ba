/**
 * Tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: no exporter, no tracer provider, no
 * `traceparent` on calls, and the hooks on the request path call straight through. (That nothing
 * leaves the machine then is test/e2e/no-outbound-traffic.test.ts, under strace.)
 */
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';
import { activeContext, startTracing, tracedCall, tracedStatement, tracingIsOn } from '../../platform/tracing.js';

describe('tracing without an OTLP endpoint', () => {
  it('reads no endpoint as off, and refuses one that is not an http(s) URL', () => {
    expect(loadConfig({}).otlpEndpoint).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }).otlpEndpoint).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).otlpEndpoint).toBe('http://127.0.0.1:4318');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it('creates no exporter and registers no tracer provider', async () => {
    const state = await startTracing({ service: 'gateway', otlpEndpoint: loadConfig({ NODE_ENV: 'production', ...PRODUCTION }).otlpEndpoint });
    expect(state).toEqual({ phase: 'off' });
    expect(tracingIsOn()).toBe(false);
    // What @apollo/gateway's spans get: the API's no-op tracer, which records nothing.
    const span = trace.getTracer('apollo/gateway-js').startSpan('gateway.request');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe('00000000000000000000000000000000');
    span.end();
  });

  it('adds no traceparent to calls and runs statements and deferred work as they are', async () => {
    const sent: Array<Record<string, string>> = [];
    const headers = { 'content-type': 'application/json' };
    await tracedCall(new URL('http://127.0.0.1:4002/graphql'), 'bz', headers, async (given) => {
      sent.push(given);
      return { statusCode: 200 };
    });
    expect(sent).toEqual([headers]);
    expect(sent[0]).toBe(headers);
    await expect(tracedStatement('bz', 'SELECT 1', async () => 'ran')).resolves.toBe('ran');
    expect(activeContext()).toBeNull();
  });
});

const PRODUCTION = {
  IDENTITY_SECRET: 'tracing-off-test-identity-secret-0123456789',
  AUTH_JWT_SECRET: 'tracing-off-test-client-token-secret-0123456789',
  AUTH_JWT_ISSUER: 'tracing-off-test',
  INTERNAL_TOKEN_SECRET: 'tracing-off-test-internal-token-secret-0123456789',
};
