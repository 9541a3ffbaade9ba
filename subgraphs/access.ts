/**
 * Who may read what, enforced in the subgraphs themselves: @apollo/gateway enforces no
 * authorization directive, and a subgraph
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
import type { StatisticsGroup } from '../domain/types.js';
import { perturbCount } from './perturbation.js';

export interface AccessContext {
  principal: Principal;
  log: Logger;
}

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

/**
 * Statistics rows as the caller may see them (DERIVED_OUTPUTS.statistics): exact, or perturbed by
 * the cell-key method (subgraphs/perturbation.ts). A perturbed answer needs every group's
 * cell key; one without is refused rather than published exact (fail closed). A group perturbed
 * to 0 is left out of a grouped answer, as an empty group is; the ungrouped total always has its
 * row, as SQL gives it even when 0.
 */
/** A statistics row as the graph answers it (StatisticsRow). */
export type PublishedRow = Omit<StatisticsGroup, 'cellKey'> & { region: string | null; suppressed: false; perturbed: boolean };

export function publishStatistics(
  rows: ReadonlyArray<StatisticsGroup & { region: string | null }>,
  how: { perturbed: boolean; grouped: boolean },
): PublishedRow[] {
  return rows.flatMap(({ cellKey, ...row }): PublishedRow[] => {
    if (!how.perturbed) return [{ ...row, suppressed: false, perturbed: false }];
    if (cellKey === undefined) throw new Error('a perturbed statistics answer needs the cell key of every group');
    const count = perturbCount(row.count, cellKey);
    return count === 0 && how.grouped ? [] : [{ ...row, count, suppressed: false, perturbed: true }];
  });
}
