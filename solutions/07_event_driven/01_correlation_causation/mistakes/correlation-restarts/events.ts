// Mistake: gives each handler's event the id of the event it handles as correlation id, so every step starts a new 'flow' and searching the logs by correlation id finds one event.
// Caught by: an event emitted while handling another keeps the flow’s correlation id and names that event as its cause
import { randomUUID } from 'node:crypto';

export interface EventMetadata {
  /** The same for every message of one business flow: set where the flow enters the system. */
  correlationId: string;
  /** The id of the message that directly caused this one. */
  causationId: string;
}

export interface DomainEvent<P = unknown> {
  /** Unique to this event: what consumers deduplicate on. */
  eventId: string;
  /** What happened, in the past tense: OrderCreated, StockReserved. */
  type: string;
  aggregateType: string;
  aggregateId: string;
  /** When it happened, as an ISO 8601 string (a Date would not survive JSON). */
  occurredAt: string;
  payload: P;
  metadata: EventMetadata;
}

export interface NewEvent<P> {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: P;
}

function build<P>(input: NewEvent<P>, metadata: EventMetadata): DomainEvent<P> {
  return { eventId: randomUUID(), ...input, occurredAt: new Date().toISOString(), metadata };
}

/** The first event of a flow, caused by a request from outside (an HTTP call, a partner's message). */
export function eventForRequest<P>(requestId: string, input: NewEvent<P>): DomainEvent<P> {
  // Nothing in the system caused it: the request did, so the request id is both the flow's
  // correlation id and this event's cause, the root every causal chain of the flow ends at.
  return build(input, { correlationId: requestId, causationId: requestId });
}

/** An event a handler emits while it handles `cause`. */
export function eventCausedBy<P>(cause: DomainEvent, input: NewEvent<P>): DomainEvent<P> {
  // Same flow, so the same correlation id; the direct cause is the event being handled.
  return build(input, { correlationId: cause.eventId, causationId: cause.eventId });
}

/** Every event of one flow, in log order. */
export function flow(log: readonly DomainEvent[], correlationId: string): DomainEvent[] {
  return log.filter((e) => e.metadata.correlationId === correlationId);
}

/**
 * The chain of causes that led to an event, from the first event of its flow to the event itself:
 * follow causationId back through the log until it names something that is not an event in it
 * (the request that started the flow).
 */
export function causalChain(log: readonly DomainEvent[], eventId: string): DomainEvent[] {
  const byId = new Map(log.map((e) => [e.eventId, e]));
  const chain: DomainEvent[] = [];
  for (let event = byId.get(eventId); event && !chain.includes(event); event = byId.get(event.metadata.causationId)) {
    chain.unshift(event);
  }
  return chain;
}

/** The text form an event travels in. */
export function encode(event: DomainEvent): string {
  return JSON.stringify(event);
}

/** Reads an event back from its text form; fails in one line, naming what is wrong. */
export function decode(text: string): DomainEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`Not a domain event: the text is not valid JSON (starts with ${JSON.stringify(text.slice(0, 30))}).`);
  }
  const event = value as Partial<DomainEvent> | null;
  const required = ['eventId', 'type', 'aggregateType', 'aggregateId', 'occurredAt'] as const;
  const missing: string[] = required.filter((field) => typeof event?.[field] !== 'string');
  if (typeof event?.metadata?.correlationId !== 'string') missing.push('metadata.correlationId');
  if (typeof event?.metadata?.causationId !== 'string') missing.push('metadata.causationId');
  if (missing.length > 0) throw new Error(`Not a domain event: missing ${missing.join(', ')}.`);
  return event as DomainEvent;
}
