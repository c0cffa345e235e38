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

interface Ack {
  id: string;
  outcome: Outcome;
}

export function createReliablePublisher(url: string, options: PublisherOptions): ReliablePublisher {
  const publisher = new Redis(url);
  const acks = new Redis(url);
  const replyTo = `${options.name}:acks`;
  // TODO: this Map is the only record of what is waiting for an acknowledgement, and it lives in this
  // process. Restart the process and every pending message is forgotten. Keep pending messages in
  // Redis, under keys named after options.name.
  const pending = new Map<string, { envelope: Envelope; sentAt: number }>();

  // TODO: an acknowledgement sent over Pub/Sub only arrives if this publisher is subscribed at that
  // very moment. If it is restarting, the ack is lost and the message is sent again for nothing.
  acks.on('message', (_channel: string, message: string) => {
    const ack = JSON.parse(message) as Ack;
    // A nack leaves the message pending; the retry loop sends it again when its time is up.
    if (ack.outcome === 'ack') pending.delete(ack.id);
  });
  const listening = acks.subscribe(replyTo);

  const send = async (envelope: Envelope): Promise<void> => {
    pending.set(envelope.id, { envelope, sentAt: Date.now() });
    await publisher.publish(envelope.channel, JSON.stringify(envelope));
  };

  const retryLoop = setInterval(() => {
    const now = Date.now();
    for (const [id, { envelope, sentAt }] of pending) {
      // TODO: this gives up as soon as the last attempt has been sent, without giving that attempt
      // its ackTimeoutMs to be acknowledged (the guide's retry loop has the same `else if`).
      if (envelope.attempt >= options.maxAttempts) {
        pending.delete(id);
        options.onDeadLetter?.(envelope);
      } else if (now - sentAt >= options.ackTimeoutMs) {
        void send({ ...envelope, attempt: envelope.attempt + 1 });
      }
    }
  }, Math.max(10, options.ackTimeoutMs / 4));

  return {
    async publish(channel, payload) {
      await listening;
      const id = randomUUID();
      await send({ id, channel, payload, attempt: 1, replyTo });
      return id;
    },
    async pendingCount() {
      return pending.size;
    },
    async close() {
      clearInterval(retryLoop);
      await Promise.all([publisher.quit(), acks.quit()]);
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
  const replies = new Redis(url);

  subscriber.on('message', async (_channel: string, message: string) => {
    const envelope = JSON.parse(message) as Envelope;
    let outcome: Outcome;
    try {
      outcome = (await handler(envelope.payload, envelope)) ? 'ack' : 'nack';
    } catch {
      outcome = 'nack';
    }
    // TODO: report the outcome where it survives a publisher restart, not on a Pub/Sub channel.
    const ack: Ack = { id: envelope.id, outcome };
    await replies.publish(envelope.replyTo, JSON.stringify(ack));
    options.onSettled?.(envelope, outcome);
  });
  await subscriber.subscribe(channel);

  return {
    async close() {
      await Promise.all([subscriber.quit(), replies.quit()]);
    },
  };
}
