/**
 * Pseudonymous identity. The province never hands the raw ID number to clients: a person is named
 * by `Person.key`, an HMAC of the normalised number, and the regions are sent a sealed reference
 * (AES-256-GCM) that only the services holding IDENTITY_SECRET can open. Both are deterministic, so
 * one person has one key and one reference, and the gateway's entity batches deduplicate them.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

export class InvalidPersonRefError extends Error {
  readonly code = 'INVALID_PERSON_REF';
  constructor() {
    super('The person reference is not valid: it was not issued by this federation.');
    this.name = 'InvalidPersonRefError';
  }
}

export interface Identity {
  /** Person.key: stable, pseudonymous, not reversible without the secret. */
  personKey(normalisedIdNumber: string): string;
  /** The reference sent to the regions in entity representations. */
  sealPersonRef(normalisedIdNumber: string): string;
  /** @throws InvalidPersonRefError when the reference was not sealed with this secret. */
  openPersonRef(ref: string): string;
}

function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'xjzc-federation', purpose, 32));
}

export function createIdentity(secret: string): Identity {
  const keyForPersonKey = deriveKey(secret, 'person-key');
  const keyForIv = deriveKey(secret, 'person-ref-iv');
  const keyForSealing = deriveKey(secret, 'person-ref-seal');

  return {
    personKey(normalised) {
      return createHmac('sha256', keyForPersonKey).update(normalised).digest('base64url');
    },
    sealPersonRef(normalised) {
      // A synthetic IV (an HMAC of the plaintext, as in SIV) keeps the reference deterministic
      // without ever reusing an IV for two different plaintexts.
      const iv = createHmac('sha256', keyForIv).update(normalised).digest().subarray(0, 12);
      const cipher = createCipheriv('aes-256-gcm', keyForSealing, iv);
      const sealed = Buffer.concat([cipher.update(normalised, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    openPersonRef(ref) {
      const raw = Buffer.from(ref, 'base64url');
      if (raw.length < 29) throw new InvalidPersonRefError();
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyForSealing, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        throw new InvalidPersonRefError();
      }
    },
  };
}
