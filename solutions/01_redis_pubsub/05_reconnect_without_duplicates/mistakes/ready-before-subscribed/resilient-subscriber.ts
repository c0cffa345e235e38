// Mistake: ready resolves on the connection's 'ready' event, before Redis has confirmed the SUBSCRIBE, so a message published right then is lost.
// Caught by: ready resolves only once every channel is subscribed
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
  const connection = new Redis(url, { autoResubscribe: true });
  let readyEvents = 0;

  // Listeners belong to the connection object, which outlives every reconnect: register them once.
  connection.on('message', onMessage);
  connection.on('ready', () => {
    readyEvents++;
  });
  // Reconnect errors are expected while the server is away; without a listener ioredis logs them.
  connection.on('error', () => {});

  void connection.subscribe(...channels);
  const ready = new Promise<void>((resolve) => connection.once('ready', () => resolve()));

  return {
    ready,
    reconnects: () => Math.max(0, readyEvents - 1),
    async close() {
      await connection.quit();
    },
  };
}
