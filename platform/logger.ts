/**
 * Structured logs (pino). Identity fields are redacted wherever they appear, and the
 * authorization header never reaches a log line.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Fields that identify a person (Personal Information Protection Law), wherever a log line carries them. */
const IDENTITY_FIELDS = [
  // ID numbers, in the shared form and in each portal's own column names.
  'idNumber', 'idNumbers', 'normalised', 'sfzh', 'idCard', 'id_card', 'certNo', 'cert_no',
  // Names and employers (盲评 hides both), in the shared form and the portals' own.
  'name', 'xm', 'fullName', 'full_name', 'employer', 'gzdw',
  // Sealed person references and entity representations carry an encrypted ID number.
  'personRef', 'representations',
  // Operation variables hold ID numbers (person(idNumber:)).
  'variables',
];

/** Paths pino blanks in every line. ID numbers must never be logged in the first place; this is the net below. */
export const REDACTED_PATHS = [
  ...IDENTITY_FIELDS.flatMap((field) => [field, `*.${field}`]),
  // Credentials: the client's token, the gateway's own token, cookies.
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', 'req.headers.authorization',
  'headers.cookie', '*.headers.cookie', 'req.headers.cookie',
  'token', '*.token', 'internalToken', '*.internalToken',
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
