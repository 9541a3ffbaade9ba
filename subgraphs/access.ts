/**
 * Who may read what, enforced in the subgraphs themselves: @apollo/gateway enforces no
 * authorization directive (../shared/DESIGN.md, "Gateway facts worth knowing"), and a subgraph
 * must not rely on the gateway having filtered anything. The caller is the principal of the
 * gateway's token (platform/auth.ts). The rules are the access matrix (subgraphs/accessMatrix.ts,
 * docs/access.md), applied to every field of every subgraph by `withAccessMatrix`. A denied field
 * answers FORBIDDEN (null, with the rest of the answer kept), and each denial is logged with the
 * role, the regions and the field: never a person.
 */
import { GraphQLError, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { Principal } from '../platform/auth.js';
import { ErrorCode } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { derivedFor, enforceAccessMatrix, mayRead } from './accessMatrix.js';

export interface AccessContext {
  principal: Principal;
  log: Logger;
}

/** Smallest count a dashboard sees; smaller ones answer `count: null, suppressed: true`. */
export const SMALL_CELL_THRESHOLD = 5;

/** Denials already logged per request: one line per field and reason, not one per list item. */
const logged = new WeakMap<object, Set<string>>();

/**
 * The FORBIDDEN error for one field, logged once per request. The log names the role, the
 * caller's region, the region of the data and the field; never a person, a key or a value.
 */
export function deny(context: AccessContext, info: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>, reason: string, dataRegion?: string | null): GraphQLError {
  const field = `${info.parentType.name}.${info.fieldName}`;
  const seen = logged.get(context) ?? new Set<string>();
  logged.set(context, seen);
  if (!seen.has(`${field}\0${reason}`)) {
    seen.add(`${field}\0${reason}`);
    context.log.warn(
      { event: 'access_denied', role: context.principal.role, principalRegion: context.principal.region ?? undefined, dataRegion: dataRegion ?? undefined, field },
      'access denied',
    );
  }
  return new GraphQLError(`Your role (${context.principal.role}) may not read ${field}: ${reason}`, {
    extensions: { code: ErrorCode.FORBIDDEN },
  });
}

/**
 * FORBIDDEN for a derived output (a filter, an excluded application …) the matrix refuses the
 * caller, logged like a field denial. `what` names the argument, never its value.
 */
export function denyDerived(context: AccessContext, what: string, reason: string, dataRegion?: string | null): GraphQLError {
  const seen = logged.get(context) ?? new Set<string>();
  logged.set(context, seen);
  if (!seen.has(`${what}\0${reason}`)) {
    seen.add(`${what}\0${reason}`);
    context.log.warn(
      { event: 'access_denied', role: context.principal.role, principalRegion: context.principal.region ?? undefined, dataRegion: dataRegion ?? undefined, field: what },
      'access denied',
    );
  }
  return new GraphQLError(`Your role (${context.principal.role}) may not use ${what}: ${reason}`, {
    extensions: { code: ErrorCode.FORBIDDEN },
  });
}

/**
 * A filter answers by which rows match, so filtering on a field reads it (issue 11, item 4): every
 * field filtered on must be one the caller may read in that region (DERIVED_OUTPUTS.applicationFilters),
 * else FORBIDDEN rather than an answer by presence or absence. Keys are the Application fields
 * they filter; an unknown key is refused like an unreadable one.
 */
export function requireReadableFilter(context: AccessContext, dataRegion: string, filter: object): void {
  for (const [field, value] of Object.entries(filter)) {
    if (value === null || value === undefined) continue;
    if (!mayRead(context.principal, dataRegion, 'Application', field)) {
      throw denyDerived(context, `filter.${field}`, `a filter on a field answers only for those who may read it in ${dataRegion}.`, dataRegion);
    }
  }
}

/**
 * Naming an application to leave out of a verdict links it to the person when the verdict changes
 * (issue 11, item 4): only a caller who may read the application's id in its region may name it
 * (DERIVED_OUTPUTS.excludeApplication); a portal names its own region's applications only.
 */
export function requireNameableApplication(context: AccessContext, applicationId: string | null): void {
  if (applicationId === null) return;
  const region = applicationId.slice(0, Math.max(0, applicationId.indexOf(':')));
  if (derivedFor('excludeApplication', context.principal, region) !== 'ALLOWED') {
    throw denyDerived(context, 'excludeApplication', "a portal may leave out only an application of its own region; another region's application ids are not its to name.", region);
  }
}

/** Applies the access matrix to a subgraph's schema, refusing with `deny`. */
export function withAccessMatrix(schema: GraphQLSchema, ownRegion: string | null): GraphQLSchema {
  return enforceAccessMatrix<AccessContext>(schema, { ownRegion, refuse: (context, info, why, region) => deny(context, info, why, region) });
}

/** The dimensions of a statistics row a dashboard can group by within one region's answer. */
export type CellDimension = 'series' | 'specialty' | 'level' | 'reviewKind' | 'status';

/**
 * Statistics rows as a dashboard may see them: small-cell suppression, then complementary
 * (secondary) suppression within the answer.
 *
 * 1. Every count below SMALL_CELL_THRESHOLD is withheld (`count: null, suppressed: true`).
 * 2. A withheld cell must not be derivable by subtraction. For each grouped dimension, the rows
 *    that agree on every other dimension form a line, and the dashboard can read that line's total
 *    by asking again without the dimension. Wherever a line holds a withheld cell, at least two
 *    are withheld and together they count at least SMALL_CELL_THRESHOLD, so the difference of the
 *    total and the shown cells never pins one person down; the smallest shown cells are withheld
 *    too until that holds, and the lines are checked again until nothing changes.
 *
 * What this does not cover, by design of per-answer suppression: differences across review
 * years (one year against all years) and combinations of several answers. The closing note of
 * issue 5 names cell-key perturbation as the way to close those.
 */
export function suppressSmallCells<T extends { count: number | null } & Partial<Record<CellDimension, unknown>>>(
  principal: Principal,
  rows: T[],
  dimensions: readonly CellDimension[] = [],
): Array<T & { suppressed: boolean }> {
  if (principal.role !== 'dashboard') return rows.map((row) => ({ ...row, suppressed: false }));
  const count = (index: number) => rows[index]!.count ?? 0;
  const withheld = new Set(rows.flatMap((row, index) => (row.count !== null && row.count < SMALL_CELL_THRESHOLD ? [index] : [])));
  for (let changed = withheld.size > 0; changed; ) {
    changed = false;
    for (const dimension of dimensions) {
      const others = dimensions.filter((other) => other !== dimension);
      const lines = new Map<string, number[]>();
      rows.forEach((row, index) => {
        const key = JSON.stringify(others.map((other) => row[other] ?? null));
        const line = lines.get(key);
        if (line) line.push(index);
        else lines.set(key, [index]);
      });
      for (const line of lines.values()) {
        const hidden = line.filter((index) => withheld.has(index));
        if (hidden.length === 0) continue;
        const shown = line.filter((index) => !withheld.has(index)).sort((a, b) => count(a) - count(b));
        let hiddenTotal = hidden.reduce((sum, index) => sum + count(index), 0);
        let hiddenCells = hidden.length;
        while ((hiddenCells < 2 || hiddenTotal < SMALL_CELL_THRESHOLD) && shown.length > 0) {
          const next = shown.shift()!;
          withheld.add(next);
          hiddenCells += 1;
          hiddenTotal += count(next);
          changed = true;
        }
      }
    }
  }
  return rows.map((row, index) => (withheld.has(index) ? { ...row, count: null, suppressed: true } : { ...row, suppressed: false }));
}
