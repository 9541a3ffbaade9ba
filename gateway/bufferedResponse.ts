/**
 * A subgraph's answer whose body has already been read, in the shape RemoteGraphQLDataSource
 * reads (`FetcherResponse`). The transport reads each body once as text; the coalescer hands each
 * operation its share as an already-parsed value, so that it is not printed only to be parsed again.
 */
import { STATUS_CODES } from 'node:http';
import type { FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';

export type ReadBody = { text: string } | { value: unknown };

export class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  readonly bodyUsed = true;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: FetcherHeaders,
    private readonly body: ReadBody,
  ) {}

  /** `response`'s status and headers with another body. */
  static of(response: FetcherResponse, body: ReadBody): BufferedResponse {
    return new BufferedResponse(response.url, response.status, response.headers, body);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get statusText(): string {
    return STATUS_CODES[this.status] ?? '';
  }

  async text(): Promise<string> {
    return 'text' in this.body ? this.body.text : JSON.stringify(this.body.value);
  }

  async json(): Promise<unknown> {
    return 'value' in this.body ? this.body.value : JSON.parse(this.body.text);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(await this.text(), 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    return new BufferedResponse(this.url, this.status, this.headers, this.body);
  }
}
