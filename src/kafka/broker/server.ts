/** One broker's TCP listener and its open connections. */
import { createServer, type Server } from 'node:net';
import { describeError } from '../../harness/errors.ts';
import type { BrokerNode, Cluster } from './cluster.ts';
import { Connection } from './connection.ts';

export class BrokerServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();

  constructor(
    cluster: Cluster,
    readonly node: BrokerNode,
    private readonly log: (line: string) => void,
  ) {
    // Half-open: a client may send its last requests and FIN together, and still deserves answers.
    this.server = createServer({ allowHalfOpen: true }, (socket) => {
      const connection = new Connection(socket, { cluster, broker: node, log });
      this.connections.add(connection);
      socket.once('close', () => this.connections.delete(connection));
    });
  }

  /** Client connections open now. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Resolves with the port bound; rejects with the listen error (e.g. EADDRINUSE). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen({ host, port, exclusive: true }, () => {
        this.server.off('error', onError);
        // E.g. EMFILE while accepting: worth a line, never worth crashing the process.
        this.server.on('error', (error) => this.log(`kafka broker ${this.node.nodeId}: ${describeError(error)}`));
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.closeSync();
    await closed;
  }

  /** For process exit, where nothing can be awaited: stop accepting and drop every connection. */
  closeSync(): void {
    if (this.server.listening) this.server.close();
    for (const connection of this.connections) connection.close();
    this.connections.clear();
  }
}
