/**
 * The browser pages the gateway serves, every byte from its own origin (issue 15: an intranet with
 * no internet, where Apollo's CDN and Google's fonts do not load):
 * - /dashboard: charts for the dashboard role (gateway/web/dashboard.*, Apache ECharts' prebuilt
 *   bundle from node_modules);
 * - /workbench: GraphiQL for analysts (its prebuilt UMD files and React's, from node_modules);
 * - /assets/…: those files, an allowlist, nothing else of the disk;
 * - /dev/token: a development token for the pages, only when NODE_ENV=development.
 * Both pages read only through POST /graphql with the token the user gives them.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APPLICATION_STATUSES, REVIEW_KINDS, TITLE_LEVELS, TITLE_SERIES } from '../domain/codes.js';
import { REGIONS } from '../domain/regions.js';
import type { AuthConfig } from '../platform/config.js';
import { shippedManifest } from '../platform/operationManifest.js';
import { mintDevelopmentToken } from './developmentToken.js';

const require = createRequire(import.meta.url);
const WEB = path.join(path.dirname(fileURLToPath(import.meta.url)), 'web');
// From each package's root rather than a subpath: the prebuilt files are not all in `exports`.
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** Only same-origin code, data and connections; inline styles for the charts' and GraphiQL's own elements. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

interface Asset {
  type: string;
  file: string;
}

/** The code lists' Chinese labels for the dashboard, from domain/codes.ts and domain/regions.ts: one source. */
function labelsScript(): string {
  const labels = {
    regions: REGIONS.map((region) => ({ code: region.code, name: region.name })),
    level: Object.fromEntries(Object.entries(TITLE_LEVELS).map(([key, value]) => [key, value.label])),
    series: TITLE_SERIES,
    reviewKind: REVIEW_KINDS,
    status: APPLICATION_STATUSES,
  };
  return `window.XJZC_LABELS = ${JSON.stringify(labels)};\n`;
}

/**
 * The dashboard role's operations by name, from the shipped manifest (operations/dashboard/*.graphql):
 * the page sends these texts exactly, so that TRUSTED_DOCUMENTS=enforce lets it through.
 */
function operationsScript(): string {
  const dashboard = shippedManifest().operations.filter((operation) => operation.roles.includes('dashboard'));
  return `window.XJZC_OPERATIONS = ${JSON.stringify(Object.fromEntries(dashboard.map((operation) => [operation.name, operation.body])))};\n`;
}

export function createPageRoutes(options: { auth: AuthConfig; developmentTokens: boolean }) {
  const assets: Record<string, Asset> = {
    'dashboard.js': { type: 'text/javascript', file: path.join(WEB, 'dashboard.js') },
    'dashboard.css': { type: 'text/css', file: path.join(WEB, 'dashboard.css') },
    'token.js': { type: 'text/javascript', file: path.join(WEB, 'token.js') },
    'workbench.js': { type: 'text/javascript', file: path.join(WEB, 'workbench.js') },
    'workbench.css': { type: 'text/css', file: path.join(WEB, 'workbench.css') },
    'echarts.min.js': { type: 'text/javascript', file: require.resolve('echarts/dist/echarts.min.js') },
    // graphiql is pinned to 3.8.3 in package.json: its last line with a prebuilt UMD bundle at the package root.
    'graphiql.min.js': { type: 'text/javascript', file: path.join(packageDir('graphiql'), 'graphiql.min.js') },
    'graphiql.min.css': { type: 'text/css', file: path.join(packageDir('graphiql'), 'graphiql.min.css') },
    'react.production.min.js': { type: 'text/javascript', file: path.join(packageDir('react'), 'umd', 'react.production.min.js') },
    'react-dom.production.min.js': { type: 'text/javascript', file: path.join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js') },
  };
  const pages: Record<string, string> = {
    '/dashboard': path.join(WEB, 'dashboard.html'),
    '/workbench': path.join(WEB, 'workbench.html'),
  };
  // Read once: the files are part of the release, and a page load then costs no disk I/O.
  const cache = new Map<string, Buffer>();
  const read = (file: string) => {
    let body = cache.get(file);
    if (!body) {
      body = readFileSync(file);
      cache.set(file, body);
    }
    return body;
  };
  const labels = Buffer.from(labelsScript(), 'utf8');
  const operations = Buffer.from(operationsScript(), 'utf8');

  const send = (res: ServerResponse, type: string, body: Buffer | string, cacheControl = 'no-cache') => {
    res.statusCode = 200;
    res.setHeader('content-type', `${type}; charset=utf-8`);
    res.setHeader('cache-control', cacheControl);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('referrer-policy', 'no-referrer');
    res.end(body);
  };

  return function route(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = new URL(req.url ?? '/', 'http://gateway');
    const pathname = url.pathname.replace(/\/$/, '') || '/';
    const page = pages[pathname];
    if (page) {
      // The page shows its "development token" button only where /dev/token answers.
      const html = read(page).toString('utf8').replace('data-dev-tokens="false"', `data-dev-tokens="${options.developmentTokens}"`);
      send(res, 'text/html', html);
      return true;
    }
    if (pathname === '/assets/labels.js') {
      send(res, 'text/javascript', labels);
      return true;
    }
    if (pathname === '/assets/operations.js') {
      send(res, 'text/javascript', operations);
      return true;
    }
    if (pathname.startsWith('/assets/')) {
      const asset = assets[pathname.slice('/assets/'.length)];
      if (!asset) return false;
      send(res, asset.type, read(asset.file), 'public, max-age=3600');
      return true;
    }
    if (pathname === '/dev/token' && options.developmentTokens) {
      const role = url.searchParams.get('role') ?? 'dashboard';
      if (role !== 'dashboard' && role !== 'analyst') {
        res.statusCode = 400;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ errors: [{ message: 'role must be dashboard or analyst.', extensions: { code: 'BAD_USER_INPUT' } }] }));
        return true;
      }
      mintDevelopmentToken(options.auth, { role, subject: `dev-${role}-page`, expiresIn: '8h' })
        .then((token) => send(res, 'text/plain', token, 'no-store'))
        .catch(() => {
          res.statusCode = 404;
          res.end();
        });
      return true;
    }
    return false;
  };
}
