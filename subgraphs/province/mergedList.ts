/**
 * One list of applications across every region (`Query.applications`), merged in one order,
 * newest submission first by default, with one opaque cursor.
 *
 * Federation cannot merge lists of several subgraphs in an order, so the province does it: it
 * calls each region's @inaccessible `applicationsInSubmissionOrder` itself (an `_entities` call on
 * the region's `<Prefix>Region`, with the gateway's token for the caller that it received), each
 * region answers a keyset page after the position (subgraphs/template/submissionOrder.ts), and the
 * province merges the k sorted pages. A page therefore costs k index range scans of `first + 1`
 * rows, however deep it is.
 *
 * Access: as in the regions. Dashboards get no lists, and a portal's list holds its own region's
 * applications only (DERIVED_OUTPUTS.lists): another region's rows, even as summaries, would give
 * its exact counts and, by their place in the order, its submission times.
 * A region that does not answer is left out, named in `missingRegions` and in an error
 * (REGION_UNAVAILABLE), and `complete` is false; its rows are never presented as absent.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Kind, type FieldNode, type GraphQLResolveInfo } from 'graphql';
import type { RegionDefinition } from '../../domain/regions.js';
import type { Application } from '../../domain/types.js';
import { ErrorCode, userInputError } from '../../platform/errors.js';
import { checkPageSize, checkYear } from '../../platform/input.js';
import { requireReadableFilter } from '../access.js';
import { derivedFor } from '../accessMatrix.js';
import { fullSelection, regionTypeName } from '../../schema/sdl.js';
import type { SubmissionPosition } from '../../domain/types.js';
import type { ProvinceContext } from './schema.js';
import { RegionCallError, type GraphQLAnswer, type RegionClient } from './regionClient.js';


export interface MergedListArgs {
  filter?: Record<string, unknown> | null;
  orderBy?: 'SUBMITTED_AT_DESC' | 'SUBMITTED_AT_ASC' | null;
  first?: number | null;
  after?: string | null;
}

interface OrderedRow {
  region: string;
  rank: number;
  micros: bigint | null;
  localId: string;
  node: Application;
}

interface RegionPage {
  rows: OrderedRow[];
  totalCount: number | null;
}

class RegionFailure extends Error {
  constructor(
    readonly region: string,
    readonly reason: string,
    readonly clientError?: { code: string; message: string },
  ) {
    super(`${region}: ${reason}`);
  }
}

/** Sealed cursors: AES-256-GCM, so that a portal cannot read another region's submission time or key from one. */
function cursorSealer(secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, 'xjzc-federation', 'merged-list-cursor', 32));
  return {
    seal(payload: unknown): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    open(cursor: string): unknown {
      const raw = Buffer.from(cursor, 'base64url');
      if (raw.length < 29 || cursor.length > 1000) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
      } catch {
        return undefined;
      }
    },
  };
}

interface CursorPayload {
  /** Order: D newest first, A oldest first. */
  o: 'D' | 'A';
  /** Digest of the filter: a cursor belongs to one list. */
  f: string;
  m: string | null;
  r: string;
  k: string;
}

function isCursorPayload(value: unknown): value is CursorPayload {
  const v = value as Partial<CursorPayload> | null;
  return (
    typeof v === 'object' && v !== null && (v.o === 'D' || v.o === 'A') && typeof v.f === 'string' &&
    (v.m === null || typeof v.m === 'string') && typeof v.r === 'string' && typeof v.k === 'string'
  );
}

/** The filter in a canonical form (keys sorted, lists sorted), hashed. */
function filterDigest(filter: Record<string, unknown>): string {
  const canonical = Object.keys(filter)
    .sort()
    .filter((key) => filter[key] !== null && filter[key] !== undefined)
    .map((key) => [key, Array.isArray(filter[key]) ? [...(filter[key] as unknown[])].map(String).sort() : filter[key]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 16);
}

/** Whether the client selected `field` on the connection (totalCount costs a COUNT in every region). */
function selects(info: GraphQLResolveInfo, field: string): boolean {
  const visit = (nodes: readonly FieldNode[]): boolean =>
    nodes.some((node) =>
      (node.selectionSet?.selections ?? []).some((selection) => {
        if (selection.kind === Kind.FIELD) return selection.name.value === field;
        if (selection.kind === Kind.INLINE_FRAGMENT) return visit([{ ...node, selectionSet: selection.selectionSet }]);
        const fragment = info.fragments[selection.name.value];
        return fragment ? visit([{ ...node, selectionSet: fragment.selectionSet }]) : false;
      }),
    );
  return visit(info.fieldNodes);
}

/** Newest first: dated before undated, later instant first, then registry order. Oldest first: the reverse. */
function compareRows(a: OrderedRow, b: OrderedRow, descending: boolean): number {
  let order: number;
  if (a.micros === null || b.micros === null) {
    order = a.micros === b.micros ? 0 : a.micros === null ? 1 : -1;
  } else {
    order = a.micros === b.micros ? 0 : a.micros > b.micros ? -1 : 1;
  }
  if (order === 0) order = a.rank - b.rank;
  return descending ? order : -order;
}

/** k-way merge of sorted pages: each page is already in the order, so only their heads are compared. */
export function mergePages(pages: readonly OrderedRow[][], descending: boolean, take: number): { rows: OrderedRow[]; more: boolean } {
  const heads = pages.map(() => 0);
  const rows: OrderedRow[] = [];
  while (rows.length < take) {
    let best = -1;
    pages.forEach((page, index) => {
      const head = page[heads[index]!];
      if (head && (best < 0 || compareRows(head, pages[best]![heads[best]!]!, descending) < 0)) best = index;
    });
    if (best < 0) break;
    rows.push(pages[best]![heads[best]!]!);
    heads[best]! += 1;
  }
  return { rows, more: pages.some((page, index) => heads[index]! < page.length) };
}

export function createMergedList(regions: readonly RegionDefinition[], client: RegionClient, identitySecret: string) {
  const cursors = cursorSealer(identitySecret);
  const selection = fullSelection('Application');

  async function fetchRegion(
    region: RegionDefinition,
    rank: number,
    variables: { filter: Record<string, unknown>; descending: boolean; first: number; after: SubmissionPosition | null },
    withTotal: boolean,
    context: ProvinceContext,
  ): Promise<RegionPage> {
    const query = `query MergedApplications__${region.code}($representations: [_Any!]!, $filter: ApplicationFilter, $descending: Boolean!, $first: Int!, $after: SubmissionPosition) {
  _entities(representations: $representations) {
    ... on ${regionTypeName(region)} {
      applicationsInSubmissionOrder(filter: $filter, descending: $descending, first: $first, after: $after) {
        ${withTotal ? 'totalCount' : ''}
        edges { cursor node { ${selection} } }
      }
    }
  }
}`;
    type Page = { totalCount?: number; edges: Array<{ cursor: string; node: Application }> };
    let body: GraphQLAnswer<{ _entities?: Array<{ applicationsInSubmissionOrder?: Page | null } | null> }>;
    try {
      body = await client.post(region, context.internalToken, context.requestId, query, { ...variables, representations: [{ __typename: regionTypeName(region), code: region.code }] });
    } catch (error) {
      throw new RegionFailure(region.code, error instanceof RegionCallError ? error.reason : 'UNREACHABLE');
    }
    const page = body.data?._entities?.[0]?.applicationsInSubmissionOrder;
    const firstError = body.errors?.[0];
    const code = typeof firstError?.extensions?.code === 'string' ? firstError.extensions.code : undefined;
    if (code === ErrorCode.INVALID_CURSOR || code === ErrorCode.BAD_USER_INPUT || code === ErrorCode.FORBIDDEN) {
      throw new RegionFailure(region.code, code, { code, message: firstError?.message ?? code });
    }
    if (!page || firstError) throw new RegionFailure(region.code, code ?? 'NO_ANSWER');
    return {
      totalCount: typeof page.totalCount === 'number' ? page.totalCount : null,
      rows: page.edges.map((edge) => {
        const [micros, localId] = JSON.parse(edge.cursor) as [string | null, string];
        return { region: region.code, rank, micros: micros === null ? null : BigInt(micros), localId, node: edge.node };
      }),
    };
  }

  async function resolve(args: MergedListArgs, context: ProvinceContext, info: GraphQLResolveInfo) {
    // Dashboards never get here: the access matrix grants Query.applications to analysts and portals.
    const first = checkPageSize('first', args.first);
    const descending = (args.orderBy ?? 'SUBMITTED_AT_DESC') === 'SUBMITTED_AT_DESC';
    const filter = args.filter ?? {};
    checkYear('filter.year', filter.year as number | null | undefined);
    // The regions whose applications the caller may list; a filter reads the field it filters on,
    // each region's rule for the caller, as in Region.applications.
    const listed = regions.filter((region) => derivedFor('lists', context.principal, region.code) !== 'REFUSED');
    for (const region of listed) requireReadableFilter(context, region.code, filter);
    const digest = filterDigest(filter);
    let after: SubmissionPosition | null = null;
    if (args.after) {
      const payload = cursors.open(args.after);
      if (!isCursorPayload(payload) || payload.o !== (descending ? 'D' : 'A') || payload.f !== digest || !listed.some((r) => r.code === payload.r)) {
        throw userInputError(ErrorCode.INVALID_CURSOR, 'The cursor is not one this list issued (same filter and order); start again without "after".');
      }
      after = { submittedAtMicros: payload.m, region: payload.r, localId: payload.k };
    }
    const withTotal = selects(info, 'totalCount');
    const settled = await Promise.allSettled(
      listed.map((region, rank) => fetchRegion(region, rank, { filter, descending, first: first + 1, after }, withTotal, context)),
    );
    const pages: OrderedRow[][] = [];
    const missing: RegionFailure[] = [];
    let totalCount = 0;
    settled.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') {
        pages.push(outcome.value.rows);
        totalCount += outcome.value.totalCount ?? 0;
        return;
      }
      const failure = outcome.reason instanceof RegionFailure ? outcome.reason : new RegionFailure(listed[index]!.code, 'UNREACHABLE');
      // The client's own mistake (a forged position, a bad filter value) is the client's error, not a region outage.
      if (failure.clientError) throw userInputError(failure.clientError.code as ErrorCode, failure.clientError.message);
      missing.push(failure);
    });
    for (const failure of missing) {
      context.log.warn({ event: 'region_unavailable', region: failure.region, reason: failure.reason }, 'a region did not answer the merged list');
      context.extraErrors.push({
        message: `Region ${failure.region} did not answer; its applications are missing from this list.`,
        path: [...pathOf(info)],
        extensions: { code: ErrorCode.REGION_UNAVAILABLE, region: failure.region, reason: failure.reason },
      });
    }
    const { rows, more } = mergePages(pages, descending, first);
    const edges = rows.map((row) => ({
      cursor: cursors.seal({ o: descending ? 'D' : 'A', f: digest, m: row.micros === null ? null : row.micros.toString(), r: row.region, k: row.localId } satisfies CursorPayload),
      node: row.node,
    }));
    return {
      edges,
      pageInfo: { hasNextPage: more, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
      complete: missing.length === 0,
      missingRegions: missing.map((failure) => failure.region),
    };
  }

  return { resolve };
}

function pathOf(info: GraphQLResolveInfo): Array<string | number> {
  const path: Array<string | number> = [];
  for (let at: GraphQLResolveInfo['path'] | undefined = info.path; at; at = at.prev) path.unshift(at.key);
  return path;
}
