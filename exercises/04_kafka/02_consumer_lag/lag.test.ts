import type { Admin } from 'kafkajs';
import { beforeAll, afterAll, describe, expect, test } from 'vitest';
import { commitGroupOffsets, createTopic, kafkaClient, uniqueName } from '#testing/kafka';
import { consumerLag } from './lag.ts';

// Partition 0 holds 5 messages, partition 1 holds 2, partition 2 none, partition 3 holds 3.
// (Four partitions: the order a broker lists them in is then visibly not 0, 1, 2, 3.)
const COUNTS = [5, 2, 0, 3];
let admin: Admin;
let topic: string;
// A second topic whose log no longer starts at 0: 6 messages on partition 0, the first 4 deleted.
const TRIMMED = { messages: 6, logStart: 4 };
let trimmedTopic: string;

beforeAll(async () => {
  topic = uniqueName('lag');
  await createTopic(topic, COUNTS.length);
  const producer = kafkaClient().producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: COUNTS.flatMap((count, partition) => Array.from({ length: count }, (_, i) => ({ partition, value: `p${partition}-m${i}` }))),
  });
  trimmedTopic = uniqueName('lag-trimmed');
  await createTopic(trimmedTopic, 1);
  await producer.send({ topic: trimmedTopic, messages: Array.from({ length: TRIMMED.messages }, (_, i) => ({ partition: 0, value: `m${i}` })) });
  await producer.disconnect();
  admin = kafkaClient().admin();
  await admin.connect();
  // What retention does to old segments, done at once: the log now starts at offset 4.
  await admin.fetchTopicMetadata({ topics: [trimmedTopic] }); // kafkajs looks the leader up in metadata it already has
  await admin.deleteTopicRecords({ topic: trimmedTopic, partitions: [{ partition: 0, offset: String(TRIMMED.logStart) }] });
});

/** Sorted here so that each check below is about its own subject; the sorting has a test of its own. */
const byPartition = <T extends { partition: number }>(list: T[]): T[] => [...list].sort((a, b) => a.partition - b.partition);

afterAll(async () => {
  await admin?.disconnect();
});

describe('consumerLag', () => {
  test('lists every partition once, sorted by partition number', async () => {
    const lag = await consumerLag(admin, uniqueName('fresh-group'), topic, 'earliest');
    // Kafka's Metadata and ListOffsets answers list partitions in their own order, not sorted (the
    // embedded broker does the same): code that does not sort returns them as the broker listed them.
    expect(lag.map((p) => p.partition), 'the partitions, in the order consumerLag returned them (did you sort by partition?)').toEqual([0, 1, 2, 3]);
  });

  test('a group that has committed nothing will read everything (reset: earliest)', async () => {
    const lag = byPartition(await consumerLag(admin, uniqueName('fresh-group'), topic, 'earliest'));
    expect(lag.map((p) => p.committed), "committed, for a group that has committed nothing (Kafka answers '-1': report null)").toEqual([null, null, null, null]);
    expect(lag.map((p) => p.lag), 'lag per partition with no commit and reset earliest: what is in the log, end − low (not end − (−1))').toEqual(COUNTS);
    expect(lag).toEqual([
      { partition: 0, committed: null, end: 5, lag: 5 },
      { partition: 1, committed: null, end: 2, lag: 2 },
      { partition: 2, committed: null, end: 0, lag: 0 },
      { partition: 3, committed: null, end: 3, lag: 3 },
    ]);
  });

  test('a group that has committed nothing and starts at the end has no lag (reset: latest)', async () => {
    const lag = byPartition(await consumerLag(admin, uniqueName('fresh-group'), topic, 'latest'));
    expect(lag.map((p) => p.lag), 'lag per partition with no commit and reset latest (the consumer starts at the end: nothing to read)').toEqual([0, 0, 0, 0]);
    expect(lag.map((p) => p.committed), 'nothing is committed yet').toEqual([null, null, null, null]);
  });

  test('after commits, lag is what remains past the committed offset', async () => {
    const groupId = uniqueName('group');
    await commitGroupOffsets(groupId, topic, { 0: 3 });

    const lag = byPartition(await consumerLag(admin, groupId, topic));

    expect(lag[0]?.lag, 'lag on partition 0 (end 5, committed 3)').toBe(2);
    expect(lag).toEqual([
      { partition: 0, committed: 3, end: 5, lag: 2 },
      { partition: 1, committed: null, end: 2, lag: 2 },
      { partition: 2, committed: null, end: 0, lag: 0 },
      { partition: 3, committed: null, end: 3, lag: 3 },
    ]);
  });

  test('a group that is all caught up has zero lag everywhere', async () => {
    const groupId = uniqueName('group');
    await commitGroupOffsets(groupId, topic, Object.fromEntries(COUNTS.entries()));

    const lag = byPartition(await consumerLag(admin, groupId, topic));

    expect(lag.map((p) => p.lag)).toEqual([0, 0, 0, 0]);
    expect(lag.map((p) => p.committed)).toEqual([5, 2, 0, 3]);
  });

  test('messages deleted by retention are not lag: with no commit, earliest counts from the log start', async () => {
    const [lag] = await consumerLag(admin, uniqueName('fresh-group'), trimmedTopic, 'earliest');
    expect(lag?.lag, `lag of a group with no commit on a log holding offsets ${TRIMMED.logStart}..${TRIMMED.messages - 1} (end − low, not end − 0)`).toBe(
      TRIMMED.messages - TRIMMED.logStart,
    );
  });

  test('a commit older than the log start falls back to the reset policy', async () => {
    const groupId = uniqueName('group');
    await commitGroupOffsets(groupId, trimmedTopic, { 0: 1 });

    const [earliest] = await consumerLag(admin, groupId, trimmedTopic, 'earliest');
    const [latest] = await consumerLag(admin, groupId, trimmedTopic, 'latest');

    expect(earliest?.committed, 'committed still reports what the group stored').toBe(1);
    expect(earliest?.lag, `lag with reset 'earliest' when the commit (1) is below the log start (${TRIMMED.logStart}): the consumer resumes at the log start, so end − low`).toBe(
      TRIMMED.messages - TRIMMED.logStart,
    );
    expect(latest?.lag, `lag with reset 'latest' when the commit is below the log start: the consumer jumps to the end, so 0`).toBe(0);
  });
});
