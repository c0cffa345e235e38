/**
 * The one way labs and tests get Kafka.
 *
 * - `KAFKA_BROKERS` set (e.g. `127.0.0.1:9092` from `docker compose up -d kafka`): use that cluster;
 *   never stop it.
 * - otherwise: the embedded Kafka-protocol broker (src/kafka/broker), in this process, on a random
 *   127.0.0.1 port, stopped on exit and Ctrl-C.
 */
import { connect } from 'node:net';
import { startEmbeddedKafka } from '../kafka/broker/index.ts';
import { WorkbookError, describeError } from './errors.ts';

export interface KafkaServer {
  /** 'host:port' of every broker. */
  brokers: string[];
  bootstrap: string;
  /** True when this process runs the broker (and will stop it). */
  embedded: boolean;
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  env?: NodeJS.ProcessEnv;
  /** Brokers in the embedded cluster (ignored with KAFKA_BROKERS). */
  brokers?: number;
  /** Where the embedded broker's few log lines go. */
  log?: (line: string) => void;
}

export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaServer> {
  const env = options.env ?? process.env;
  const external = parseBrokers(env.KAFKA_BROKERS);
  if (external.length > 0) {
    await assertReachable(external[0] as string, env.KAFKA_BROKERS ?? '');
    return { brokers: external, bootstrap: external[0] as string, embedded: false, stop: async () => {} };
  }
  const kafka = await startEmbeddedKafka({ brokers: options.brokers, log: options.log });
  return { brokers: kafka.brokers, bootstrap: kafka.bootstrap, embedded: true, stop: () => kafka.stop() };
}

export function parseBrokers(value: string | undefined): string[] {
  const brokers = (value ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    if (!/^[\w.-]+:\d{1,5}$/.test(broker)) {
      throw new WorkbookError(`KAFKA_BROKERS=${value} is not a list of host:port (e.g. 127.0.0.1:9092): fix it or unset it to use the embedded broker.`);
    }
  }
  return brokers;
}

function assertReachable(broker: string, setting: string): Promise<void> {
  const [host, port] = broker.split(/:(?=\d+$)/) as [string, string];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port), timeout: 3_000 });
    const fail = (reason: string): void => {
      socket.destroy();
      reject(
        new WorkbookError(
          `Cannot reach KAFKA_BROKERS=${setting} (${reason}). Start it (\`docker compose up -d kafka\`) or unset KAFKA_BROKERS to use the embedded broker.`,
        ),
      );
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail('no answer within 3 s'));
    socket.once('error', (error) => fail(describeError(error)));
  });
}
