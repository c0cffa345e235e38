/**
 * Produced messages come back exactly: values, keys, headers (including a repeated header key and
 * a tombstone), producer timestamps, in send order within each partition, at consecutive offsets.
 */
import type { Message } from 'kafkajs';
import type { Target } from '../brokers.ts';
import { createTopic, readAll } from '../flows.ts';
import { type MessageObservation, byPartition, expectedPartition } from '../observe.ts';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

const PARTITIONS = 3;
/**
 * Explicit producer timestamps, from a minute ago: recent on purpose. A timestamp older than the
 * topic's retention.ms (7 days) makes the data eligible for deletion, which real Kafka does at its
 * next retention check (30 s after start, then every 5 min) — a race no test should run.
 */
let clock = Date.now() - 60_000;
const at = (): string => String(clock++);

/** Three send() calls, so every partition gets more than one batch and order spans batches. */
const SENDS: Message[][] = [
  [
    { key: 'alpha', value: 'alpha-1', headers: { seq: '1', 'trace-id': 'abc' }, timestamp: at() },
    { key: 'bravo', value: 'bravo-1', headers: { seq: '2' }, timestamp: at() },
    { key: 'charlie', value: 'charlie-1', timestamp: at() },
    { key: 'alpha', value: 'alpha-2', headers: { seq: '4' }, timestamp: at() },
  ],
  [
    { key: 'bravo', value: null, headers: { deleted: 'yes' }, timestamp: at() },
    { key: 'delta', value: '', timestamp: at() },
    { key: 'alpha', value: 'alpha-3', headers: { tag: ['x', 'y'] }, timestamp: at() },
  ],
  [
    { key: null, value: 'pinned-to-2', partition: 2, timestamp: at() },
    { key: 'echo', value: 'échø ✓ unicode', timestamp: at() },
    { key: 'alpha', value: 'alpha-4', timestamp: at() },
  ],
];
const TOTAL = SENDS.flat().length;

function expected(): Record<string, Array<Omit<MessageObservation, 'partition'>>> {
  const nextOffset = new Map<number, number>();
  const all = SENDS.flat().map((message): MessageObservation => {
    const partition = message.partition ?? expectedPartition(String(message.key), PARTITIONS);
    const offset = nextOffset.get(partition) ?? 0;
    nextOffset.set(partition, offset + 1);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.map(String) : String(v);
    }
    return {
      partition,
      offset: String(offset),
      key: message.key === null || message.key === undefined ? null : String(message.key),
      value: message.value === null ? null : String(message.value),
      timestamp: String(message.timestamp),
      headers,
    };
  });
  return byPartition(all);
}

export const delivery: Scenario<ReturnType<typeof expected>> = {
  name: 'messages are delivered with keys, headers and timestamps, in order per partition',
  expected: expected(),
  run: (target: Target) =>
    withSession(target, async (session) => {
      const topic = session.name('delivery');
      const admin = await session.admin();
      await createTopic(admin, topic, PARTITIONS);
      const producer = await session.producer();
      for (const messages of SENDS) await producer.send({ topic, messages });
      const received = await readAll(session, { topic, groupId: session.name('delivery-group'), count: TOTAL });
      return session.normalize(byPartition(received));
    }),
};
