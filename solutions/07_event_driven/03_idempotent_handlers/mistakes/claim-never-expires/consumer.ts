// Mistake: claims the handler with SET NX and no expiry, so a worker that crashes while running it blocks that handler for the event forever.
// Caught by: while a handler runs, its claim expires after leaseMs, so a crashed worker cannot block it for good
import { randomUUID } from 'node:crypto';
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

const DONE = 'done';
const SEVEN_DAYS = 7 * 24 * 3600;

/** Gives up a claim, but only our own: if our lease ran out, another worker may hold the key now. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

type Outcome = { kind: 'ran' | 'skipped' | 'busy' } | { kind: 'failed'; error: unknown };

export function createIdempotentConsumer(options: ConsumerOptions): IdempotentConsumer {
  const { stream, group, consumer, namespace, handlers, leaseMs = 30_000, rememberSeconds = SEVEN_DAYS } = options;
  const redis = new Redis(options.url);

  async function runOnce(name: string, handler: EventHandler, event: DomainEvent): Promise<Outcome> {
    const key = markerKey(namespace, name, event.eventId);
    const token = `running:${consumer}:${randomUUID()}`;
    // Check and mark in one step: of two workers holding the same event, only one gets 'OK'. The
    // claim expires, so a worker that crashes while running the handler blocks it for leaseMs only.
    void leaseMs;
    const claimed = await redis.set(key, token, 'NX');
    if (claimed !== 'OK') {
      return { kind: (await redis.get(key)) === DONE ? 'skipped' : 'busy' };
    }
    try {
      await handler(event);
    } catch (error) {
      // Not finished: let the next delivery try again.
      await redis.eval(RELEASE, 1, key, token);
      return { kind: 'failed', error };
    }
    await redis.set(key, DONE, 'EX', rememberSeconds);
    return { kind: 'ran' };
  }

  return {
    async handle(entry) {
      const event = readEvent(entry);
      const names = Object.keys(handlers);
      const outcomes = await Promise.all(
        names.map(async (name): Promise<Outcome> => {
          const handler = handlers[name];
          return handler ? runOnce(name, handler, event) : { kind: 'skipped' };
        }),
      );
      const report: DeliveryReport = { eventId: event.eventId, ran: [], skipped: [], busy: [], failed: [], acknowledged: false };
      outcomes.forEach((outcome, i) => {
        const name = names[i] ?? '?';
        if (outcome.kind === 'failed') report.failed.push({ handler: name, error: outcome.error });
        else report[outcome.kind].push(name);
      });
      // Acknowledge only when every handler is finished. A failed or busy handler keeps the entry
      // pending, so it is delivered again, and the handlers already done are skipped then.
      if (report.failed.length === 0 && report.busy.length === 0) {
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
