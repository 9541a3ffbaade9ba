/**
 * Who may read what, enforced in the subgraphs themselves: @apollo/gateway enforces no
 * authorization directive (../shared/DESIGN.md, "Gateway facts worth knowing"), and a subgraph
 * must not rely on the gateway having filtered anything. The caller is the principal of the
 * gateway's token (platform/auth.ts). A denied field answers FORBIDDEN (null, with the rest of the
 * answer kept), and each denial is logged with the role, the regions and the field: never a person.
 *
 * The rules (issue 5). ID numbers are sensitive personal information under the Personal
 * Information Protection Law (个人信息保护法 第二十八条), so they are never readable by anyone
 * (Person.idNumberMasked only); the rest is need-to-know:
 * - `analyst`: every region, blind as in 盲评 (the notices: name and employer are masked from
 *   reviewers), so PersonProfile.name and .employer are refused.
 * - `portal`: bound to its region. It looks people up and runs the annual-review check; it reads
 *   its own region in full, and of another region's applications only region, year, reviewKind and
 *   status. Another region's profile, qualifications, integrity records and assessments are
 *   refused: the issue grants a portal nothing else of another region, so it is refused (fail closed).
 * - `dashboard`: statistics only, every count below 5 suppressed (small-cell suppression), so no
 *   cell can single out a person.
 */
import { GraphQLError, Kind, parse, type GraphQLResolveInfo, type ObjectTypeDefinitionNode } from 'graphql';
import type { Principal, Role } from '../platform/auth.js';
import { ErrorCode } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { SHARED_SDL } from '../schema/sdl.js';

export interface AccessContext {
  principal: Principal;
  log: Logger;
}

/** Smallest count a dashboard sees; smaller ones answer `count: null, suppressed: true`. */
export const SMALL_CELL_THRESHOLD = 5;

/** What a portal may read of another region's applications. */
export const APPLICATION_SUMMARY_FIELDS: ReadonlySet<string> = new Set(['region', 'year', 'reviewKind', 'status']);

/** Every other field of the shared Application type, read from the SDL so a new field is refused by default. */
export const APPLICATION_DETAIL_FIELDS: readonly string[] = (() => {
  const type = parse(SHARED_SDL).definitions.find(
    (node): node is ObjectTypeDefinitionNode => node.kind === Kind.OBJECT_TYPE_DEFINITION && node.name.value === 'Application',
  );
  return (type?.fields ?? []).map((field) => field.name.value).filter((name) => !APPLICATION_SUMMARY_FIELDS.has(name));
})();

/** Fields an analyst may not read (盲评: name and employer are masked). */
export const BLIND_PROFILE_FIELDS = ['name', 'employer'] as const;

/** Denials already logged per request: one line per field and reason, not one per list item. */
const logged = new WeakMap<object, Set<string>>();

/**
 * The FORBIDDEN error for one field, logged once per request. The log names the role, the
 * caller's region, the region of the data and the field; never a person, a key or a value.
 */
export function deny(context: AccessContext, info: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>, reason: string, dataRegion?: string): GraphQLError {
  const field = `${info.parentType.name}.${info.fieldName}`;
  const seen = logged.get(context) ?? new Set<string>();
  logged.set(context, seen);
  if (!seen.has(`${field}\0${reason}`)) {
    seen.add(`${field}\0${reason}`);
    context.log.warn(
      { event: 'access_denied', role: context.principal.role, principalRegion: context.principal.region ?? undefined, dataRegion, field },
      'access denied',
    );
  }
  return new GraphQLError(`Your role (${context.principal.role}) may not read ${field}: ${reason}`, {
    extensions: { code: ErrorCode.FORBIDDEN },
  });
}

/** Throws FORBIDDEN unless the caller has one of `roles`. */
export function requireRole(context: AccessContext, info: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>, roles: readonly Role[]): void {
  if (!roles.includes(context.principal.role)) {
    throw deny(context, info, `it is open to ${roles.join(' and ')} only.`);
  }
}

/** A portal reads another region only as far as the rules above allow. */
export function isOtherRegionPortal(principal: Principal, dataRegion: string): boolean {
  return principal.role === 'portal' && principal.region !== dataRegion;
}

/**
 * Application objects handed to the province's cross-region rules through the @inaccessible
 * `applicationsForProvince`: clients cannot select that field, so their detail is read only by the
 * province, which applies the same rule to what it returns.
 */
const FULL_DETAIL = Symbol('applicationForProvince');

export function forProvince<T extends object>(applications: readonly T[] | null): T[] | null {
  return applications && applications.map((application) => ({ ...application, [FULL_DETAIL]: true }));
}

type FieldResolver<TContext> = (parent: Record<string, unknown>, args: unknown, context: TContext, info: GraphQLResolveInfo) => unknown;

/**
 * Resolvers for every detail field of Application: another region's portal gets FORBIDDEN, anyone
 * else the value (from `base`'s resolver where it has one, else the property).
 */
export function applicationResolvers<TContext extends AccessContext>(
  base: Readonly<Record<string, FieldResolver<TContext>>> = {},
): Record<string, FieldResolver<TContext>> {
  return Object.fromEntries(
    APPLICATION_DETAIL_FIELDS.map((field) => [
      field,
      (parent: Record<string, unknown>, args: unknown, context: TContext, info: GraphQLResolveInfo) => {
        const region = String(parent.region);
        if (!(FULL_DETAIL in parent) && isOtherRegionPortal(context.principal, region)) {
          throw deny(context, info, "a portal reads only region, year, reviewKind and status of another region's applications.", region);
        }
        const resolve = base[field];
        return resolve ? resolve(parent, args, context, info) : parent[field];
      },
    ]),
  );
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
