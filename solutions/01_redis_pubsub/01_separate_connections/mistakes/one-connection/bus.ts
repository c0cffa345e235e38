// Mistake: one connection both subscribes and publishes (the guide's code): after SUBSCRIBE, Redis rejects every PUBLISH on it.
// Caught by: a message published after subscribe() reaches the handler
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
  const subscriber = new Redis(url);
  const publisher = subscriber;
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
