/**
 * GET /export/applications.csv: the merged application list (Query.applications) as CSV, for
 * analysts and portals who open it in Excel. It runs the same GraphQL operation a client would,
 * through the gateway's own request pipeline with the caller's token, so the masking is the API's:
 * a field the caller may not read is an empty cell. It is streamed page by page (200 rows), never
 * built in memory, and waits for the client to drain each page before reading the next.
 *
 * UTF-8 with a byte-order mark, so that Excel reads Chinese text as UTF-8. Cells that a
 * spreadsheet would run as a formula (=, +, -, @) are prefixed with an apostrophe (OWASP's
 * advice on CSV injection); only portal text (specialty, batch codes) can start with one.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { RequestInfo } from '../platform/http.js';
import { clientMessage } from '../platform/redact.js';
import type { GatewayRequestContext } from './server.js';

export const CSV_PAGE_SIZE = 200;

/** Columns: the Application fields, in this order, under these headings (Chinese, then the field name). */
export const CSV_COLUMNS = [
  ['id', '申报编号 id'],
  ['region', '地区 region'],
  ['localId', '本地编号 localId'],
  ['batchCode', '批次 batchCode'],
  ['year', '年度 year'],
  ['series', '系列 series'],
  ['specialty', '专业 specialty'],
  ['level', '级别 level'],
  ['levelCode', '级别代码 levelCode'],
  ['levelLabel', '级别名称 levelLabel'],
  ['reviewKind', '评审类别 reviewKind'],
  ['status', '状态 status'],
  ['submissionCount', '提交次数 submissionCount'],
  ['submittedAt', '最后提交时间 submittedAt'],
  ['returnCount', '退回次数 returnCount'],
  ['defence', '答辩 defence'],
  ['feePaidFen', '缴费(分) feePaidFen'],
  ['countsTowardAnnualLimit', '计入年度评审 countsTowardAnnualLimit'],
] as const;

const QUERY = /* GraphQL */ `
  query ExportApplications($filter: ApplicationFilter, $orderBy: ApplicationOrder, $first: Int, $after: String) {
    applications(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      complete
      missingRegions
      pageInfo { hasNextPage endCursor }
      edges { node { ${CSV_COLUMNS.map(([field]) => field).join(' ')} } }
    }
  }
`;

type Row = Record<string, unknown>;

interface PageData {
  applications: {
    complete: boolean;
    missingRegions: string[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ node: Row }>;
  } | null;
}

/** The list filters as query parameters: `year=2024&level=INTERMEDIATE,JUNIOR&orderBy=SUBMITTED_AT_ASC`. */
const LIST_PARAMETERS = ['series', 'specialty', 'level', 'reviewKind', 'status'] as const;

/** Longest value of one list parameter (a specialty, a level): longer is refused, never echoed. */
export const MAX_PARAMETER_VALUE = 100;

class ExportRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, for a refusal the caller may retry later (RATE_LIMITED, OVERLOADED). */
    readonly retryAfter?: string,
  ) {
    super(message);
  }
}

export function filterFromQuery(search: URLSearchParams): { filter: Record<string, unknown>; orderBy: string } {
  const filter: Record<string, unknown> = {};
  const year = search.get('year');
  if (year !== null && year !== '') {
    if (!/^[0-9]{4}$/.test(year)) throw new ExportRequestError(400, 'BAD_USER_INPUT', '"year" must be a four-digit year.');
    filter.year = Number(year);
  }
  for (const name of LIST_PARAMETERS) {
    const values = search.getAll(name).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
    if (values.some((value) => value.length > MAX_PARAMETER_VALUE)) {
      throw new ExportRequestError(400, 'BAD_USER_INPUT', `"${name}" values may be at most ${MAX_PARAMETER_VALUE} characters.`);
    }
    if (values.length > 0) filter[name] = values;
  }
  const orderBy = search.get('orderBy') ?? 'SUBMITTED_AT_DESC';
  if (orderBy.length > MAX_PARAMETER_VALUE) throw new ExportRequestError(400, 'BAD_USER_INPUT', `"orderBy" may be at most ${MAX_PARAMETER_VALUE} characters.`);
  return { filter, orderBy };
}

/** One CSV cell: quoted where needed, formula-looking text defused. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (cells: readonly unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

function sendJsonError(res: ServerResponse, status: number, code: string, message: string, retryAfter?: string): void {
  res.statusCode = status;
  if (retryAfter) res.setHeader('retry-after', retryAfter);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message: clientMessage(message), extensions: { code } }] }));
}

/** The status a refused page gets, as the GraphQL endpoint would give it for the same code. */
const REFUSAL_STATUS: Readonly<Record<string, number>> = {
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  BAD_USER_INPUT: 400,
  INVALID_CURSOR: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  // The admission plugin's refusals (gateway/admission.ts), with its Retry-After.
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  OPERATION_NOT_TRUSTED: 403,
};

function refusal(errors: readonly GraphQLFormattedError[], retryAfter: string | undefined): ExportRequestError {
  const first = errors[0];
  const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
  const status = REFUSAL_STATUS[code] ?? 502;
  return new ExportRequestError(status, code, first?.message ?? 'The list could not be read.', status === 429 || status === 503 ? (retryAfter ?? '1') : undefined);
}

export function createCsvExport(deps: {
  apollo: ApolloServer<GatewayRequestContext>;
  context: (info: RequestInfo) => Promise<GatewayRequestContext>;
}) {
  async function page(contextValue: GatewayRequestContext, variables: Record<string, unknown>): Promise<NonNullable<PageData['applications']>> {
    const response = await deps.apollo.executeOperation<PageData>({ query: QUERY, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new ExportRequestError(502, 'INTERNAL_SERVER_ERROR', 'Unexpected incremental answer.');
    const { data, errors } = response.body.singleResult;
    // FORBIDDEN on single fields is the masking (empty cells); anything else without a list refuses.
    if (!data?.applications) throw refusal(errors ?? [], response.http.headers.get('retry-after') ?? undefined);
    return data.applications;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> {
    let aborted = false;
    res.on('close', () => (aborted = !res.writableFinished));
    let context: GatewayRequestContext;
    try {
      context = await deps.context(info);
    } catch (error) {
      const code = error instanceof GraphQLError && typeof error.extensions.code === 'string' ? error.extensions.code : 'UNAUTHENTICATED';
      const status = error instanceof GraphQLError && typeof (error.extensions.http as { status?: number } | undefined)?.status === 'number'
        ? (error.extensions.http as { status: number }).status
        : 401;
      // AUTH_UNAVAILABLE's Retry-After, as the GraphQL endpoint sends it.
      const retryAfter = error instanceof GraphQLError ? (error.extensions.http as { headers?: Map<string, string> } | undefined)?.headers?.get('retry-after') : undefined;
      sendJsonError(res, status, code, error instanceof Error ? error.message : 'Not authenticated.', retryAfter);
      return;
    }
    try {
      const { filter, orderBy } = filterFromQuery(new URL(req.url ?? '/', 'http://gateway').searchParams);
      let current = await page(context, { filter, orderBy, first: CSV_PAGE_SIZE });
      const missingAtStart = new Set(current.missingRegions);
      res.statusCode = 200;
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', 'attachment; filename="applications.csv"');
      res.setHeader('cache-control', 'no-store');
      // Said before the first byte: the download holds every region, or these are missing from it.
      res.setHeader('x-complete', String(current.complete));
      res.setHeader('x-missing-regions', current.missingRegions.join(','));
      res.write(`\uFEFF${csvLine(CSV_COLUMNS.map(([, heading]) => heading))}`);
      let rows = 0;
      for (;;) {
        const chunk = current.edges.map((edge) => csvLine(CSV_COLUMNS.map(([field]) => edge.node[field]))).join('');
        rows += current.edges.length;
        if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        if (aborted || !current.pageInfo.hasNextPage) break;
        current = await page(context, { filter, orderBy, first: CSV_PAGE_SIZE, after: current.pageInfo.endCursor });
        // A region that stops answering half-way would leave a hole the headers did not announce:
        // the download fails rather than look complete.
        if (current.missingRegions.some((region) => !missingAtStart.has(region))) {
          context.log.warn({ event: 'export_aborted', rows, missingRegions: current.missingRegions }, 'a region stopped answering during a CSV export');
          res.destroy(new Error('A region stopped answering during the export.'));
          return;
        }
      }
      context.log.info({ event: 'export', rows, complete: missingAtStart.size === 0 }, 'CSV export');
      res.end();
    } catch (error) {
      if (res.headersSent) {
        context.log.warn({ event: 'export_aborted', type: error instanceof Error ? error.name : typeof error }, 'CSV export failed half-way');
        res.destroy();
        return;
      }
      if (error instanceof ExportRequestError) {
        sendJsonError(res, error.status, error.code, error.message, error.retryAfter);
        return;
      }
      context.log.error({ event: 'export_failed', type: error instanceof Error ? error.name : typeof error }, 'CSV export failed');
      sendJsonError(res, 500, 'INTERNAL_SERVER_ERROR', 'The export failed.');
    }
  }

  return {
    /** Takes GET /export/applications.csv. */
    route(req: IncomingMessage, res: ServerResponse, info: RequestInfo): boolean {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/export/applications.csv') return false;
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        sendJsonError(res, 405, 'METHOD_NOT_ALLOWED', 'Use GET.');
        return true;
      }
      void handle(req, res, info);
      return true;
    },
  };
}
