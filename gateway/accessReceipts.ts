/**
 * The gateway's half of access-log receipts (subgraphs/province/accessReceipts.ts): the province
 * may answer a person lookup before its access-log entry commits, and this gateway then holds the
 * client's answer until the province has confirmed every such entry.
 *
 * - Only for operations whose plan calls the province again after the calls that may look people
 *   up (the duplicate check: province → regions → province): those say so to the province
 *   (ACCESS_LOG_DEFERRAL_HEADER), and the entry commits while the regions are asked.
 * - Every receipt the province hands back (`extensions.accessLog.deferred`) goes with the next
 *   province call (ACCESS_LOG_RECEIPTS_HEADER), which confirms those committed.
 * - Before the answer leaves, any receipt still unconfirmed (the province died or timed out in
 *   between, the write failed) replaces the whole answer with ACCESS_LOG_UNAVAILABLE: no answered
 *   lookup without its committed entry, as when the province waited itself. (An answer whose data
 *   is null carries nothing of any lookup, and keeps its own errors.)
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import { ErrorCode } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { ServiceMetrics } from '../platform/metrics.js';
import {
  ACCESS_LOG_DEFERRAL_HEADER,
  ACCESS_LOG_RECEIPTS_HEADER,
  GATEWAY_CONFIRMS,
  MAX_RECEIPTS_PER_CALL,
  type ReceiptExtension,
} from '../platform/accessReceipts.js';

const PROVINCE = 'province';

type QueryPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0]['queryPlan'];
type PlanNode = NonNullable<QueryPlan['node']>;

/** One operation's receipts, in its context. */
export interface ReceiptState {
  /** Whether the plan lets the province defer (set once the plan is known). */
  defer: boolean;
  /** Receipts the province handed back, in order. */
  readonly deferred: Set<string>;
  readonly confirmed: Set<string>;
}

export function newReceiptState(): ReceiptState {
  return { defer: false, deferred: new Set(), confirmed: new Set() };
}

/** Whether a step calls the province, and whether only for entities (the @requires hop). */
function provinceCalls(node: PlanNode | undefined): { any: boolean; onlyEntities: boolean } {
  if (!node) return { any: false, onlyEntities: true };
  switch (node.kind) {
    case 'Fetch':
      return node.serviceName === PROVINCE ? { any: true, onlyEntities: (node.requires?.length ?? 0) > 0 } : { any: false, onlyEntities: true };
    case 'Flatten':
      return provinceCalls(node.node);
    case 'Sequence':
    case 'Parallel': {
      const parts = node.nodes.map((child) => provinceCalls(child));
      return { any: parts.some((part) => part.any), onlyEntities: parts.every((part) => part.onlyEntities) };
    }
    default:
      // Conditions, @defer and subscriptions: not deferred (the province waits, as without receipts).
      return { any: true, onlyEntities: false };
  }
}

const decided = new WeakMap<QueryPlan, boolean>();

/**
 * Whether every province call that can look a person up is followed by another province call:
 * the plan is a sequence whose last step that calls the province calls it for entities only
 * (the @requires hop), after an earlier step that calls it too.
 */
export function planConfirmsLater(plan: QueryPlan): boolean {
  const known = decided.get(plan);
  if (known !== undefined) return known;
  let answer = false;
  if (plan.node?.kind === 'Sequence') {
    const steps = plan.node.nodes.map((step) => provinceCalls(step));
    const last = steps.findLastIndex((step) => step.any);
    answer = last > 0 && steps[last]!.onlyEntities && steps.slice(0, last).some((step) => step.any);
  }
  decided.set(plan, answer);
  return answer;
}

/** The receipts the province handed back that it has not confirmed yet. */
function unconfirmedOf(state: ReceiptState): string[] {
  return [...state.deferred].filter((receipt) => !state.confirmed.has(receipt));
}

/** Headers for a province call: the deferral where the plan allows it, and the receipts not yet confirmed. */
export function receiptHeaders(state: ReceiptState | undefined): Array<[string, string]> {
  if (!state) return [];
  const headers: Array<[string, string]> = [];
  if (state.defer) headers.push([ACCESS_LOG_DEFERRAL_HEADER, GATEWAY_CONFIRMS]);
  const unconfirmed = unconfirmedOf(state).slice(0, MAX_RECEIPTS_PER_CALL);
  if (unconfirmed.length > 0) headers.push([ACCESS_LOG_RECEIPTS_HEADER, unconfirmed.join(' ')]);
  return headers;
}

/** Takes note of what a province answer says of receipts. */
export function noteReceipts(state: ReceiptState | undefined, extensions: Record<string, unknown> | undefined): void {
  const said = extensions?.accessLog as ReceiptExtension | undefined;
  if (!state || !said || typeof said !== 'object') return;
  for (const receipt of Array.isArray(said.deferred) ? said.deferred : []) if (typeof receipt === 'string') state.deferred.add(receipt);
  for (const receipt of Array.isArray(said.confirmed) ? said.confirmed : []) if (typeof receipt === 'string') state.confirmed.add(receipt);
}

/** Withholds an answer while any of its lookups' access-log entries is unconfirmed. */
export function accessReceiptsPlugin<TContext extends BaseContext & { accessReceipts?: ReceiptState; log: Logger }>(metrics: ServiceMetrics): ApolloServerPlugin<TContext> {
  const withheld = metrics.counter({
    name: 'xjzc_access_log_answers_withheld_total',
    help: 'Answers replaced by ACCESS_LOG_UNAVAILABLE because a lookup\'s access-log entry was not confirmed committed (gateway/accessReceipts.ts).',
  });
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const state = contextValue.accessReceipts;
          if (!state || state.deferred.size === 0 || response.body.kind !== 'single') return;
          const unconfirmed = unconfirmedOf(state).length;
          // An answer without data carries nothing of the lookup (a malformed number beside it
          // nulled the whole answer, and the province's later hop was never called): its errors stand.
          if (unconfirmed === 0 || response.body.singleResult.data == null) return;
          withheld.inc();
          contextValue.log.error({ event: 'access_log_unconfirmed', lookups: unconfirmed }, 'a lookup\'s access-log entry was not confirmed; its answer is withheld');
          response.body.singleResult = {
            data: null,
            errors: [
              {
                message: 'The lookup could not be recorded in the access log, so it is not answered; try again shortly.',
                extensions: { code: ErrorCode.ACCESS_LOG_UNAVAILABLE },
              },
            ],
          };
        },
      };
    },
  };
}
