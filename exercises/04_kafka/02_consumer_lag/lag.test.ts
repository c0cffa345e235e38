import type { Admin } from 'kafkajs';
import { beforeAll, afterAll, describe, expect, test } from 'vitest';
import { commitGroupOffsets, createTopic, kafkaClient, uniqueName } from '#testing/kafka';
import { consumerLag } from './lag.ts';

// Partition 0 holds 5 messages, partition 1 holds 2, partition 2 none.
const COUNTS = [5, 2, 0];
let admin: Admin;
let topic: string;

beforeAll(async () => {
  topic = uniqueName('lag');
  await createTopic(topic, COUNTS.length);
  const producer = kafkaClient().producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: COUNTS.flatMap((count, partition) => Array.from({ length: count }, (_, i) => ({ partition, value: `p${partition}-m${i}` }))),
  });
  await producer.disconnect();
  admin = kafkaClient().admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
});

describe('consumerLag', () => {
  test('a group that has committed nothing will read everything (reset: earliest)', async () => {
    const lag = await consumerLag(admin, uniqueName('fresh-group'), topic, 'earliest');
    expect(lag).toEqual([
      { partition: 0, committed: null, end: 5, lag: 5 },
      { partition: 1, committed: null, end: 2, lag: 2 },
      { partition: 2, committed: null, end: 0, lag: 0 },
    ]);
  });

  test('a group that has committed nothing and starts at the end has no lag (reset: latest)', async () => {
    const lag = await consumerLag(admin, uniqueName('fresh-group'), topic, 'latest');
    expect(lag.map((p) => p.lag), 'lag per partition').toEqual([0, 0, 0]);
    expect(lag.map((p) => p.committed), 'nothing is committed yet').toEqual([null, null, null]);
  });

  test('after commits, lag is what remains past the committed offset', async () => {
    const groupId = uniqueName('group');
    await commitGroupOffsets(groupId, topic, { 0: 3 });

    const lag = await consumerLag(admin, groupId, topic);

    expect(lag).toEqual([
      { partition: 0, committed: 3, end: 5, lag: 2 },
      { partition: 1, committed: null, end: 2, lag: 2 },
      { partition: 2, committed: null, end: 0, lag: 0 },
    ]);
  });

  test('a group that is all caught up has zero lag everywhere', async () => {
    const groupId = uniqueName('group');
    await commitGroupOffsets(groupId, topic, Object.fromEntries(COUNTS.entries()));

    const lag = await consumerLag(admin, groupId, topic);

    expect(lag.map((p) => p.lag)).toEqual([0, 0, 0]);
    expect(lag.map((p) => p.committed)).toEqual([5, 2, 0]);
  });
});
