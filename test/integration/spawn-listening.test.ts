/**
 * bench/processes.ts `spawnListening`: a service whose port was taken between finding it free and
 * binding it (test files run in parallel) is started again on another port; any other failure is
 * reported as it was.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnListening, spawnProcess, type BenchProcess } from '../../bench/processes.js';

// A stand-in service: answers every request with 200, on the port it is given.
const SERVE = "require('node:http').createServer((q, r) => { r.writeHead(200, { 'content-type': 'application/json' }); r.end('{}'); }).listen(Number(process.env.PORT), '127.0.0.1')";

let taken: Server;
let takenPort: number;
const started: BenchProcess[] = [];

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(async () => {
  await Promise.all(started.map((proc) => proc.stop()));
  taken.close();
});

const spawnOn = (port: number) => {
  const proc = spawnProcess({ name: 'stand-in', port, args: ['-e', SERVE], env: { PORT: String(port) } });
  started.push(proc);
  return Promise.resolve(proc);
};

describe('spawnListening', () => {
  it('starts a service again on another port when its port was taken meanwhile', async () => {
    const ports: number[] = [];
    const proc = await spawnListening((port) => {
      // The first attempt gets a port another process holds.
      const use = ports.length === 0 ? takenPort : port;
      ports.push(use);
      return spawnOn(use);
    }, 20_000);
    expect(ports).toHaveLength(2);
    expect(ports[0]).toBe(takenPort);
    expect(proc.port).toBe(ports[1]);
    expect((await fetch(proc.url, { method: 'POST', body: '{}' })).status).toBe(200);
  });

  it('gives up after its tries, and reports any other failure at once', async () => {
    let attempts = 0;
    await expect(spawnListening(() => (attempts++, spawnOn(takenPort)), 20_000, 2)).rejects.toThrow(/EADDRINUSE/);
    expect(attempts).toBe(2);
    attempts = 0;
    const failing = (port: number) => {
      attempts++;
      const proc = spawnProcess({ name: 'failing', port, args: ['-e', 'process.exit(3)'], env: {} });
      started.push(proc);
      return Promise.resolve(proc);
    };
    await expect(spawnListening(failing, 20_000)).rejects.toThrow(/exited with code 3/);
    expect(attempts).toBe(1);
  });
});
