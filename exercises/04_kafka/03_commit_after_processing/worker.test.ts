import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { committedOffset, createTopic, kafkaBrokers, kafkaClient, uniqueName } from '#testing/kafka';
import { learnerModulePath } from '#testing/learner-module';
import { Inbox, within } from '#testing/wait';
import { startWorker } from './worker.ts';

const MESSAGES = Array.from({ length: 10 }, (_, i) => `m${i}`);
/** Kafka's minimum session timeout is 6 s: a killed member is noticed only after it. */
const FAST = { sessionTimeout: 6_000, heartbeatInterval: 500 };

async function topicWithMessages(): Promise<string> {
  const topic = uniqueName('work');
  await createTopic(topic, 1);
  const producer = kafkaClient().producer();
  await producer.connect();
  await producer.send({ topic, messages: MESSAGES.map((value) => ({ value })) });
  await producer.disconnect();
  return topic;
}


/** What a committed offset seen while m5 is in flight says about the worker. */
function whatCommitSays(committed: number): string {
  if (committed === 6) return 'm5 is marked done before handle() finished: commit after handling, not before';
  if (committed === 4) return 'the offset committed is the next one to read, message.offset + 1, not the handled message\'s own offset';
  if (committed < 0) return 'nothing is committed yet: commit each message as soon as it is handled (autoCommit waits for the end of the batch)';
  if (committed < 5) return 'earlier messages were handled but not committed one by one';
  return 'messages after m5 are committed before m5 is done';
}

describe('a worker that commits after processing', () => {
  test('while m5 is being handled, m0..m4 are committed and m5 is not', async () => {
    const topic = await topicWithMessages();
    const groupId = uniqueName('workers');
    const handled = new Inbox<string>();
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const worker = await startWorker(kafkaClient(), {
      groupId,
      topic,
      consumerConfig: FAST,
      handle: async (value) => {
        handled.push(`start ${value}`);
        if (value === 'm5') await blocked;
      },
    });
    try {
      await handled.waitUntil((e) => e === 'start m5', 10_000, 'the worker starting to handle m5');
      const committed = await committedOffset(groupId, topic);
      expect(committed, `committed offset while m5 is in flight (5 = "m0..m4 are done"): ${whatCommitSays(committed)}`).toBe(5);
    } finally {
      release();
      await worker.stop();
    }
  });

  test('after a crash in the middle of m5, the next worker gets m5 and nothing before it', async () => {
    const topic = await topicWithMessages();
    const groupId = uniqueName('workers');
    const fixture = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, learnerModulePath(import.meta.url, 'worker.ts'), kafkaBrokers().join(','), groupId, topic, 'm5'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const crashed = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await within(
        new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('in-flight m5') && resolve())),
        20_000,
        'the first worker (in a child process) starting to handle m5',
      );
    } finally {
      child.kill('SIGKILL');
      await crashed;
    }

    // The next worker starts where the group committed: when that is already wrong, say so now
    // rather than after the killed member's session has timed out.
    const committed = await committedOffset(groupId, topic);
    expect(committed, `committed offset after the crash in the middle of m5 (5 = "the next worker starts at m5"): ${whatCommitSays(committed)}`).toBe(5);
    const handled = new Inbox<string>();
    const next = await startWorker(kafkaClient(), { groupId, topic, consumerConfig: FAST, handle: async (value) => handled.push(value) });
    try {
      await handled.waitUntil((v) => v === 'm9', 25_000, 'the second worker reaching m9 (it waits for the killed member to time out)');
      expect(handled.items, 'what the second worker handled: m5 again (it was in flight), then the rest').toEqual(['m5', 'm6', 'm7', 'm8', 'm9']);
    } finally {
      await next.stop();
    }
  }, 60_000);

  test('a handler that throws is retried, not skipped', async () => {
    const topic = await topicWithMessages();
    const groupId = uniqueName('workers');
    const handled = new Inbox<string>();
    let failedOnce = false;
    const worker = await startWorker(kafkaClient({ retry: { retries: 5, initialRetryTime: 20 } }), {
      groupId,
      topic,
      // After the failure kafkajs fetches m3 again; a short fetch wait keeps it from idling there.
      consumerConfig: { ...FAST, maxWaitTimeInMs: 100 },
      handle: async (value) => {
        if (value === 'm3' && !failedOnce) {
          failedOnce = true;
          throw new Error('transient failure handling m3');
        }
        handled.push(value);
      },
    });
    try {
      await handled.waitUntil((v) => v === 'm9', 15_000, 'the worker reaching m9');
      expect(handled.items.filter((v) => v === 'm3'), 'm3 is handled after its failure').toEqual(['m3']);
      expect(await committedOffset(groupId, topic), 'everything is committed in the end').toBe(10);
    } finally {
      await worker.stop();
    }
  }, 30_000);
});
