/**
 * Structured logs (pino). Identity fields are redacted wherever they appear, and the
 * authorization header never reaches a log line (../shared/STYLE.md lesson 7).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks in every line. ID numbers must never be logged in the first place; this is the net below. */
export const REDACTED_PATHS = [
  'idNumber',
  '*.idNumber',
  'idNumbers',
  '*.idNumbers',
  'sfzh',
  '*.sfzh',
  'id_card',
  '*.id_card',
  'certNo',
  '*.certNo',
  'name',
  '*.name',
  'req.headers.authorization',
  'headers.authorization',
  'variables',
  '*.variables',
];

export function createLogger(options: { service: string; level: string; file?: string | null }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.file ? pino.destination({ dest: options.file, sync: true, append: true, mkdir: true }) : undefined,
  );
}
