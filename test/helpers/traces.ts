/**
 * Reading recorded spans in tests: one trace's spans as a tree, each span's parent, and every text
 * a span carries (where an ID number, a name or a token would leak).
 */

/** What a test needs of a span, whether recorded in memory or received by OTLP. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** SpanKind: 0 internal, 1 server, 2 client. */
  kind: number;
  /** The resource's `service.name`. */
  service: string;
  startNanos: bigint;
  durationNanos: bigint;
  attributes: Record<string, unknown>;
  /** Every other text of the span: events, status message, links, resource. */
  otherText: string;
}

export const SERVER = 1;
export const CLIENT = 2;

/** Attributes shown beside a span's name in a printed tree. */
const SHOWN = ['service', 'xjzc.subgraph', 'http.response.status_code', 'db.query.text'];

export function childrenOf(spans: readonly SpanRecord[], parent: SpanRecord): SpanRecord[] {
  return spans.filter((span) => span.parentSpanId === parent.spanId).sort((a, b) => (a.startNanos < b.startNanos ? -1 : 1));
}

/** The chain of ancestors of `span` within `spans`, nearest first. */
export function ancestorsOf(spans: readonly SpanRecord[], span: SpanRecord): SpanRecord[] {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  const chain: SpanRecord[] = [];
  for (let parent = span.parentSpanId && byId.get(span.parentSpanId); parent; parent = parent.parentSpanId && byId.get(parent.parentSpanId)) {
    chain.push(parent);
  }
  return chain;
}

/**
 * The trace under `root` as indented lines: start offset and duration in ms, the span's name, its
 * service and a few attributes (SQL text cut to its first 60 characters).
 */
export function formatTrace(spans: readonly SpanRecord[], root: SpanRecord): string {
  const lines: string[] = [];
  const ms = (nanos: bigint) => (Number(nanos) / 1e6).toFixed(1).padStart(6);
  const walk = (span: SpanRecord, depth: number) => {
    const shown = SHOWN.filter((key) => span.attributes[key] !== undefined).map((key) => {
      const value = String(span.attributes[key]).replace(/\s+/g, ' ').trim();
      return `${key}=${value.length > 60 ? `${value.slice(0, 60)}…` : value}`;
    });
    lines.push(`${ms(span.startNanos - root.startNanos)} ${ms(span.durationNanos)}  ${'  '.repeat(depth)}${span.name}  [${span.service}]${shown.length ? `  ${shown.join(' ')}` : ''}`);
    for (const child of childrenOf(spans, span)) walk(child, depth + 1);
  };
  lines.push('start ms  dur ms  span  [service]  attributes');
  walk(root, 0);
  return lines.join('\n');
}

/** Every text of every span, one string each: the name, each attribute's key and value, the rest. */
export function spanTexts(spans: readonly SpanRecord[]): string[] {
  return spans.map((span) => [span.name, ...Object.entries(span.attributes).map(([key, value]) => `${key}=${JSON.stringify(value)}`), span.otherText].join('\n'));
}
