// Writes operations/manifest.json from operations/<role>/*.graphql (`npm run operations`).
import { writeFileSync } from 'node:fs';
import { buildOperationManifest, MANIFEST_PATH } from '../platform/operationManifest.js';

const manifest = buildOperationManifest();
writeFileSync(MANIFEST_PATH, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${MANIFEST_PATH} (${manifest.operations.length} operations)`);
