/**
 * A TCP forwarder on 127.0.0.1 that puts a set delay on each direction, so a client can sit "far"
 * from its broker (say 40 ms, a cross-zone hop) while the test's own connections stay near.
 *
 * Why tests need it: over loopback every command is answered in microseconds, so code that gets an
 * order wrong — resolves before Redis confirmed a SUBSCRIBE, publishes before recording, writes after
 * invalidating — still wins every race and passes. Behind the proxy the wrong order loses, every time.
 *
 * It can also stage an outage: every connection through it is dropped, and new ones are refused
 * (the listening socket is closed) until the outage ends, as when a broker restarts or fails over.
 */
import { Socket, createServer, type Server } from 'node:net';

export interface LatencyProxyOptions {
  /** Where to forward to. */
  target: { host: string; port: number };
  /** Delay added to each direction, in milliseconds (a round trip costs twice this). */
  delayMs: number;
}

export class LatencyProxy {
  /** Delay added to each direction from now on (chunks already scheduled keep theirs). */
  delayMs: number;
  private readonly sockets = new Set<Socket>();
  private server: Server;
  private accepted = 0;
  private outageEnd?: Promise<void>;

  private constructor(
    private readonly target: { host: string; port: number },
    delayMs: number,
    readonly port: number,
    server: Server,
  ) {
    this.delayMs = delayMs;
    this.server = server;
  }

  static async start(options: LatencyProxyOptions): Promise<LatencyProxy> {
    let proxy: LatencyProxy | undefined;
    const server = createServer((client) => proxy?.forward(client));
    const port = await listen(server, 0);
    proxy = new LatencyProxy(options.target, options.delayMs, port, server);
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's (keeps scheme, credentials, path, query). */
  url(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  /** Connections open through the proxy right now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Connections accepted since the proxy started (a client that reconnected counts again). */
  get acceptedConnections(): number {
    return this.accepted;
  }

  /** Drops every connection through the proxy at once, as a network blip would; new ones are accepted. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /**
   * Drops every connection and refuses new ones (ECONNREFUSED) for `ms`; resolves when the proxy
   * accepts connections again. A client's reconnect attempts in between fail, as against a broker
   * that is restarting.
   */
  outage(ms: number): Promise<void> {
    if (this.outageEnd) throw new Error('an outage is already under way');
    this.dropConnections();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.outageEnd = (async () => {
      await closed;
      await new Promise((resolve) => setTimeout(resolve, ms));
      const server = createServer((client) => this.forward(client));
      await listen(server, this.port);
      this.server = server;
      this.outageEnd = undefined;
    })();
    return this.outageEnd;
  }

  async close(): Promise<void> {
    await this.outageEnd?.catch(() => {});
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket): void {
    this.accepted++;
    const upstream = new Socket();
    this.sockets.add(client);
    this.sockets.add(upstream);
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => this.sockets.delete(socket));
    }
    upstream.connect(this.target.port, this.target.host);
    this.pipeDelayed(client, upstream);
    this.pipeDelayed(upstream, client);
  }

  /** Copies `from` to `to`, each chunk `delayMs` late, in order; an end or close is passed on just as late. */
  private pipeDelayed(from: Socket, to: Socket): void {
    let lastDue = 0;
    const later = (action: () => void): void => {
      // Never earlier than the chunk before it, even if delayMs was lowered meanwhile: order is kept.
      const due = Math.max(Date.now() + this.delayMs, lastDue);
      lastDue = due;
      setTimeout(action, due - Date.now());
    };
    from.on('data', (chunk: Buffer) => later(() => !to.destroyed && to.write(chunk)));
    from.on('end', () => later(() => !to.destroyed && to.end()));
    from.on('close', () => later(() => to.destroy()));
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
