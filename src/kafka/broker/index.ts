/**
 * An embedded Kafka cluster for the workbook: one or more brokers in this process, speaking enough of
 * the Kafka wire protocol for kafkajs (producers, consumer groups, admin) to work unpatched.
 *
 *   const kafka = await startEmbeddedKafka();
 *   new Kafka({ brokers: [kafka.bootstrap] });
 *   ...
 *   await kafka.stop();
 */
import { WorkbookError, describeError } from '../../harness/errors.ts';
import { onShutdown } from '../../harness/shutdown.ts';
import { Cluster, MAX_PARTITIONS_PER_TOPIC, type BrokerNode } from './cluster.ts';
import { BrokerServer } from './server.ts';
import type { TransactionEvent } from './transaction-coordinator.ts';

export interface EmbeddedKafkaOptions {
  /** Default 1. */
  brokers?: number;
  /** Port of broker 0; the others take the following ports. Default (or 0): random free ports. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Metadata requests may create unknown topics (auto.create.topics.enable). Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics asking for -1 (num.partitions). Default 1. */
  defaultPartitions?: number;
  /** group.initial.rebalance.delay.ms. Default 0 (Kafka's is 3000), so tests are fast. */
  groupInitialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms: JoinGroup with a shorter session timeout is refused. Default 6000, as Kafka. */
  groupMinSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms. Default 1800000, as Kafka. */
  groupMaxSessionTimeoutMs?: number;
  /**
   * log.retention.check.interval.ms: how often expired segments are deleted. Default 300000, as
   * Kafka; a record is never deleted on arrival, only by a check once its whole segment has expired.
   */
  retentionCheckIntervalMs?: number;
  /** Where the broker's few log lines go (e.g. a connection closed for a malformed request). Default: stderr. */
  log?: (line: string) => void;
}

/** What the embedded broker can tell beyond the Kafka protocol (the live view's extras). */
export interface KafkaInspector {
  /** A group's generation, which DescribeGroups does not carry. */
  generation(groupId: string): number | undefined;
  /** Tells `observer` of every transaction opening, committing or aborting; returns how to stop. */
  observeTransactions(observer: (event: TransactionEvent) => void): () => void;
  /** Client connections open now, on every broker of the cluster (a test that nothing is left connected). */
  connections(): number;
}

export interface EmbeddedKafka {
  /** 'host:port' of broker 0. */
  bootstrap: string;
  /** 'host:port' of every broker, by node id. */
  brokers: string[];
  inspector: KafkaInspector;
  /** Closes all servers and sockets; idempotent. */
  stop(): Promise<void>;
}

const MAX_BROKERS = 64;

export async function startEmbeddedKafka(options: EmbeddedKafkaOptions = {}): Promise<EmbeddedKafka> {
  const brokers = integerOption('brokers', options.brokers ?? 1, 1, MAX_BROKERS);
  const host = options.host ?? '127.0.0.1';
  const firstPort = options.port === undefined || options.port === 0 ? undefined : integerOption('port', options.port, 1, 65536 - brokers);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const nodes: BrokerNode[] = Array.from({ length: brokers }, (_, nodeId) => ({ nodeId, host, port: 0 }));
  const cluster = new Cluster(nodes, {
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions: integerOption('defaultPartitions', options.defaultPartitions ?? 1, 1, MAX_PARTITIONS_PER_TOPIC),
    initialRebalanceDelayMs: integerOption('groupInitialRebalanceDelayMs', options.groupInitialRebalanceDelayMs ?? 0, 0, 2 ** 31 - 1),
    minSessionTimeoutMs: integerOption('groupMinSessionTimeoutMs', options.groupMinSessionTimeoutMs ?? 6_000, 0, 2 ** 31 - 1),
    maxSessionTimeoutMs: integerOption('groupMaxSessionTimeoutMs', options.groupMaxSessionTimeoutMs ?? 1_800_000, 0, 2 ** 31 - 1),
    retentionCheckIntervalMs: integerOption('retentionCheckIntervalMs', options.retentionCheckIntervalMs ?? 300_000, 1, 2 ** 31 - 1),
  });
  const servers = nodes.map((node) => new BrokerServer(cluster, node, log));

  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    for (const server of servers) server.closeSync();
    cluster.close();
  };
  const stop = async (): Promise<void> => {
    unregister();
    if (stopped) return;
    const closing = servers.map((server) => server.close());
    stopSync();
    await Promise.all(closing);
  };
  const unregister = onShutdown({ stop, stopSync });

  const bound = await Promise.allSettled(nodes.map((node, i) => servers[i]!.listen(host, firstPort === undefined ? 0 : firstPort + i)));
  const failure = bound.findIndex((result) => result.status === 'rejected');
  if (failure >= 0) {
    await stop();
    const reason = (bound[failure] as PromiseRejectedResult).reason as NodeJS.ErrnoException;
    const port = firstPort === undefined ? 0 : firstPort + failure;
    if (reason.code === 'EADDRINUSE') {
      throw new WorkbookError(`Port ${port} is in use: pick another with --port, or stop what is using it.`);
    }
    throw new WorkbookError(`Cannot listen on ${host}:${port} (${describeError(reason)}): pick another port with --port or another host.`);
  }
  bound.forEach((result, i) => {
    if (result.status === 'fulfilled') nodes[i]!.port = result.value;
  });
  const addresses = nodes.map((node) => `${node.host}:${node.port}`);
  const inspector: KafkaInspector = {
    generation: (groupId) => cluster.groups.generation(groupId),
    observeTransactions: (observer) => cluster.transactions.observe(observer),
    connections: () => servers.reduce((sum, server) => sum + server.connectionCount, 0),
  };
  return { bootstrap: addresses[0]!, brokers: addresses, inspector, stop };
}

function integerOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new WorkbookError(`${name} must be a whole number from ${min} to ${max}, not ${value}.`);
  }
  return value;
}
