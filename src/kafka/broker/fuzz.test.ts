/**
 * Throws well over 100,000 frames at the broker over thousands of connections: well-formed requests
 * with hostile values, which must all be answered, each connection ending with a frame built to
 * break it (or, by luck, one that parks: the client's hang-up must then end the wait). The broker must not crash, must log at most one line per connection it closes, and must
 * serve kafkajs normally afterwards. Replay a failure with BROKER_FUZZ_SEED=<seed>.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { within } from '../../testing/wait.ts';
import { startEmbeddedKafka } from './index.ts';
import { ApiKey } from './protocol/api-keys.ts';
import { FrameFactory, Random } from './testing/fuzz-frames.ts';
import { connectedProducer, consumeInto, fastConsumer, testKafka } from './testing/kafkajs-client.ts';
import { RawClient, splitAddress } from './testing/raw-client.ts';

const SEED = Number(process.env.BROKER_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONNECTIONS = 2_500;
const PARALLEL = 8;
const MIN_FRAMES = 100_000;

interface Plan {
  index: number;
  bytes: Buffer;
  frames: number;
  answers: number;
}

/**
 * Sends one connection's frames and counts the answers; once every well-formed request is answered
 * (or the broker has closed), hangs up and waits for the close.
 */
async function run(address: string, plan: Plan): Promise<{ answers: number; localPort: number }> {
  const [host, port] = splitAddress(address);
  const socket = connect({ host, port });
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let answers = 0;
  let pending: Buffer = Buffer.alloc(0);
  let answered = (): void => {};
  const allAnswered = new Promise<void>((resolve) => (answered = resolve));
  if (plan.answers === 0) answered();
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      pending = pending.subarray(4 + pending.readInt32BE(0));
      if (++answers >= plan.answers) answered();
    }
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  socket.write(plan.bytes);
  await within(connected, 10_000, `connection ${plan.index} (seed ${SEED}) opening`);
  const localPort = socket.localPort ?? -1;
  await within(Promise.race([allAnswered, closed]), 10_000, `answers on connection ${plan.index} (seed ${SEED})`);
  socket.end();
  await within(closed, 10_000, `connection ${plan.index} (seed ${SEED}) closing`);
  return { answers, localPort };
}

describe('fuzzing the broker', () => {
  it(`survives ${MIN_FRAMES.toLocaleString('en')}+ hostile frames and still serves kafkajs (seed ${SEED})`, async () => {
    const lines: string[] = [];
    // Short sessions bound every group wait: members whose clients vanished expire within a second.
    const kafka = await startEmbeddedKafka({ brokers: 2, groupMinSessionTimeoutMs: 1, groupMaxSessionTimeoutMs: 1_000, log: (line) => lines.push(line) });
    try {
      const factory = new FrameFactory(new Random(SEED));
      let next = 0;
      let frames = 0;
      let expectedAnswers = 0;
      let answers = 0;
      const makePlan = (index: number): Plan => {
        const requests = Array.from({ length: 20 + (index % 41) }, () => factory.request());
        const breaker = factory.breaker();
        return {
          index,
          bytes: Buffer.concat([...requests.map((r) => r.frame), breaker]),
          frames: requests.length + (breaker.length > 0 ? 1 : 0),
          answers: requests.filter((r) => r.answered).length,
        };
      };
      const worker = async (): Promise<void> => {
        while (next < CONNECTIONS) {
          const plan = makePlan(next++);
          const logged = lines.length;
          const { answers: got, localPort } = await run(kafka.brokers[plan.index % kafka.brokers.length]!, plan);
          // The broker names the client's address: at most one line may name this connection. The
          // same client port can be in use towards the other broker at the same time, so match the
          // broker too (node ids follow the order of kafka.brokers).
          const broker = `kafka broker ${plan.index % kafka.brokers.length}: `;
          expect(lines.slice(logged).filter((line) => line.startsWith(broker) && line.includes(`127.0.0.1:${localPort}: `)).length, `log lines for connection ${plan.index} (seed ${SEED})`).toBeLessThanOrEqual(1);
          frames += plan.frames;
          expectedAnswers += plan.answers;
          answers += got;
          // Every well-formed request is answered; the breaker may, by luck, be well-formed too.
          expect(got, `answers on connection ${plan.index} (seed ${SEED})`).toBeGreaterThanOrEqual(plan.answers);
          expect(got, `answers on connection ${plan.index} (seed ${SEED})`).toBeLessThanOrEqual(plan.answers + 1);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));

      expect(frames).toBeGreaterThanOrEqual(MIN_FRAMES);
      expect(answers).toBeGreaterThanOrEqual(expectedAnswers);
      expect(lines.length).toBeLessThanOrEqual(CONNECTIONS);
      expect(lines.length).toBeGreaterThan(CONNECTIONS / 2);
      for (const line of lines) expect(line).toMatch(/^kafka broker [01]: closed connection from 127\.0\.0\.1:\d+: \S/);
      expect(lines.every((line) => !line.includes('\n'))).toBe(true);
      // Hostile input is the client's fault; an internal error would be the broker's.
      expect(lines.filter((line) => line.includes('internal error'))).toEqual([]);

      // Both brokers still answer, and a well-behaved kafkajs client works end to end.
      for (const address of kafka.brokers) {
        const client = await RawClient.connect(address);
        expect((await client.request(ApiKey.ApiVersions, 2, () => {})).int16()).toBe(0);
        client.close();
      }
      const logsBefore = lines.length;
      const client = testKafka(kafka.bootstrap);
      const producer = await connectedProducer(client);
      await producer.send({ topic: 'after-the-storm', messages: Array.from({ length: 10 }, (_, i) => ({ value: `calm-${i}` })) });
      await producer.disconnect();
      const consumer = fastConsumer(client, { groupId: 'after-the-storm', sessionTimeout: 1_000 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'after-the-storm', fromBeginning: true });
      const inbox = await consumeInto(consumer);
      const received = await inbox.waitFor(10, 10_000, 'kafkajs consuming after the fuzz');
      await consumer.disconnect();
      expect(received.map((m) => m.value)).toEqual(Array.from({ length: 10 }, (_, i) => `calm-${i}`));
      expect(lines.length).toBe(logsBefore);
    } finally {
      await kafka.stop();
    }
  }, 60_000);
});
