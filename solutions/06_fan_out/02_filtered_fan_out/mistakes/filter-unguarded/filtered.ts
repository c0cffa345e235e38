// Mistake: guards the handlers but runs every filter in one unguarded pass, so a filter that throws keeps the event from every subscriber of the process.
// Caught by: a filter that throws means "no match" for its own subscriber only, and is reported
import { Redis } from 'ioredis';

export interface FanOutEvent {
  type: string;
  data: Record<string, unknown>;
}

export type Filter = (event: FanOutEvent) => boolean;
export type Handler = (event: FanOutEvent) => Promise<void>;

export interface Failure {
  /** The name the subscriber was registered with. */
  subscriber: string;
  /** Whether its filter or its handler failed. */
  stage: 'filter' | 'handler';
  event: FanOutEvent;
  error: unknown;
}

export interface FanOutOptions {
  /** The Redis channel every process publishes to and subscribes on. */
  channel: string;
  /** Told about every filter or handler of this process that threw or rejected. */
  onError: (failure: Failure) => void;
}

export interface FilteredFanOut {
  /** Resolves once Redis has confirmed the subscription to the channel. */
  ready: Promise<void>;
  /** Sends the event to every process on the channel; each hands it to its matching subscribers. */
  publish(event: FanOutEvent): Promise<void>;
  /** Registers a subscriber in this process; returns a function that removes it. */
  subscribe(name: string, filter: Filter, handler: Handler): () => void;
  close(): Promise<void>;
}

interface Subscriber {
  name: string;
  filter: Filter;
  handler: Handler;
}

export function createFilteredFanOut(url: string, options: FanOutOptions): FilteredFanOut {
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  let subscribers: Subscriber[] = [];

  // Each subscriber is settled on its own: a filter or handler that throws (before or after it
  // returns a promise) costs that subscriber this event and nothing else, and is reported.
  async function deliver(entry: Subscriber, event: FanOutEvent): Promise<void> {
    try {
      await entry.handler(event);
    } catch (error) {
      options.onError({ subscriber: entry.name, stage: 'handler', event, error });
    }
  }

  function dispatch(event: FanOutEvent): void {
    const matching = subscribers.filter((s) => s.filter(event));
    for (const entry of matching) void deliver(entry, event);
  }

  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== options.channel) return;
    let event: FanOutEvent;
    try {
      event = JSON.parse(message) as FanOutEvent;
    } catch {
      return; // not one of ours: something else published plain text on the channel
    }
    dispatch(event);
  });

  return {
    ready: subscriber.subscribe(options.channel).then(() => undefined),
    async publish(event) {
      await publisher.publish(options.channel, JSON.stringify(event));
    },
    subscribe(name, filter, handler) {
      const entry: Subscriber = { name, filter, handler };
      subscribers = [...subscribers, entry];
      return () => {
        subscribers = subscribers.filter((s) => s !== entry);
      };
    },
    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
