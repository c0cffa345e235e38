// Mistake: the guide's acknowledgement: the consumer PUBLISHes its ack on the publisher's channel, so an ack made while no publisher is running reaches nobody and is lost.
// Caught by: an acknowledgement made while no publisher is running still counts
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** What travels on the channel: the JSON of an Envelope. */
export interface Envelope {
  id: string;
  channel: string;
  payload: unknown;
  /** 1 for the first delivery, 2 for the first retry, and so on. */
  attempt: number;
  /** Where the consumer reports what became of the message. */
  replyTo: string;
}

export interface PublisherOptions {
  /** Names this publisher's state; a publisher started later with the same name takes over from it. */
  name: string;
  /** How long a delivery may go unacknowledged before it is sent again. */
  ackTimeoutMs: number;
  /** Deliveries before giving up, the first one included. */
  maxAttempts: number;
  /** Told about a message whose last attempt went unacknowledged too. */
  onDeadLetter?: (envelope: Envelope) => void;
}

export interface ReliablePublisher {
  /** Publishes and tracks the message until a consumer acknowledges it; resolves to its id. */
  publish(channel: string, payload: unknown): Promise<string>;
  /** How many messages are waiting for an acknowledgement. */
  pendingCount(): Promise<number>;
  /** Stops retrying and closes the connections. Messages still pending stay pending. */
  close(): Promise<void>;
}

export type Outcome = 'ack' | 'nack';

/** Returns true to acknowledge; false or a throw asks for the message again. */
export type ReliableHandler = (payload: unknown, envelope: Envelope) => boolean | Promise<boolean>;

export interface ConsumerOptions {
  /** Told after the consumer has reported the outcome of a delivery. */
  onSettled?: (envelope: Envelope, outcome: Outcome) => void;
}

export interface ReliableConsumer {
  close(): Promise<void>;
}

/** A message as the publisher keeps it until it is acknowledged. */
interface Pending {
  id: string;
  channel: string;
  payload: unknown;
}

/**
 * The pending state lives in Redis, not in the publisher: a restarted publisher (or a second one with
 * the same name) finds it there, and a consumer can acknowledge even while no publisher is running.
 */
function keysOf(name: string): { messages: string; attempts: string; deadlines: string } {
  return {
    messages: `${name}:messages`, // hash: id → the message as published
    attempts: `${name}:attempts`, // hash: id → deliveries made so far
    deadlines: `${name}:deadlines`, // sorted set: id scored by when it is due for another attempt (ms)
  };
}

export function createReliablePublisher(url: string, options: PublisherOptions): ReliablePublisher {
  const redis = new Redis(url);
  const acks = new Redis(url);
  acks.on('message', (_channel: string, text: string) => {
    const { id, outcome } = JSON.parse(text) as { id: string; outcome: Outcome };
    if (outcome === 'ack') void redis.multi().zrem(keys.deadlines, id).hdel(keys.messages, id).hdel(keys.attempts, id).exec();
    else void redis.zadd(keys.deadlines, 'XX', 0, id);
  });
  const subscribed = acks.subscribe(`${options.name}:acks`);
  const keys = keysOf(options.name);
  const envelope = (message: Pending, attempt: number): Envelope => ({ ...message, attempt, replyTo: options.name });

  const retry = async (id: string): Promise<void> => {
    // Claimed by removing it: of two publishers sweeping the same name, only one sends it again.
    if ((await redis.zrem(keys.deadlines, id)) === 0) return;
    const stored = await redis.hget(keys.messages, id);
    if (stored === null) {
      await redis.hdel(keys.attempts, id); // acknowledged after it fell due
      return;
    }
    const message = JSON.parse(stored) as Pending;
    const attempt = await redis.hincrby(keys.attempts, id, 1);
    if (attempt > options.maxAttempts) {
      // Only now: the last attempt has had its full ackTimeoutMs, like every attempt before it.
      await redis.multi().hdel(keys.messages, id).hdel(keys.attempts, id).exec();
      options.onDeadLetter?.(envelope(message, attempt - 1));
      return;
    }
    await redis
      .multi()
      .zadd(keys.deadlines, Date.now() + options.ackTimeoutMs, id)
      .publish(message.channel, JSON.stringify(envelope(message, attempt)))
      .exec();
  };

  const sweep = async (): Promise<void> => {
    const due = await redis.zrangebyscore(keys.deadlines, '-inf', Date.now(), 'LIMIT', 0, 100);
    for (const id of due) await retry(id);
  };

  // A chain of timeouts rather than an interval: a slow sweep never overlaps the next one.
  let stopped = false;
  let sweeping: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    timer = setTimeout(() => {
      sweeping = sweep()
        .catch(() => {}) // Redis unreachable for a moment: the next sweep tries again.
        .finally(() => {
          if (!stopped) schedule();
        });
    }, Math.max(10, options.ackTimeoutMs / 4));
  };
  schedule();

  return {
    async publish(channel, payload) {
      await subscribed;
      const message: Pending = { id: randomUUID(), channel, payload };
      // Recorded in the same transaction as the PUBLISH, so no ack can arrive before the record exists.
      await redis
        .multi()
        .hset(keys.messages, message.id, JSON.stringify(message))
        .hset(keys.attempts, message.id, 1)
        .zadd(keys.deadlines, Date.now() + options.ackTimeoutMs, message.id)
        .publish(channel, JSON.stringify(envelope(message, 1)))
        .exec();
      return message.id;
    },
    pendingCount: () => redis.hlen(keys.messages),
    async close() {
      stopped = true;
      clearTimeout(timer);
      await sweeping;
      await Promise.all([redis.quit(), acks.quit()]);
    },
  };
}

export async function createReliableConsumer(
  url: string,
  channel: string,
  handler: ReliableHandler,
  options: ConsumerOptions = {},
): Promise<ReliableConsumer> {
  const subscriber = new Redis(url);
  const redis = new Redis(url);

  const settle = async (message: string): Promise<void> => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return; // Not an envelope: nothing to acknowledge.
    }
    let outcome: Outcome;
    try {
      outcome = (await handler(envelope.payload, envelope)) ? 'ack' : 'nack';
    } catch {
      outcome = 'nack';
    }
    // Written into the publisher's state in Redis, where it counts even if no publisher runs right now.
    await redis.publish(`${envelope.replyTo}:acks`, JSON.stringify({ id: envelope.id, outcome }));
    options.onSettled?.(envelope, outcome);
  };

  subscriber.on('message', (_channel: string, message: string) => {
    void settle(message);
  });
  await subscriber.subscribe(channel);

  return {
    async close() {
      await Promise.all([subscriber.quit(), redis.quit()]);
    },
  };
}
