/**
 * The operations shipped for portals and dashboards (operations/<role>/*.graphql) and their
 * manifest: the checked-in manifest is what `npm run operations` writes from the files, each id is
 * the SHA-256 of its body, and every operation is valid against the API schema clients see.
 */
import { readFileSync } from 'node:fs';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../../gateway/server.js';
import { buildOperationManifest, loadOperationManifest, sha256Hex } from '../../platform/operationManifest.js';

describe('the operation manifest', () => {
  it('is the one `npm run operations` writes from operations/*/*.graphql (run it after changing one)', () => {
    expect(loadOperationManifest()).toEqual(buildOperationManifest());
  });

  it('names each operation by the SHA-256 of its body, for the portal and dashboard roles', () => {
    const manifest = loadOperationManifest();
    expect(manifest.operations.map((operation) => operation.name)).toEqual(expect.arrayContaining(['AnnualReviewCheck', 'EligibilityCheck', 'RegionStatistics']));
    for (const operation of manifest.operations) {
      expect(operation.id).toBe(sha256Hex(operation.body));
      expect(operation.roles.every((role) => ['portal', 'dashboard'].includes(role))).toBe(true);
    }
  });

  it('holds only operations valid against the API schema', () => {
    // Printed and rebuilt: federation-internals may load another copy of graphql-js than this file.
    const schema = buildSchema(printSchema(Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema()));
    for (const operation of loadOperationManifest().operations) {
      expect(validate(schema, parse(operation.body)).map((error) => error.message), operation.name).toEqual([]);
    }
  });
});
