import { Redis } from 'ioredis';

export type MessageHandler = (message: string, channel: string) => void;

export interface Bus {
  /** Publishes and resolves to how many subscribers received the message. */
  publish(channel: string, message: string): Promise<number>;
  /** Resolves once Redis has confirmed the subscription. */
  subscribe(channel: string, onMessage: MessageHandler): Promise<void>;
  /** Closes every connection the bus opened. */
  close(): Promise<void>;
}

export function createBus(url: string): Bus {
  // TODO: this single connection is asked to both subscribe and publish. Once it has subscribed,
  // Redis rejects every PUBLISH on it. Give publishing and subscribing a connection each.
  const connection = new Redis(url);
  const handlersByChannel = new Map<string, MessageHandler[]>();

  connection.on('message', (channel: string, message: string) => {
    // TODO: deliver only to the handlers registered for `channel`.
    for (const handlers of handlersByChannel.values()) {
      for (const handler of handlers) handler(message, channel);
    }
  });

  return {
    async publish(channel, message) {
      return connection.publish(channel, message);
    },
    async subscribe(channel, onMessage) {
      const handlers = handlersByChannel.get(channel) ?? [];
      handlers.push(onMessage);
      handlersByChannel.set(channel, handlers);
      await connection.subscribe(channel);
    },
    async close() {
      // TODO: close every connection you open.
      await connection.quit();
    },
  };
}
