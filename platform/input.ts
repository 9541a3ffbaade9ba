/**
 * Checks of client input that several services make, written once so that a year or a page size
 * means the same everywhere: a value outside its range is the client's mistake, answered with
 * BAD_USER_INPUT before any database sees it (an out-of-range integer would otherwise reach SQL
 * and fail there as an internal error).
 */
import { GraphQLError } from 'graphql';
import { InvalidIdNumberError, normaliseTypedIdNumber } from '../domain/idNumber.js';
import { ErrorCode, userInputError } from './errors.js';

/** Review years: from the reinstatement of title reviews (1978) to a bound no portal date passes. */
export const YEAR_RANGE = { min: 1978, max: 2100 } as const;

/** Page sizes of a list: at least one item, and at most this many, so one request cannot ask for a whole region. */
export const PAGE_SIZE = { min: 1, max: 200, default: 50 } as const;

/** `value` when it is a review year (or absent); BAD_USER_INPUT naming `argument` otherwise. */
export function checkYear<T extends number | null | undefined>(argument: string, value: T): T {
  if (value == null) return value;
  if (!Number.isInteger(value) || value < YEAR_RANGE.min || value > YEAR_RANGE.max) {
    throw userInputError(ErrorCode.BAD_USER_INPUT, `"${argument}" must be a year from ${YEAR_RANGE.min} to ${YEAR_RANGE.max}.`);
  }
  return value;
}

/** The page size asked for, or the default; BAD_USER_INPUT outside 1–200. */
export function checkPageSize(argument: string, value: number | null | undefined): number {
  const size = value ?? PAGE_SIZE.default;
  if (!Number.isInteger(size) || size < PAGE_SIZE.min || size > PAGE_SIZE.max) {
    throw userInputError(ErrorCode.BAD_USER_INPUT, `"${argument}" must be from ${PAGE_SIZE.min} to ${PAGE_SIZE.max}.`);
  }
  return size;
}

/**
 * An ID number a client typed into an argument (`person(idNumber:)`, a claim's `input.idNumber`),
 * normalised: INVALID_ID_NUMBER, with its reason and never the number, where it is no valid number
 * or its birth date cannot be real (domain/idNumber.ts, normaliseTypedIdNumber). Every argument a
 * client types a number into goes through here; stored portal numbers are only normalised.
 */
export function typedIdNumber(raw: string): string {
  try {
    return normaliseTypedIdNumber(raw);
  } catch (error) {
    if (error instanceof InvalidIdNumberError) {
      throw new GraphQLError(error.message, { extensions: { code: ErrorCode.INVALID_ID_NUMBER, reason: error.reason } });
    }
    throw error;
  }
}
