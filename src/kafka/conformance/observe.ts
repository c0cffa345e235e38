/**
 * Turning what kafkajs hands a client into plain JSON that can be compared across brokers.
 */
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { Partitioners } from 'kafkajs';

/** What a caller can branch on in a kafkajs error: its class name, protocol type/code, retriability, causes. */
export interface ErrorObservation {
  name: string;
  message: string;
  type?: string;
  code?: number;
  retriable?: boolean;
  /** KafkaJSAggregateError (e.g. createTopics): one per failed topic. */
  errors?: ErrorObservation[];
  /** KafkaJSNumberOfRetriesExceeded and friends: what was retried. */
  cause?: ErrorObservation;
}

interface KafkaErrorFields {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  code?: unknown;
  retriable?: unknown;
  errors?: unknown;
  cause?: unknown;
  topic?: unknown;
}

export function observeError(error: unknown): ErrorObservation {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  const fields = error as Error & KafkaErrorFields;
  const observation: ErrorObservation = { name: error.name, message: error.message };
  if (typeof fields.type === 'string') observation.type = fields.type;
  if (typeof fields.code === 'number') observation.code = fields.code;
  if (typeof fields.retriable === 'boolean') observation.retriable = fields.retriable;
  if (Array.isArray(fields.errors)) observation.errors = fields.errors.map(observeError);
  // KafkaJSNumberOfRetriesExceeded carries the last retried error as its cause.
  if (fields.cause instanceof Error && fields.cause !== error) observation.cause = observeError(fields.cause);
  return observation;
}

export type Outcome = { ok: unknown } | { error: ErrorObservation };

/** What kafkajs throws for UNKNOWN_TOPIC_OR_PARTITION (error code 3) from a call it does not retry. */
export const UNKNOWN_TOPIC: ErrorObservation = {
  name: 'KafkaJSProtocolError',
  message: 'This server does not host this topic-partition',
  type: 'UNKNOWN_TOPIC_OR_PARTITION',
  code: 3,
  retriable: true,
};

/** What kafkajs throws once it has retried a retriable error (see the session's retry settings) in vain. */
export function retriedInVain(cause: ErrorObservation): ErrorObservation {
  return { name: 'KafkaJSNumberOfRetriesExceeded', message: cause.message, retriable: false, cause };
}

/**
 * The error `action` fails with; a success is a finding too, so it is returned as data (`null` for
 * a call that returns nothing, so it survives JSON). Lets a scenario go on after a failing call
 * and still compare everything else it observes.
 */
export async function outcome<T>(action: () => Promise<T>): Promise<{ ok: T | null } | { error: ErrorObservation }> {
  try {
    return { ok: (await action()) ?? null };
  } catch (error) {
    return { error: observeError(error) };
  }
}

export interface MessageObservation {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  timestamp: string;
  headers: Record<string, string | string[]>;
}

export function observeMessage(partition: number, message: KafkaMessage): MessageObservation {
  return {
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString(),
    value: message.value === null ? null : message.value.toString(),
    timestamp: message.timestamp,
    headers: observeHeaders(message.headers),
  };
}

function observeHeaders(headers: IHeaders | undefined): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[key] = Array.isArray(value) ? value.map((v) => v.toString()) : value.toString();
  }
  return result;
}

/** Messages grouped by partition, each partition in the order received. */
export function byPartition<T extends { partition: number }>(items: T[]): Record<string, Array<Omit<T, 'partition'>>> {
  const result: Record<string, Array<Omit<T, 'partition'>>> = {};
  for (const { partition, ...rest } of [...items].sort((a, b) => a.partition - b.partition)) {
    (result[String(partition)] ??= []).push(rest);
  }
  return result;
}

/**
 * The partition kafkajs's DefaultPartitioner (murmur2, Java-client compatible) picks for `key` on
 * a topic with `partitions` partitions — computed client-side, so it is the expectation for both
 * brokers, which merely store what they are sent.
 */
export function expectedPartition(key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    partitionErrorCode: 0,
  }));
  return partitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
}
