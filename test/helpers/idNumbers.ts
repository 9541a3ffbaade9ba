/** ID-number helpers for tests: production reads a number with normaliseIdNumber and handles its error itself. */
import { InvalidIdNumberError, normaliseIdNumber } from '../../domain/idNumber.js';

/** normaliseIdNumber, or null where the text is not a valid number (as gateway.normalise_id_number answers NULL). */
export function tryNormaliseIdNumber(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  try {
    return normaliseIdNumber(raw);
  } catch (error) {
    if (error instanceof InvalidIdNumberError) return null;
    throw error;
  }
}
