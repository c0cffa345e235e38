/**
 * Transactions (KIP-98) as kafkajs sees them: what read_committed and read_uncommitted consumers are
 * handed while a transaction is open, after it commits and after it aborts (control records take an
 * offset each, so offsets show where the markers went), a zombie producer being fenced, and a
 * consume-transform-produce pipeline whose offsets commit with its output.
 */
import type { Admin } from 'kafkajs';
import { Inbox, until } from '../../../testing/wait.ts';
import type { Target } from '../brokers.ts';
import { RECEIVE_TIMEOUT_MS, createTopic, readAll, startReader } from '../flows.ts';
import { type ErrorObservation, type MessageObservation, outcome } from '../observe.ts';
import { PATIENT_RETRY, withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

type Seen = Array<[offset: string, value: string | null]>;

const seen = (items: readonly MessageObservation[]): Seen => items.map((m) => [m.offset, m.value]);

/** Latest and earliest offsets as kafkajs's admin reads them (ListOffsets, read_committed). */
async function committedEnds(admin: Admin, topic: string): Promise<Array<{ partition: number; high: string; low: string }>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map(({ partition, high, low }) => ({ partition, high, low })).sort((a, b) => a.partition - b.partition);
}

interface CommitObservation {
  whileOpen: Array<{ partition: number; high: string; low: string }>;
  afterRead: Array<{ partition: number; high: string; low: string }>;
  readCommitted: Record<string, Seen>;
}

export const transactionCommit: Scenario<CommitObservation> = {
  name: 'a committed transaction across two partitions: invisible to read_committed until the commit, then all of it',
  timeoutMs: 90_000,
  expected: {
    whileOpen: [
      { partition: 0, high: '0', low: '0' },
      { partition: 1, high: '0', low: '0' },
    ],
    // Each partition's commit marker takes one offset after its records.
    afterRead: [
      { partition: 0, high: '4', low: '0' },
      { partition: 1, high: '2', low: '0' },
    ],
    readCommitted: {
      '0': [['0', 'a0'], ['1', 'a1'], ['2', 'a2']],
      '1': [['0', 'b0']],
    },
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const topic = session.name('txn-commit');
      const admin = await session.admin();
      await createTopic(admin, topic, 2);
      const producer = await session.transactionalProducer('txn-commit-producer');
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: [{ partition: 0, value: 'a0' }, { partition: 0, value: 'a1' }, { partition: 1, value: 'b0' }] });
      await transaction.send({ topic, messages: [{ partition: 0, value: 'a2' }] });
      const whileOpen = await committedEnds(admin, topic);
      await transaction.commit();
      const received = await readAll(session, { topic, groupId: session.name('txn-commit-readers'), count: 4, retry: PATIENT_RETRY });
      // Only now: Kafka writes the markers after EndTxn has answered, so right after commit() its last
      // stable offset may not have moved yet; once read_committed saw every record, both markers are in.
      const afterRead = await committedEnds(admin, topic);
      const readCommitted: Record<string, Seen> = {};
      for (const partition of [0, 1]) readCommitted[String(partition)] = seen(received.filter((m) => m.partition === partition));
      return session.normalize({ whileOpen, afterRead, readCommitted });
    }),
};

interface IsolationObservation {
  latestWhileOpen: string;
  uncommittedWhileOpen: Seen;
  uncommittedAtEnd: Seen;
  committedAtEnd: Seen;
  latestAtEnd: string;
}

export const isolationLevels: Scenario<IsolationObservation> = {
  name: 'read_uncommitted sees an open transaction that then aborts; read_committed never does',
  timeoutMs: 90_000,
  expected: {
    latestWhileOpen: '0',
    uncommittedWhileOpen: [['0', 't1'], ['1', 't2'], ['2', 'plain-1']],
    // Offset 3 is the abort marker.
    uncommittedAtEnd: [['0', 't1'], ['1', 't2'], ['2', 'plain-1'], ['4', 'plain-2']],
    committedAtEnd: [['2', 'plain-1'], ['4', 'plain-2']],
    latestAtEnd: '5',
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const topic = session.name('txn-isolation');
      const admin = await session.admin();
      await createTopic(admin, topic, 1);
      const transactional = await session.transactionalProducer('txn-isolation-producer');
      const plain = await session.producer();
      const transaction = await transactional.transaction();
      await transaction.send({ topic, messages: [{ value: 't1' }, { value: 't2' }] });
      // Not part of the transaction, but behind it: read_committed cannot pass the open transaction.
      await plain.send({ topic, messages: [{ value: 'plain-1' }] });
      const latestWhileOpen = (await committedEnds(admin, topic))[0]!.high;

      const uncommitted = await startReader(session, { topic, groupId: session.name('txn-isolation-uncommitted'), readUncommitted: true, clientId: 'uncommitted', retry: PATIENT_RETRY });
      const committed = await startReader(session, { topic, groupId: session.name('txn-isolation-committed'), clientId: 'committed', retry: PATIENT_RETRY });
      const uncommittedWhileOpen = seen(await uncommitted.inbox.waitUntil((m) => m.value === 'plain-1', RECEIVE_TIMEOUT_MS, 'read_uncommitted reaching plain-1'));

      await transaction.abort();
      // Kafka writes the abort marker after abort() returns: once read_committed gets plain-1, the
      // marker is in (offset 3), and plain-2 lands after it on both brokers.
      await committed.inbox.waitUntil((m) => m.value === 'plain-1', RECEIVE_TIMEOUT_MS, 'read_committed reaching plain-1 once the abort marker is written');
      await plain.send({ topic, messages: [{ value: 'plain-2' }] });
      const uncommittedAtEnd = seen(await uncommitted.inbox.waitUntil((m) => m.value === 'plain-2', RECEIVE_TIMEOUT_MS, 'read_uncommitted reaching plain-2'));
      const committedAtEnd = seen(await committed.inbox.waitUntil((m) => m.value === 'plain-2', RECEIVE_TIMEOUT_MS, 'read_committed reaching plain-2'));
      const latestAtEnd = (await committedEnds(admin, topic))[0]!.high;
      return session.normalize({ latestWhileOpen, uncommittedWhileOpen, uncommittedAtEnd, committedAtEnd, latestAtEnd });
    }),
};

interface FencingObservation {
  zombieSend: { ok: unknown } | { error: ErrorObservation };
  zombieCommit: { ok: unknown } | { error: ErrorObservation };
  readCommitted: Seen;
}

const OLD_EPOCH: ErrorObservation = {
  name: 'KafkaJSProtocolError',
  message: "Producer attempted an operation with an old epoch. Either there is a newer producer with the same transactionalId, or the producer's transaction has been expired by the broker",
  type: 'INVALID_PRODUCER_EPOCH',
  code: 47,
  retriable: false,
};

export const fencing: Scenario<FencingObservation> = {
  name: 'a second producer with the same transactional id fences the first (its transaction aborted, its next requests refused)',
  timeoutMs: 90_000,
  expected: {
    zombieSend: { error: OLD_EPOCH },
    zombieCommit: { error: OLD_EPOCH },
    // zombie-1 at 0 and its abort marker at 1; successor-1 at 2 and its commit marker at 3.
    readCommitted: [['2', 'successor-1'], ['4', 'end']],
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const topic = session.name('txn-fence');
      const admin = await session.admin();
      await createTopic(admin, topic, 1);
      const zombie = await session.transactionalProducer('txn-fence-producer', 'zombie');
      const zombieTransaction = await zombie.transaction();
      await zombieTransaction.send({ topic, messages: [{ value: 'zombie-1' }] });

      const successor = await session.transactionalProducer('txn-fence-producer', 'successor');
      // kafkajs registers the transactional id (InitProducerId) when the first transaction begins.
      const transaction = await successor.transaction();
      const zombieSend = await outcome(() => zombieTransaction.send({ topic, messages: [{ value: 'zombie-2' }] }).then(() => 'sent'));
      const zombieCommit = await outcome(() => zombieTransaction.commit());

      await transaction.send({ topic, messages: [{ value: 'successor-1' }] });
      await transaction.commit();
      const plain = await session.producer();
      await plain.send({ topic, messages: [{ value: 'end' }] });
      const received = await readAll(session, { topic, groupId: session.name('txn-fence-readers'), count: 2, retry: PATIENT_RETRY });
      return session.normalize({ zombieSend, zombieCommit, readCommitted: seen(received) });
    }),
};

interface PipelineObservation {
  firstRunHandled: string[];
  committedAfterCrash: string;
  secondRunHandled: string[];
  committedAtEnd: string;
  outputReadCommitted: Seen;
  outputReadUncommitted: Seen;
}

export const consumeTransformProduce: Scenario<PipelineObservation> = {
  name: 'consume-transform-produce with sendOffsets: a crash mid-transaction leaves no duplicate for read_committed',
  timeoutMs: 120_000,
  expected: {
    // Offsets 0-2 committed with their output; 3 aborted ("crash"); 4-5 never processed.
    firstRunHandled: ['0', '1', '2', '3'],
    committedAfterCrash: '3',
    secondRunHandled: ['3', '4', '5'],
    committedAtEnd: '6',
    outputReadCommitted: [['0', 'M0'], ['2', 'M1'], ['4', 'M2'], ['8', 'M3'], ['10', 'M4'], ['12', 'M5']],
    outputReadUncommitted: [['0', 'M0'], ['2', 'M1'], ['4', 'M2'], ['6', 'M3'], ['8', 'M3'], ['10', 'M4'], ['12', 'M5']],
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const input = session.name('txn-pipeline-in');
      const output = session.name('txn-pipeline-out');
      const groupId = session.name('txn-pipeline-group');
      const admin = await session.admin();
      await createTopic(admin, input, 1);
      await createTopic(admin, output, 1);
      const plain = await session.producer();
      await plain.send({ topic: input, messages: [0, 1, 2, 3, 4, 5].map((i) => ({ value: `m${i}` })) });

      /** One processor instance: each message is transformed and its offset committed in one transaction. */
      const runProcessor = async (clientId: string, crashAt: string | null): Promise<string[]> => {
        const producer = await session.transactionalProducer('txn-pipeline-processor', `${clientId}-producer`);
        const consumer = session.consumer({ groupId }, clientId, PATIENT_RETRY);
        const handled = new Inbox<string>();
        let crashed = false;
        await consumer.connect();
        await consumer.subscribe({ topic: input, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            if (crashed) return;
            const transaction = await producer.transaction();
            await transaction.send({ topic: output, messages: [{ value: message.value!.toString().toUpperCase() }] });
            const next = String(Number(message.offset) + 1);
            await transaction.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition, offset: next }] }] });
            if (message.offset === crashAt) {
              crashed = true;
              await transaction.abort();
            } else {
              await transaction.commit();
            }
            handled.push(message.offset);
          },
        });
        const last = crashAt ?? '5';
        const offsets = await handled.waitUntil((offset) => offset === last, RECEIVE_TIMEOUT_MS, `the processor handling offset ${last}`);
        await consumer.disconnect();
        return offsets.slice();
      };
      const committedOffset = async (): Promise<string> => (await admin.fetchOffsets({ groupId, topics: [input] }))[0]!.partitions[0]!.offset;

      const firstRunHandled = await runProcessor('first-run', '3');
      const committedAfterCrash = await committedOffset();
      const secondRunHandled = await runProcessor('second-run', null);
      // Kafka completes a commit (markers, the offsets it carried) after EndTxn has answered; the
      // previous ones were complete before the next transaction could begin, this last one needs a wait.
      await until(async () => (await committedOffset()) === '6', 'the last transaction\'s offsets becoming visible', RECEIVE_TIMEOUT_MS).catch(() => {});
      const committedAtEnd = await committedOffset();
      const outputReadCommitted = seen(await readAll(session, { topic: output, groupId: session.name('txn-pipeline-committed'), count: 6, retry: PATIENT_RETRY }));
      const outputReadUncommitted = seen(
        await readAll(session, { topic: output, groupId: session.name('txn-pipeline-uncommitted'), count: 7, readUncommitted: true, retry: PATIENT_RETRY }),
      );
      return session.normalize({ firstRunHandled, committedAfterCrash, secondRunHandled, committedAtEnd, outputReadCommitted, outputReadUncommitted });
    }),
};
