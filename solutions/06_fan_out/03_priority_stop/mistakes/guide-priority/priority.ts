// Mistake: the guide's PriorityFanOut: logs a handler's error and carries on to the next (fail open), and sorts and splices the array publish() is walking.
// Caught by: a handler that throws stops the event there (fail closed) and the error is reported
/**
 * Resolves to `true` to let the event continue to the next handler. Anything else stops it here:
 * `false`, and also a value that is not a boolean at all (a handler in plain JavaScript that forgot
 * to return), because a handler that can veto an event must approve it explicitly.
 */
export type PriorityHandler<T> = (event: T) => Promise<boolean>;

export interface PublishResult {
  /** The handlers that were called for this event, in the order they were called. */
  ran: string[];
  /** The handler that stopped the event (by not returning true, or by throwing), or null. */
  stoppedBy: string | null;
  /** The handler that threw, and what it threw, or null. */
  failure: { handler: string; error: unknown } | null;
}

export interface PriorityFanOut<T> {
  /** Lower numbers run first; equal priorities run in the order they subscribed. Returns an unsubscribe function. */
  subscribe(name: string, priority: number, handler: PriorityHandler<T>): () => void;
  /** Calls the handlers one at a time, in priority order, until one stops the event. */
  publish(event: T): Promise<PublishResult>;
}

interface Subscription<T> {
  name: string;
  priority: number;
  handler: PriorityHandler<T>;
}

// The guide's PriorityFanOut, in our words.
export function createPriorityFanOut<T>(): PriorityFanOut<T> {
  const subscriptions: Array<Subscription<T>> = [];

  return {
    subscribe(name, priority, handler) {
      const subscription: Subscription<T> = { name, priority, handler };
      subscriptions.push(subscription);
      subscriptions.sort((a, b) => a.priority - b.priority);
      return () => {
        const index = subscriptions.indexOf(subscription);
        if (index > -1) subscriptions.splice(index, 1);
      };
    },

    async publish(event) {
      const ran: string[] = [];
      let stoppedBy: string | null = null;
      for (const subscription of subscriptions) {
        try {
          ran.push(subscription.name);
          const shouldContinue = await subscription.handler(event);
          if (!shouldContinue) {
            stoppedBy = subscription.name;
            break;
          }
        } catch (error) {
          console.error('Handler error:', error);
        }
      }
      return { ran, stoppedBy, failure: null };
    },
  };
}
