/**
 * What a single-node KRaft broker on loopback needs on disk: server.properties, a log4j config, and
 * a cluster id for `kafka-storage format`.
 */
import { randomBytes } from 'node:crypto';

export interface BrokerLayout {
  nodeId: number;
  /** Client listener (PLAINTEXT). */
  port: number;
  /** KRaft controller listener. */
  controllerPort: number;
  logDir: string;
  /** Extra or overriding settings, e.g. `{ 'auto.create.topics.enable': 'false' }`. */
  overrides?: Record<string, string>;
}

export function serverProperties(layout: BrokerLayout): Record<string, string> {
  const { nodeId, port, controllerPort } = layout;
  return {
    // One JVM is both the metadata quorum (of one) and the broker: KRaft "combined" mode.
    'process.roles': 'broker,controller',
    'node.id': String(nodeId),
    // A static quorum: simplest to format (no --standalone / dynamic-voter bootstrap needed).
    'controller.quorum.voters': `${nodeId}@127.0.0.1:${controllerPort}`,
    'controller.listener.names': 'CONTROLLER',
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': layout.logDir,
    // Internal topics default to replication 3, which a single broker can never satisfy.
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    // Otherwise the first consumer group waits 3 s before its first rebalance.
    'group.initial.rebalance.delay.ms': '0',
    'num.partitions': '1',
    'default.replication.factor': '1',
    'auto.create.topics.enable': 'true',
    // Fewer threads than the defaults: two cores, and this broker serves one learner or one test run.
    'num.network.threads': '2',
    'num.io.threads': '4',
    'num.recovery.threads.per.data.dir': '1',
    ...layout.overrides,
  };
}

export function renderProperties(properties: Record<string, string>): string {
  const escape = (value: string): string => value.replace(/\\/g, '\\\\');
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${escape(value)}`)
    .join('\n')}\n`;
}

/** The line the broker logs once it serves clients; the launcher waits for it. */
export const READY_LINE = 'Kafka Server started';

/**
 * Quiet by default (WARN and above), but the one INFO logger that prints READY_LINE stays on, so
 * start-up is detected from the broker's own words without parsing thousands of INFO lines.
 */
export function log4jProperties(): string {
  return [
    'log4j.rootLogger=WARN, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.server.KafkaRaftServer=INFO',
    // Routine WARNs of every fresh single-node start and stop ("Performing controller activation",
    // "Attempting to close NetworkClient that has already been closed"): noise, not news.
    'log4j.logger.org.apache.kafka.controller.QuorumController=ERROR',
    'log4j.logger.org.apache.kafka.clients.NetworkClient=ERROR',
    '',
  ].join('\n');
}

/**
 * A Kafka cluster id: 16 random bytes in URL-safe base64 without padding (Kafka's `Uuid`), as
 * `kafka-storage random-uuid` prints — made here to save a JVM start. Kafka rejects ids starting
 * with '-' (they parse as a flag), as its own generator does.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
