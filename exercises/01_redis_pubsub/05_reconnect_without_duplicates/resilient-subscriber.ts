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
  const connection = new Redis(url);

  const ready = new Promise<void>((resolve) => {
    // TODO: 'ready' fires again after every reconnect, and each time this adds one more
    // 'message' listener, so every message is handled once more per reconnect.
    connection.on('ready', async () => {
      connection.on('message', onMessage);
      await connection.subscribe(...channels);
      resolve();
    });
  });

  return {
    ready,
    // TODO: count the reconnects.
    reconnects: () => 0,
    async close() {
      await connection.quit();
    },
  };
}
