/**
 * Who gets served, and in which order (issue 11, item 9): one analyst's script must not starve
 * the portals' duplicate checks.
 *
 * - **A rate limit per principal** (token subject and role): each operation costs the number of
 *   fields it selects at its root, aliases and fragments counted, so a lookup aliased 15 times
 *   costs 15. Over the limit: HTTP 429, `RATE_LIMITED`, `Retry-After`. In memory
 *   (`rate-limiter-flexible`): with several gateway replicas the limit holds per replica.
 * - **Admission by priority** when the gateway is saturated: at most `maxConcurrent` operations run
 *   at once, of which analysts and dashboards may hold all but `reservedForPortals`. A portal's
 *   operation that finds no slot waits in a bounded queue, served first in, first out; an
 *   analyst's or a dashboard's is shed at once with HTTP 503, `OVERLOADED`, `Retry-After`.
 */
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import { GraphQLError, Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '../platform/auth.js';
import type { AdmissionConfig } from '../platform/config.js';

/** Fields selected at the root of the operation: each alias and each field reached through a fragment counts once. */
export function rootFieldCount(operation: OperationDefinitionNode, fragments: Readonly<Record<string, FragmentDefinitionNode>>): number {
  const seen = new Set<string>();
  const count = (selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) total++;
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet);
      else {
        const name = selection.name.value;
        const fragment = fragments[name];
        // A fragment spread twice at the root is counted twice; a cycle is refused by validation.
        if (!fragment || seen.has(name)) continue;
        seen.add(name);
        total += count(fragment.selectionSet);
        seen.delete(name);
      }
    }
    return total;
  };
  return Math.max(1, count(operation.selectionSet));
}

function retryAfterHeaders(seconds: number): HeaderMap {
  return new HeaderMap([['retry-after', String(Math.max(1, Math.ceil(seconds)))]]);
}

export function rateLimited(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError('Too many requests from this caller: wait before sending more.', {
    extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: retryAfterHeaders(retryAfterSeconds) } },
  });
}

export function overloaded(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError('The gateway is busy serving the portals first: try again shortly.', {
    extensions: { code: 'OVERLOADED', http: { status: 503, headers: retryAfterHeaders(retryAfterSeconds) } },
  });
}

interface Waiter {
  grant(): void;
  timer: NodeJS.Timeout;
}

/** Slots for running operations: portals may use every slot and wait for one; the others may not. */
export class AdmissionQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly config: Pick<AdmissionConfig, 'maxConcurrent' | 'reservedForPortals' | 'portalQueueLimit' | 'portalQueueTimeoutMs'>) {}

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once the operation may run; rejects with OVERLOADED when it may not. */
  async admit(priority: boolean): Promise<() => void> {
    const { maxConcurrent, reservedForPortals, portalQueueLimit, portalQueueTimeoutMs } = this.config;
    const limit = priority ? maxConcurrent : maxConcurrent - reservedForPortals;
    // Nobody overtakes a waiting portal.
    if (this.running < limit && this.waiting.length === 0) return this.take();
    if (!priority || this.waiting.length >= portalQueueLimit) throw overloaded(1);
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(overloaded(1));
        }, portalQueueTimeoutMs),
      };
      this.waiting.push(waiter);
    });
    // The slot was handed over by release(): already counted.
    return this.releaser();
  }

  private take(): () => void {
    this.running++;
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // Hand the slot straight to the next portal; otherwise free it.
      if (next) next.grant();
      else this.running--;
    };
  }
}

interface AdmissionContext {
  principal: Principal;
}

/** The Apollo Server plugin: rate limit, then admission, after the operation is known and valid. */
export function admissionPlugin<TContext extends AdmissionContext>(config: AdmissionConfig): ApolloServerPlugin<TContext> & { queue: AdmissionQueue } {
  const limiters = new Map<string, RateLimiterMemory | null>();
  for (const [role, points] of Object.entries(config.pointsPerRole)) {
    limiters.set(role, points > 0 ? new RateLimiterMemory({ points, duration: config.windowSeconds, keyPrefix: `xjzc-${role}` }) : null);
  }
  const queue = new AdmissionQueue(config);
  const releases = new WeakMap<GraphQLRequestContext<TContext>, () => void>();
  return {
    queue,
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const { principal } = requestContext.contextValue;
          const operation = requestContext.operation;
          if (!operation) return;
          const limiter = limiters.get(principal.role);
          if (limiter) {
            const fragments: Record<string, FragmentDefinitionNode> = {};
            for (const definition of requestContext.document.definitions) {
              if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
            }
            const cost = rootFieldCount(operation, fragments);
            try {
              // One bucket per principal: the subject within its role.
              await limiter.consume(principal.subject, cost);
            } catch (rejection) {
              if (rejection instanceof RateLimiterRes) throw rateLimited(rejection.msBeforeNext / 1000);
              throw rejection;
            }
          }
          releases.set(requestContext, await queue.admit(principal.role === 'portal'));
        },
        async willSendResponse(requestContext) {
          releases.get(requestContext)?.();
        },
      };
    },
  };
}
