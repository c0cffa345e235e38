// Mistake: a retryStrategy that gives up after three attempts: an outage longer than a few retries leaves the subscriber disconnected for good, silently.
// Caught by: comes back after an outage longer than a few reconnect attempts
import { Redis } from 'ioredis';

export type MessageHandler = (channel: string, message: string) => void;

export interface ResilientSubscriber {
  /** Resolves once every channel is subscribed. */
  ready: Promise<void>;
  /** How many times the connection was re-established after the first time. */
  reconnects(): number;
  close(): Promise<void>;
}

export function createSubscriber(url: string, channels: string[], onMessage: MessageHandler): ResilientSubscriber {
  // autoResubscribe (on by default) re-sends our SUBSCRIBEs after every reconnect; doing it again
  // by hand would be harmless to Redis but is one more place to get wrong.
  const connection = new Redis(url, { autoResubscribe: true, retryStrategy: (times) => (times > 3 ? null : 50) });
  let readyEvents = 0;

  // Listeners belong to the connection object, which outlives every reconnect: register them once.
  connection.on('message', onMessage);
  connection.on('ready', () => {
    readyEvents++;
  });
  // Reconnect errors are expected while the server is away; without a listener ioredis logs them.
  connection.on('error', () => {});

  const ready = connection.subscribe(...channels).then(() => undefined);

  return {
    ready,
    reconnects: () => Math.max(0, readyEvents - 1),
    async close() {
      await connection.quit();
    },
  };
}
