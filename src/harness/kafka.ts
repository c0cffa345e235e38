/**
 * The one way labs and tests get Kafka.
 *
 * - `KAFKA_BROKERS` set (e.g. `127.0.0.1:9092` from `docker compose up -d kafka`): use that cluster,
 *   checked with an ApiVersions request that must be answered within 3 s; never stop it.
 * - otherwise: the embedded Kafka-protocol broker (src/kafka/broker), in this process, on a random
 *   127.0.0.1 port, stopped on exit and Ctrl-C.
 */
import { connect } from 'node:net';
import { startEmbeddedKafka, type KafkaInspector } from '../kafka/broker/index.ts';
import { BrokerUnavailableError, describeError } from './errors.ts';

export interface KafkaServer {
  /** 'host:port' of every broker. */
  brokers: string[];
  bootstrap: string;
  /** True when this process runs the broker (and will stop it). */
  embedded: boolean;
  /** The embedded broker's extras (generations, transactions); absent for KAFKA_BROKERS. */
  inspector?: KafkaInspector;
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
    await assertAnswers(external[0] as string, env.KAFKA_BROKERS ?? '');
    return { brokers: external, bootstrap: external[0] as string, embedded: false, stop: async () => {} };
  }
  try {
    const kafka = await startEmbeddedKafka({ brokers: options.brokers, log: options.log });
    return { brokers: kafka.brokers, bootstrap: kafka.bootstrap, embedded: true, inspector: kafka.inspector, stop: () => kafka.stop() };
  } catch (error) {
    // The embedded broker is this process listening on 127.0.0.1: only a machine without a free port stops it.
    throw new BrokerUnavailableError('kafka', `The embedded Kafka broker could not start (${describeError(error)}).`, 'Free a port on 127.0.0.1, or set KAFKA_BROKERS to a running cluster (`docker compose up -d kafka`).');
  }
}

export function parseBrokers(value: string | undefined): string[] {
  const brokers = (value ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    if (!/^[\w.-]+:\d{1,5}$/.test(broker)) {
      throw new BrokerUnavailableError('kafka', `KAFKA_BROKERS=${value} is not a list of host:port (e.g. 127.0.0.1:9092).`, 'Fix it, or unset it to use the embedded broker.');
    }
  }
  return brokers;
}

/**
 * Kafka's ping: an ApiVersions v0 request, whose answer must come within a few seconds. A TCP
 * connect alone would accept a port where something else listens, or a broker that hangs.
 */
function assertAnswers(broker: string, setting: string): Promise<void> {
  const [host, port] = broker.split(/:(?=\d+$)/) as [string, string];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    const timer = setTimeout(() => fail(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`), ANSWER_TIMEOUT_MS);
    const fail = (reason: string): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new BrokerUnavailableError(
          'kafka',
          `Cannot reach KAFKA_BROKERS=${setting} (${reason}).`,
          'Start it (`docker compose up -d kafka`) or unset KAFKA_BROKERS to use the embedded broker.',
        ),
      );
    };
    socket.once('connect', () => socket.write(API_VERSIONS_V0));
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // size (int32) then the correlation id we sent: that is a Kafka broker answering.
      if (received.length < 8) return;
      if (received.readInt32BE(4) !== CORRELATION_ID) return fail('it does not speak the Kafka protocol');
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => fail(describeError(error)));
    socket.once('close', () => fail('it closed the connection'));
  });
}

const ANSWER_TIMEOUT_MS = 3_000;
const CORRELATION_ID = 0x0b0c;
/** ApiVersions (key 18) v0: size, api key, api version, correlation id, client id. */
const API_VERSIONS_V0 = (() => {
  const clientId = Buffer.from('workbook-ping');
  const body = Buffer.alloc(10 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(CORRELATION_ID, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
})();
