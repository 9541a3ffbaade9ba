/**
 * A stand-in subgraph for the gateway's fetcher tests: a real HTTP server on 127.0.0.1 that hands
 * each request, its body read, to the test's handler.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSubgraph {
  url: string;
  close(): void;
}

export async function startFakeSubgraph(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<FakeSubgraph> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
