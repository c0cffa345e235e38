import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { LatencyProxy } from './latency-proxy.ts';
import { Inbox, within } from './wait.ts';

/** A TCP echo server on 127.0.0.1. */
async function echoServer(cleanup: (fn: () => Promise<void>) => void): Promise<number> {
  const server: Server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup(() => new Promise((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

const proxies: LatencyProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function proxyTo(port: number, delayMs: number): Promise<LatencyProxy> {
  const proxy = await LatencyProxy.start({ target: { host: '127.0.0.1', port }, delayMs });
  proxies.push(proxy);
  return proxy;
}

describe('a latency proxy', () => {
  test('delays each direction by the set time, so a round trip costs twice the delay', async ({ onTestFinished }) => {
    const proxy = await proxyTo(await echoServer(onTestFinished), 40);
    const socket = await connectTo(proxy.port);
    onTestFinished(() => void socket.destroy());
    const replies = new Inbox<string>();
    socket.on('data', (chunk: Buffer) => replies.push(chunk.toString()));

    const sent = performance.now();
    socket.write('ping');
    await replies.waitFor(1, 2_000, 'the echo coming back through the proxy');

    expect(performance.now() - sent, 'round trip through a 40 ms proxy').toBeGreaterThanOrEqual(78);
  });

  test('keeps the order of what was sent, even when the delay is lowered in between', async ({ onTestFinished }) => {
    const proxy = await proxyTo(await echoServer(onTestFinished), 60);
    const socket = await connectTo(proxy.port);
    onTestFinished(() => void socket.destroy());
    let received = '';
    const done = new Inbox<string>();
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.endsWith('.')) done.push(received);
    });

    socket.write('a');
    proxy.delayMs = 0;
    socket.write('b');
    socket.write('c.');
    await done.waitFor(1, 2_000, 'all three chunks coming back');

    expect(received).toBe('abc.');
  });

  test('an outage drops open connections and refuses new ones until it ends', async ({ onTestFinished }) => {
    const proxy = await proxyTo(await echoServer(onTestFinished), 0);
    const socket = await connectTo(proxy.port);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});

    const over = proxy.outage(300);
    await within(closed, 1_000, 'the open connection being dropped');
    const refused = await connectTo(proxy.port).then(
      (s) => {
        s.destroy();
        return 'accepted';
      },
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(refused, 'a connection attempt during the outage').toBe('ECONNREFUSED');

    await within(over, 2_000, 'the outage ending');
    const again = await connectTo(proxy.port);
    again.destroy();
    expect(proxy.acceptedConnections, 'the first connection and the one after the outage').toBe(2);
  });

  test('url() points a broker URL at the proxy and keeps the rest', async () => {
    const proxy = await proxyTo(6379, 0);
    expect(proxy.url('redis://:secret@127.0.0.1:6379/2?connectionName=x')).toBe(`redis://:secret@127.0.0.1:${proxy.port}/2?connectionName=x`);
  });
});
