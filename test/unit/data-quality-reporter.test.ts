/** Data-quality events are logged once per distinct event, in bounded memory (subgraphs/template/dataQuality.ts). */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggingReporter, type DataQualityEvent } from '../../subgraphs/template/dataQuality.js';

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'warn' }, stream), lines };
}

const event = (localId: string): DataQualityEvent => ({ region: 'bz', table: 'sb_sqs', localId, field: 'level', localValue: '高工' });

describe('the data-quality reporter', () => {
  it('logs each distinct event once', async () => {
    const { log, lines } = capturingLogger();
    const report = loggingReporter(log);
    report(event('1'));
    report(event('1'));
    report(event('2'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => [line.event, line.localId])).toEqual([['data_quality', '1'], ['data_quality', '2']]);
  });

  it('remembers the latest 10,000 events, so an old one is logged again rather than memory growing', async () => {
    const { log, lines } = capturingLogger();
    const report = loggingReporter(log);
    for (let index = 0; index <= 10_000; index += 1) report(event(String(index)));
    report(event('10000'));
    report(event('0'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(10_002);
    expect(lines.at(-1)?.localId).toBe('0');
  });
});
