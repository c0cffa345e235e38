/**
 * A fixed address in front of a Redis server that can be swapped: what a DNS name or a Kubernetes
 * service is to clients in production. Connections are forwarded byte for byte to the current server;
 * when that server goes away its connections close, and new ones go to whatever server is current.
 *
 * The lab needs it because startRedis() cannot yet start a server again on the port it just used
 * (see the lab's README).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface StableAddress {
  url: string;
  /** Sends new connections to this server from now on. */
  pointAt(redisUrl: string): void;
  close(): Promise<void>;
}

export async function stableAddress(initial: string): Promise<StableAddress> {
  let target = new URL(initial);
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    open.add(client);
    open.add(upstream);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', closeBoth);
      socket.on('close', closeBoth);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    pointAt(redisUrl) {
      target = new URL(redisUrl);
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
