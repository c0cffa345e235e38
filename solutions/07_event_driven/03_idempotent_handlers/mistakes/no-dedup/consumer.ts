// Mistake: isolates the handlers but remembers nothing, so every redelivery runs every handler again and the stock is reserved twice because the mail service was down.
// Caught by: when one handler failed, the redelivered entry runs only that handler, and is then acknowledged
import { Redis } from 'ioredis';

export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

export interface DomainEvent {
  eventId: string;
  type: string;
  payload: unknown;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface ConsumerOptions {
  url: string;
  stream: string;
  group: string;
  /** This worker's consumer name in the group. */
  consumer: string;
  /** Prefix of every key the consumer writes. */
  namespace: string;
  /** Every handler sees every event on the stream; the keys are the handlers' names. */
  handlers: Record<string, EventHandler>;
  /** How long a worker's claim on running a handler lasts, so a crashed worker cannot block it forever (default 30 s). */
  leaseMs?: number;
  /** How long a finished handler is remembered: longer than any redelivery can take (default 7 days). */
  rememberSeconds?: number;
}

export interface DeliveryReport {
  eventId: string;
  /** Handlers this delivery ran to completion. */
  ran: string[];
  /** Handlers an earlier delivery of the same event already finished. */
  skipped: string[];
  /** Handlers another worker is running for this event right now. */
  busy: string[];
  failed: Array<{ handler: string; error: unknown }>;
  /** Whether the entry was acknowledged: only when every handler has finished, now or before. */
  acknowledged: boolean;
}

export interface IdempotentConsumer {
  /** Handles one delivered entry (field `event`: the event as JSON) and acknowledges it when it is done. */
  handle(entry: StreamEntry): Promise<DeliveryReport>;
  close(): Promise<void>;
}

/** The key that records a handler's progress with an event. */
export function markerKey(namespace: string, handler: string, eventId: string): string {
  return `${namespace}:handled:${handler}:${eventId}`;
}

function readEvent(entry: StreamEntry): DomainEvent {
  const text = entry.fields.event;
  let event: Partial<DomainEvent> | null = null;
  try {
    event = JSON.parse(text ?? '') as Partial<DomainEvent> | null;
  } catch {
    // reported below
  }
  if (typeof event?.eventId !== 'string' || typeof event.type !== 'string') {
    throw new Error(`Stream entry ${entry.id} does not hold an event: expected a field "event" with JSON like {"eventId":"...","type":"..."}.`);
  }
  return event as DomainEvent;
}

export function createIdempotentConsumer(options: ConsumerOptions): IdempotentConsumer {
  const { stream, group, handlers } = options;
  const redis = new Redis(options.url);

  return {
    async handle(entry) {
      const event = readEvent(entry);
      const names = Object.keys(handlers);
      const outcomes = await Promise.allSettled(names.map(async (name) => handlers[name]?.(event)));
      const report: DeliveryReport = { eventId: event.eventId, ran: [], skipped: [], busy: [], failed: [], acknowledged: false };
      outcomes.forEach((outcome, i) => {
        const name = names[i] ?? '?';
        if (outcome.status === 'fulfilled') report.ran.push(name);
        else report.failed.push({ handler: name, error: outcome.reason });
      });
      if (report.failed.length === 0) {
        await redis.xack(stream, group, entry.id);
        report.acknowledged = true;
      }
      return report;
    },
    async close() {
      await redis.quit();
    },
  };
}
