/**
 * A throwaway three-node Redis Cluster on this machine, for showing what sharded Pub/Sub changes in a
 * cluster. Each node is a private redis-server (started like the embedded one) in a temp folder, with
 * a third of the 16384 hash slots and no replicas.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { WorkbookError } from '../../src/harness/errors.ts';
import { freePorts } from '../../src/harness/process-kit.ts';
import { startRedis, type RedisServer } from '../../src/harness/redis.ts';

export interface ClusterNode {
  name: string;
  url: string;
  /** A connection for commands (not subscribed). */
  client: Redis;
  /** Inclusive range of hash slots this node owns. */
  slots: [first: number, last: number];
  /** The port the nodes talk to each other on (the cluster bus). */
  busPort: number;
}

export interface PrivateCluster {
  nodes: ClusterNode[];
  /** The node that owns `channel`'s hash slot, and the slot. */
  ownerOf(channel: string): Promise<{ node: ClusterNode; slot: number }>;
  stop(): Promise<void>;
}

const SLOT_RANGES: Array<[number, number]> = [
  [0, 5460],
  [5461, 10922],
  [10923, 16383],
];
const FORM_TIMEOUT_MS = 15_000;

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dirs: string[] = [];
  const servers: RedisServer[] = [];
  const nodes: ClusterNode[] = [];
  const stop = async (): Promise<void> => {
    for (const node of nodes) node.client.disconnect();
    await Promise.allSettled(servers.map((s) => s.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [index, slots] of SLOT_RANGES.entries()) {
      const dir = mkdtempSync(join(tmpdir(), 'workbook-cluster-'));
      dirs.push(dir);
      // The cluster bus defaults to port + 10000, which may not exist for a high random port: pick both.
      const [port, busPort] = (await freePorts(2)) as [number, number];
      const server = await startRedis({
        forceEmbedded: true,
        port,
        args: ['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--dir', dir, '--cluster-config-file', join(dir, 'nodes.conf')],
      });
      servers.push(server);
      const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
      nodes.push({ name: `node ${index + 1}`, url: server.url, client, slots, busPort });
      await client.call('CLUSTER', 'ADDSLOTSRANGE', String(slots[0]), String(slots[1]));
    }
    const [first] = nodes as [ClusterNode];
    const { hostname, port } = new URL(first.url);
    for (const node of nodes.slice(1)) await node.client.call('CLUSTER', 'MEET', hostname, port, String(first.busPort));
    await formed(nodes);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    nodes,
    async ownerOf(channel) {
      const slot = Number(await nodes[0]?.client.call('CLUSTER', 'KEYSLOT', channel));
      const node = nodes.find((n) => slot >= n.slots[0] && slot <= n.slots[1]);
      if (!node) throw new WorkbookError(`No node of the private cluster owns slot ${slot}.`);
      return { node, slot };
    },
    stop,
  };
}

/** Waits until every node knows the others and sees every slot covered. */
async function formed(nodes: ClusterNode[]): Promise<void> {
  const deadline = Date.now() + FORM_TIMEOUT_MS;
  for (;;) {
    const infos = await Promise.all(nodes.map((n) => clusterInfo(n.client)));
    if (infos.every((info) => info.cluster_state === 'ok' && info.cluster_known_nodes === String(nodes.length))) return;
    if (Date.now() > deadline) {
      throw new WorkbookError(`The private three-node cluster did not form within ${FORM_TIMEOUT_MS / 1000} s; the machine may be overloaded, so run the lab again.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** CLUSTER INFO as fields. Message counters a node has never used are left out by Redis (read them as 0). */
export async function clusterInfo(client: Redis): Promise<Record<string, string>> {
  const text = (await client.call('CLUSTER', 'INFO')) as string;
  return Object.fromEntries(
    text
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => line.split(':', 2) as [string, string]),
  );
}
