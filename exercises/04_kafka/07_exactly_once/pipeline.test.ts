import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Partitioners } from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { committedOffset, createTopic, disconnectAfterTest, kafkaBrokers, kafkaClient, messagesWritten, uniqueName } from '#testing/kafka';
import { learnerModulePath } from '#testing/learner-module';
import { Inbox, until, within } from '#testing/wait';
import { startPipeline } from './pipeline.ts';

const INPUT = Array.from({ length: 10 }, (_, i) => `m${i}`);
const EXPECTED = INPUT.map((value) => value.toUpperCase());
/**
 * Kafka's minimum session timeout is 6 s: a killed member's partitions move only after it. A short
 * fetch wait, so that input produced while a fetch is waiting is read without idling for 5 s.
 */
const FAST = { sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 };
/** Long enough for the crashed member's session to expire, far shorter than a transaction timeout (60 s). */
const RESTART_MS = 30_000;
/**
 * A child process's start: tsx, a group join, and on a fresh real Kafka the creation of its
 * __transaction_state topic, which kafkajs waits out with retries.
 */
const CHILD_START_MS = 45_000;
/**
 * Once the restarted instance has written LAST, a right answer commits it within milliseconds (a
 * real Kafka writes the commit markers just after answering). Seconds more, with read_committed
 * readers still held back, mean a transaction nobody will finish is in the way.
 */
const COMMIT_AFTER_WRITE_MS = 5_000;
/** A real Kafka makes a transaction's offsets and its output visible a moment apart. */
const MARKERS_APART_MS = 2_000;

interface Names {
  input: string;
  output: string;
  groupId: string;
  transactionalId: string;
}

async function pipelineTopics(): Promise<Names> {
  const names = { input: uniqueName('orders'), output: uniqueName('invoices'), groupId: uniqueName('invoicing'), transactionalId: uniqueName('invoicing-tx') };
  await createTopic(names.input, 1);
  await createTopic(names.output, 1);
  return names;
}

async function produce(topic: string, values: string[]): Promise<void> {
  const producer = disconnectAfterTest(kafkaClient().producer({ createPartitioner: Partitioners.DefaultPartitioner }));
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ value })) });
}

/**
 * A fresh group reading `topic` from the start at one isolation level, every value in an inbox;
 * resolves once it has joined its group, so that it reads what is written from then on at once.
 */
async function readOutput(topic: string, isolation: 'read_committed' | 'read_uncommitted'): Promise<Inbox<string>> {
  const consumer = disconnectAfterTest(kafkaClient().consumer({ groupId: uniqueName('reader'), readUncommitted: isolation === 'read_uncommitted', maxWaitTimeInMs: 100 }));
  const inbox = new Inbox<string>();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => inbox.push(message.value?.toString() ?? '') });
  await within(joined, 15_000, `a ${isolation} reader of ${topic} joining its group`);
  return inbox;
}


/**
 * Right after the crash, before the restart (which waits out the dead member's session): output
 * that read_committed readers already see must have had its input offsets committed with it, or
 * the restarted instance, starting from the group's offset, writes it again.
 */
async function expectNoVisibleOutputWithoutOffsets(names: Names): Promise<void> {
  let visible = 0;
  let committed = -1;
  await until(
    async () => {
      visible = await messagesWritten(names.output);
      committed = await committedOffset(names.groupId, names.input);
      return visible === 0 || committed >= 0;
    },
    'the input offsets of the output already visible being committed',
    MARKERS_APART_MS,
  ).catch(() => {});
  if (visible > 0) {
    expect(
      committed,
      `the group's committed input offset, while read_committed readers already see output (up to offset ${visible}): -1 = none, so the restarted instance writes that output again — write the output in a transaction and commit the input offsets inside it (transaction.sendOffsets), not through the consumer`,
    ).toBeGreaterThanOrEqual(0);
  }
}

/** Runs the pipeline in a child process that dies as `crash` says (see pipeline-process.ts). */
function crashingPipeline(names: Names, crash: string) {
  const fixture = fileURLToPath(new URL('./pipeline-process.ts', import.meta.url));
  const args = [learnerModulePath(import.meta.url, 'pipeline.ts'), kafkaBrokers().join(','), names.groupId, names.input, names.output, names.transactionalId, crash];
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const printed = (line: string): Promise<void> =>
    new Promise((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes(line) && resolve()));
  return {
    exited,
    printed,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * After a crash: a new instance with the same group and transactional id finishes the work, then
 * `last` goes in behind everything, so its result marks the end of what read_committed readers see.
 */
async function restartAndReadCommitted(names: Names): Promise<string[]> {
  const pipeline = await startPipeline(kafkaClient(), { ...names, consumerConfig: FAST, transform: (value) => value.toUpperCase() });
  try {
    const written = await readOutput(names.output, 'read_uncommitted');
    let lastWrittenAt: number | undefined;
    written.waitUntil((v) => v === 'LAST', RESTART_MS, 'LAST being written').then(
      () => (lastWrittenAt = Date.now()),
      () => {},
    );
    const committed = await readOutput(names.output, 'read_committed');
    await produce(names.input, ['last']);
    const seen = await committed.waitUntil(
      (v) => v === 'LAST',
      RESTART_MS,
      'read_committed readers of the output reaching LAST (a transaction left open by the crashed instance holds them back until it is aborted)',
      {
        failWhen: () =>
          lastWrittenAt !== undefined &&
          Date.now() - lastWrittenAt > COMMIT_AFTER_WRITE_MS &&
          `the restarted instance wrote LAST over ${COMMIT_AFTER_WRITE_MS / 1000} s ago, but read_committed readers are still held back by a transaction of the crashed instance that nobody aborts: give the restarted instance the same transactional id, so that starting it fences the crashed one and aborts its transaction`,
      },
    );
    return seen.filter((v) => v !== 'LAST');
  } finally {
    await pipeline.stop();
  }
}

describe('an exactly-once consume-transform-produce pipeline', () => {
  test('after a crash in the middle of a batch, read_committed readers see each result exactly once', async () => {
    const names = await pipelineTopics();
    await produce(names.input, INPUT);
    const first = crashingPipeline(names, 'in-transform:m5');
    try {
      await within(first.printed('in-flight m5'), CHILD_START_MS, 'the first pipeline (in a child process) starting to transform m5');
    } finally {
      await first.kill();
    }

    await expectNoVisibleOutputWithoutOffsets(names);
    const results = await restartAndReadCommitted(names);
    expect(results, 'the output as read_committed readers see it: M0..M9, once each, in order').toEqual(EXPECTED);
    // The crash did leave M0..M4 in the log a first time: only their aborted transaction hides them.
    const everything = await (await readOutput(names.output, 'read_uncommitted')).waitUntil((v) => v === 'LAST', 10_000, 'read_uncommitted reaching LAST');
    expect(everything.filter((v) => v === 'M0').length, 'copies of M0 in the log, aborted one included').toBe(2);
  }, 120_000);

  test('a crash right after a batch is written never writes that batch again', async () => {
    const names = await pipelineTopics();
    await produce(names.input, INPUT);
    // This instance dies the moment it commits input offsets outside a transaction.
    const first = crashingPipeline(names, 'on-consumer-commit');
    const committed = await readOutput(names.output, 'read_committed');
    try {
      await within(
        Promise.race([first.exited, committed.waitUntil((v) => v === 'M9', CHILD_START_MS, 'M9')]),
        CHILD_START_MS,
        'the first pipeline (in a child process) writing M9 (or crashing)',
      );
    } finally {
      await first.kill();
    }

    await expectNoVisibleOutputWithoutOffsets(names);
    const results = await restartAndReadCommitted(names);
    expect(results, 'the output as read_committed readers see it: the batch written before the crash must not come back').toEqual(EXPECTED);
  }, 120_000);

  test('input from an aborted upstream transaction is never transformed', async () => {
    const names = await pipelineTopics();
    const upstream = disconnectAfterTest(
      kafkaClient().producer({ createPartitioner: Partitioners.DefaultPartitioner, transactionalId: uniqueName('upstream'), idempotent: true, maxInFlightRequests: 1 }),
    );
    await upstream.connect();
    for (const [value, outcome] of [['a', 'commit'], ['poison', 'abort'], ['b', 'commit']] as const) {
      const transaction = await upstream.transaction();
      await transaction.send({ topic: names.input, messages: [{ value }] });
      await (outcome === 'commit' ? transaction.commit() : transaction.abort());
    }
    const results = await restartAndReadCommitted(names);
    expect(results, 'results of the upstream transactions that committed (an aborted one never happened)').toEqual(['A', 'B']);
  }, 30_000);

  test('a transform that fails writes nothing of its batch, and the batch is done again', async () => {
    const names = await pipelineTopics();
    await produce(names.input, INPUT);
    let failedOnce = false;
    const pipeline = await startPipeline(kafkaClient({ retry: { retries: 5, initialRetryTime: 20 } }), {
      ...names,
      consumerConfig: FAST,
      transform: (value) => {
        if (value === 'm7' && !failedOnce) {
          failedOnce = true;
          throw new Error('transient failure transforming m7');
        }
        return value.toUpperCase();
      },
    });
    try {
      await produce(names.input, ['last']);
      const committed = await readOutput(names.output, 'read_committed');
      const seen = await committed.waitUntil((v) => v === 'LAST', 15_000, 'read_committed readers reaching LAST after the failed batch was done again');
      expect(failedOnce, 'the transform of m7 failed once').toBe(true);
      expect(seen.filter((v) => v !== 'LAST'), 'M0..M6 written before the failure are not there twice').toEqual(EXPECTED);
    } finally {
      await pipeline.stop();
    }
  }, 30_000);
});
