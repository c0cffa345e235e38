// Mistake: close() quits only the subscribing connection and leaves the publisher open: a bus per request leaks one connection each time.
// Caught by: close() releases the subscription and every connection
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
  // A connection that has sent SUBSCRIBE is in subscriber mode and may only (un)subscribe, PING
  // or QUIT; publishing needs a connection of its own.
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  const handlersByChannel = new Map<string, MessageHandler[]>();

  // One listener for the connection's lifetime, routing by channel: a listener per subscribe()
  // would hand every message to every handler.
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of handlersByChannel.get(channel) ?? []) handler(message, channel);
  });

  return {
    publish: (channel, message) => publisher.publish(channel, message),
    async subscribe(channel, onMessage) {
      const handlers = handlersByChannel.get(channel) ?? [];
      handlers.push(onMessage);
      handlersByChannel.set(channel, handlers);
      await subscriber.subscribe(channel);
    },
    async close() {
      await subscriber.quit();
    },
  };
}
