import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel, type Consumer, type Producer } from 'kafkajs';
import { defineLab } from '../../src/labs/lab.ts';
import { Inbox } from '../../src/testing/wait.ts';

export interface Seen {
  offset: number;
  value: string;
}

export interface TransactionFindings {
  /** What each consumer had when the read_uncommitted one had received the open transaction's last record. */
  whileOpen: { readUncommitted: Seen[]; readCommitted: Seen[] };
  /** After the abort and a committed transaction. */
  afterAbort: { readUncommitted: Seen[]; readCommitted: Seen[] };
  /** The zombie's send and commit after the second instance started, as kafkajs reports them. */
  zombieErrors: { send: string; commit: string };
  /** What each consumer has at the end. */
  final: { readUncommitted: Seen[]; readCommitted: Seen[] };
}

const WAIT_MS = 20_000;

export default defineLab<TransactionFindings>(async ({ log, kafkaBrokers }) => {
  const kafka = new Kafka({ clientId: 'lab-transactions', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
  const suffix = randomUUID().slice(0, 8);
  const topic = `lab-orders-${suffix}`;
  const transactionalId = `lab-order-writer-${suffix}`;
  const admin = kafka.admin();
  const clients: Array<Producer | Consumer> = [];
  const transactionalProducer = async (): Promise<Producer> => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, transactionalId, idempotent: true, maxInFlightRequests: 1 });
    clients.push(producer);
    await producer.connect();
    return producer;
  };
  const reader = async (isolation: 'read_uncommitted' | 'read_committed'): Promise<Inbox<Seen>> => {
    const consumer = kafka.consumer({ groupId: `lab-${isolation}-${suffix}`, readUncommitted: isolation === 'read_uncommitted', maxWaitTimeInMs: 100 });
    clients.push(consumer);
    const inbox = new Inbox<Seen>();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => inbox.push({ offset: Number(message.offset), value: message.value?.toString() ?? '' }) });
    return inbox;
  };
  const show = (label: string, seen: readonly Seen[]): void => {
    log(`  ${label.padEnd(17)} ${seen.length === 0 ? '(nothing)' : seen.map((s) => `${s.offset}:${s.value}`).join('  ')}`);
  };

  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const uncommitted = await reader('read_uncommitted');
    const committed = await reader('read_committed');
    log(`Two consumers on ${topic}: one read_uncommitted, one read_committed (offset:value of what each received).`);

    const writer = await transactionalProducer();
    const ghost = await writer.transaction();
    await ghost.send({ topic, messages: ['ghost-1', 'ghost-2', 'ghost-3'].map((value) => ({ value })) });
    await uncommitted.waitUntil((s) => s.value === 'ghost-3', WAIT_MS, 'the read_uncommitted consumer receiving ghost-3');
    const whileOpen = { readUncommitted: [...uncommitted.items], readCommitted: [...committed.items] };
    log('');
    log('1. A transaction wrote ghost-1..3 and is still open:');
    show('read_uncommitted', whileOpen.readUncommitted);
    show('read_committed', whileOpen.readCommitted);

    await ghost.abort();
    const real = await writer.transaction();
    await real.send({ topic, messages: ['order-1', 'order-2'].map((value) => ({ value })) });
    await real.commit();
    await Promise.all([
      uncommitted.waitUntil((s) => s.value === 'order-2', WAIT_MS, 'the read_uncommitted consumer receiving order-2'),
      committed.waitUntil((s) => s.value === 'order-2', WAIT_MS, 'the read_committed consumer receiving order-2'),
    ]);
    const afterAbort = { readUncommitted: [...uncommitted.items], readCommitted: [...committed.items] };
    log('');
    log('2. That transaction aborted; the next one wrote order-1..2 and committed:');
    show('read_uncommitted', afterAbort.readUncommitted);
    show('read_committed', afterAbort.readCommitted);
    log('   Offset 3 is the abort marker and 6 the commit marker: control records no consumer is handed.');

    const zombieTransaction = await writer.transaction();
    await zombieTransaction.send({ topic, messages: [{ value: 'zombie-1' }] });
    log('');
    log(`3. The writer (transactional id ${transactionalId}) is mid-transaction with zombie-1 when a second`);
    log('   instance with the same id starts its first transaction:');
    const successor = await transactionalProducer();
    const takeover = await successor.transaction();
    const failure = (error: unknown): string => (error as { type?: string }).type ?? String(error);
    const send = await zombieTransaction.send({ topic, messages: [{ value: 'zombie-2' }] }).then(() => 'sent', failure);
    const commit = await zombieTransaction.commit().then(() => 'committed', failure);
    log(`   the old instance's next send: ${send}`);
    log(`   the old instance's commit:    ${commit}`);
    await takeover.send({ topic, messages: [{ value: 'successor-1' }] });
    await takeover.commit();
    await Promise.all([
      uncommitted.waitUntil((s) => s.value === 'successor-1', WAIT_MS, 'the read_uncommitted consumer receiving successor-1'),
      committed.waitUntil((s) => s.value === 'successor-1', WAIT_MS, 'the read_committed consumer receiving successor-1'),
    ]);
    const final = { readUncommitted: [...uncommitted.items], readCommitted: [...committed.items] };
    show('read_uncommitted', final.readUncommitted);
    show('read_committed', final.readCommitted);
    log('');
    log('The zombie was fenced: its open transaction was aborted by the new instance, and the broker refuses its');
    log('old epoch. A read_committed reader never saw anything the zombie wrote.');
    return { whileOpen, afterAbort, zombieErrors: { send, commit }, final };
  } finally {
    for (const client of clients.reverse()) await client.disconnect().catch(() => {});
    await admin.disconnect();
  }
});
