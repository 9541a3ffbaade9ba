/**
 * Cursors of `Region.applications`, the same in every region. A cursor is the region and the
 * portal key of the last item sealed with AES-256-GCM under a key derived from IDENTITY_SECRET,
 * with a fresh IV each time: it reveals nothing (not even that two cursors name the same
 * application), and one the services did not issue, or issued for another region's list, cannot
 * be opened. Whatever is wrong with a cursor, the answer is INVALID_CURSOR, never an echo of it.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import { ErrorCode, userInputError } from '../../platform/errors.js';

export interface CursorCodec {
  encode(localId: string): string;
  /** The portal key the cursor names; throws INVALID_CURSOR for anything this region did not issue. */
  decode(cursor: string): string;
}

export function invalidCursor(): GraphQLError {
  return userInputError(ErrorCode.INVALID_CURSOR, 'The cursor was not issued for this list; start again without "after".');
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Longer than any cursor this codec issues: a longer text is refused before any work. */
const MAX_CURSOR_LENGTH = 200;

export function createCursorCodec(secret: string, region: string): CursorCodec {
  const key = Buffer.from(hkdfSync('sha256', secret, 'xjzc-federation', 'list-cursor', 32));
  // The region is authenticated data: a cursor of one region's list does not open in another's.
  const aad = Buffer.from(region, 'utf8');
  return {
    encode(localId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
      const sealed = Buffer.concat([cipher.update(localId, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    decode(cursor) {
      if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
      const raw = Buffer.from(cursor, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) throw invalidCursor();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES)).setAAD(aad);
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw invalidCursor();
      }
    },
  };
}
