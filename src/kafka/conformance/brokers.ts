/**
 * The two brokers a conformance file compares: the workbook's embedded one, and (with
 * KAFKA_CONFORMANCE_REAL=1) a real Apache Kafka started by src/kafka/real. Both get the same
 * settings that change what clients observe, so a difference is the broker's, not the setup's.
 */
import { startEmbeddedKafka } from '../broker/index.ts';
import { startRealKafka } from '../real/index.ts';

/** What a scenario gets: where to connect, and nothing about which broker it is talking to. */
export interface Target {
  /** 'embedded' or 'real Kafka': only for messages, never for branching in scenarios. */
  label: string;
  bootstrap: string;
  brokers: string[];
}

export interface RunningBroker extends Target {
  stop(): Promise<void>;
}

/** Settings both brokers get. Everything else is each broker's default. */
export interface BrokerSettings {
  autoCreateTopics: boolean;
}

export const REAL_ENABLED = process.env.KAFKA_CONFORMANCE_REAL === '1';

export async function startEmbedded(settings: BrokerSettings): Promise<RunningBroker> {
  const kafka = await startEmbeddedKafka({
    // One broker, like the real one: replication-factor errors depend on the broker count.
    brokers: 1,
    autoCreateTopics: settings.autoCreateTopics,
    // The real broker's num.partitions=1 and group.initial.rebalance.delay.ms=0 (src/kafka/real/config.ts).
    defaultPartitions: 1,
    groupInitialRebalanceDelayMs: 0,
    log: (line) => process.stderr.write(`embedded: ${line}\n`),
  });
  return { label: 'embedded', bootstrap: kafka.bootstrap, brokers: kafka.brokers, stop: () => kafka.stop() };
}

export async function startReal(settings: BrokerSettings): Promise<RunningBroker> {
  const kafka = await startRealKafka({
    log: (line) => process.stderr.write(`${line}\n`),
    serverProperties: { 'auto.create.topics.enable': String(settings.autoCreateTopics) },
  });
  return { label: 'real Kafka', bootstrap: kafka.bootstrap, brokers: kafka.brokers, stop: () => kafka.stop() };
}
