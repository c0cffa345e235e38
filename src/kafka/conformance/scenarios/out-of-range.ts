/**
 * A group whose committed offset is past the end of the partition (e.g. the topic was recreated):
 * the fetch fails with OFFSET_OUT_OF_RANGE, kafkajs logs it and resets the position by the
 * consumer's policy — the earliest offset with fromBeginning, the latest without.
 */
import type { Consumer } from 'kafkajs';
import { within } from '../../../testing/wait.ts';
import type { Target } from '../brokers.ts';
import { RECEIVE_TIMEOUT_MS, createTopic, startReader } from '../flows.ts';
import { withSession } from '../session.ts';
import type { KafkaLogLine } from '../session.ts';
import type { Scenario } from '../suite.ts';

interface Observation {
  fromBeginning: { offsets: string[]; logged: KafkaLogLine[] };
  fromLatest: { offsets: string[]; logged: KafkaLogLine[] };
}

const RESET_LOG = 'Offset out of range, resetting to default offset';

/**
 * Resolves when the consumer has fetched with its reset position. kafkajs handles the error inside
 * one fetch cycle (log, commit the policy's -1/-2 sentinel, forget the position) and resolves the
 * sentinel to a real offset at the start of the next cycle; fetch cycles on one broker are
 * sequential, so the first FETCH_START after the log begins that cycle, and its FETCH ends it.
 */
function afterResetResolved(consumer: Consumer, logged: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    let armed = false;
    consumer.on(consumer.events.FETCH_START, () => {
      if (logged()) armed = true;
    });
    consumer.on(consumer.events.FETCH, () => {
      if (armed) resolve();
    });
  });
}

export const outOfRange: Scenario<Observation> = {
  name: 'a committed offset past the end: OFFSET_OUT_OF_RANGE, then kafkajs resets by policy',
  timeoutMs: 90_000,
  expected: {
    fromBeginning: {
      offsets: ['0', '1', '2'],
      logged: [{ level: 'ERROR', message: RESET_LOG, extra: { topic: 'out-of-range', partition: 0, groupId: 'reset-earliest', memberId: 'MEMBER' } }],
    },
    fromLatest: {
      offsets: ['3'],
      logged: [{ level: 'ERROR', message: RESET_LOG, extra: { topic: 'out-of-range', partition: 0, groupId: 'reset-latest', memberId: 'MEMBER' } }],
    },
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const topic = session.name('out-of-range');
      const admin = await session.admin();
      await createTopic(admin, topic, 1);
      const producer = await session.producer();
      await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) });

      const resetLogs = (groupId: string): KafkaLogLine[] =>
        session.logs
          .filter((line) => line.message === RESET_LOG && line.extra.groupId === groupId)
          // Member ids are `<clientId>-<uuid>`: random on every broker.
          .map((line) => ({ ...line, extra: { ...line.extra, memberId: 'MEMBER' } }));

      // 1. fromBeginning: the reset goes to the earliest offset and all three messages arrive.
      const earliestGroup = session.name('reset-earliest');
      const latestGroup = session.name('reset-latest');
      // Concurrently: each setOffsets waits out one idle fetch (kafkajs's 5 s default) of its helper consumer.
      await Promise.all(
        [earliestGroup, latestGroup].map((groupId) => admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '10' }] })),
      );
      const earliest = await startReader(session, { topic, groupId: earliestGroup, fromBeginning: true });
      const fromBeginning = (await earliest.inbox.waitFor(3, RECEIVE_TIMEOUT_MS, 'three messages after the reset to earliest')).map((m) => m.offset);
      await earliest.consumer.disconnect();

      // 2. latest: nothing old arrives; a message produced after the reset does.
      const latestReader = session.consumer({ groupId: latestGroup });
      const latestResolved = afterResetResolved(latestReader, () => resetLogs(latestGroup).length > 0);
      const offsets: string[] = [];
      let arrived: () => void = () => {};
      const firstArrival = new Promise<void>((resolve) => (arrived = resolve));
      await latestReader.connect();
      await latestReader.subscribe({ topic, fromBeginning: false });
      await latestReader.run({
        eachMessage: async ({ message }) => {
          offsets.push(message.offset);
          arrived();
        },
      });
      // Only once "latest" is pinned at 3 may the next message be produced, or it would be skipped.
      await within(latestResolved, RECEIVE_TIMEOUT_MS, 'the consumer resetting to the latest offset');
      await producer.send({ topic, messages: [{ value: 'd' }] });
      await within(firstArrival, RECEIVE_TIMEOUT_MS, 'the message produced after the reset');
      await latestReader.disconnect();

      return session.normalize({
        fromBeginning: { offsets: fromBeginning, logged: resetLogs(earliestGroup) },
        fromLatest: { offsets, logged: resetLogs(latestGroup) },
      });
    }),
};
