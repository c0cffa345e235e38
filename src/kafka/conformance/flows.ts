/**
 * Steps several scenarios share: make a topic, and read messages with a consumer group until a
 * known number have arrived (an event, never a sleep).
 */
import type { Admin, Consumer } from 'kafkajs';
import { Inbox } from '../../testing/wait.ts';
import { type MessageObservation, observeMessage } from './observe.ts';
import type { RetryOptions } from 'kafkajs';
import type { Session } from './session.ts';

export const RECEIVE_TIMEOUT_MS = 30_000;

export async function createTopic(admin: Admin, topic: string, numPartitions: number): Promise<void> {
  const created = await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
  if (!created) throw new Error(`topic ${topic} already existed`);
}

export interface Reader {
  consumer: Consumer;
  inbox: Inbox<MessageObservation>;
}

/** A running group member on `topic` that records every message it is handed. */
export async function startReader(
  session: Session,
  options: { topic: string; groupId: string; fromBeginning?: boolean; autoCommit?: boolean; clientId?: string; readUncommitted?: boolean; retry?: RetryOptions },
): Promise<Reader> {
  // kafkajs reads read_committed unless told otherwise.
  const consumer = session.consumer({ groupId: options.groupId, readUncommitted: options.readUncommitted ?? false }, options.clientId, options.retry);
  const inbox = new Inbox<MessageObservation>();
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: options.autoCommit ?? true,
    eachMessage: async ({ partition, message }) => inbox.push(observeMessage(partition, message)),
  });
  return { consumer, inbox };
}

/** Reads until `count` messages have arrived, then leaves the group. */
export async function readAll(
  session: Session,
  options: { topic: string; groupId: string; count: number; fromBeginning?: boolean; readUncommitted?: boolean; retry?: RetryOptions },
): Promise<MessageObservation[]> {
  const { consumer, inbox } = await startReader(session, options);
  const items = await inbox.waitFor(options.count, RECEIVE_TIMEOUT_MS, `${options.count} messages from ${options.topic}`);
  await consumer.disconnect();
  return items.slice();
}
