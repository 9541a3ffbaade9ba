/**
 * What the gateway and the province say to each other about access-log receipts (the mechanism:
 * subgraphs/province/accessReceipts.ts and gateway/accessReceipts.ts).
 */

/** Sent by our gateway to the province: lookups of this call may be answered before their entry commits. */
export const ACCESS_LOG_DEFERRAL_HEADER = 'x-access-log-deferral';
/** The value of ACCESS_LOG_DEFERRAL_HEADER: the gateway confirms every receipt before it answers. */
export const GATEWAY_CONFIRMS = 'gateway-confirms';
/** Sent by our gateway to the province: receipts to confirm, separated by spaces. */
export const ACCESS_LOG_RECEIPTS_HEADER = 'x-access-log-receipts';
/**
 * At most this many receipts are read from one call's header: more than the coalesced call of
 * gateway/coalesce.ts carries (RECEIPT_BYTES_PER_CALL there).
 */
export const MAX_RECEIPTS_PER_CALL = 128;

/** What a province answer says of receipts, under `extensions.accessLog`. */
export interface ReceiptExtension {
  deferred?: string[];
  confirmed?: string[];
}

/** The receipts of a header value: at most MAX_RECEIPTS_PER_CALL, each at most 256 characters. */
export function receiptsOfHeader(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return [...new Set(text.split(' ').filter((each) => each.length > 0 && each.length <= 256))].slice(0, MAX_RECEIPTS_PER_CALL);
}

