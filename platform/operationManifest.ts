/**
 * The operations the project ships for the roles whose questions are fixed (portals, dashboards):
 * `operations/<role>/<Name>.graphql`, and the manifest generated from them
 * (`operations/manifest.json`, `npm run operations`), in the format of Apollo's persisted query
 * manifests: each operation's id is the SHA-256 of its printed body, the hash a client sends as
 * `extensions.persistedQuery.sha256Hash` (or as `documentId`). The gateway's trusted-documents
 * check reads it, and the metrics take their operation names from it (any other name is `other`).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';

export const OPERATIONS_DIR = fileURLToPath(new URL('../operations/', import.meta.url));
export const MANIFEST_PATH = path.join(OPERATIONS_DIR, 'manifest.json');

export interface ManifestOperation {
  /** SHA-256 of `body`, hex. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
  /** Roles that may send it (the folder it lives in). */
  roles: string[];
}

export interface OperationManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: ManifestOperation[];
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Reads every `operations/<role>/*.graphql` file; each holds exactly one named operation. */
export function buildOperationManifest(dir: string = OPERATIONS_DIR): OperationManifest {
  const operations: ManifestOperation[] = [];
  const byBody = new Map<string, ManifestOperation>();
  for (const role of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()) {
    for (const file of readdirSync(path.join(dir, role)).filter((name) => name.endsWith('.graphql')).sort()) {
      const document = parse(readFileSync(path.join(dir, role, file), 'utf8'));
      const definitions = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
      if (definitions.length !== 1 || !definitions[0]!.name) throw new Error(`${role}/${file} must hold exactly one named operation`);
      const body = print(document);
      const existing = byBody.get(body);
      if (existing) {
        existing.roles.push(role);
        continue;
      }
      const operation: ManifestOperation = { id: sha256Hex(body), name: definitions[0]!.name.value, type: definitions[0]!.operation, body, roles: [role] };
      if (operations.some((other) => other.name === operation.name)) throw new Error(`operation name ${operation.name} is used twice`);
      byBody.set(body, operation);
      operations.push(operation);
    }
  }
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

export function loadOperationManifest(file: string = MANIFEST_PATH): OperationManifest {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as OperationManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    throw new Error(`${file} is not a persisted query manifest (version 1)`);
  }
  return manifest;
}

let shipped: OperationManifest | undefined;

/** The manifest that ships with the project, read once. */
export function shippedManifest(): OperationManifest {
  shipped ??= loadOperationManifest();
  return shipped;
}

/** Operation names that may appear as metric labels. */
export function manifestOperationNames(manifest: OperationManifest = shippedManifest()): ReadonlySet<string> {
  return new Set(manifest.operations.map((operation) => operation.name));
}
