/**
 * Helpers for the event-driven track (exercises/07_event_driven): real systems that are down, a
 * producer whose acknowledgement gets lost, and the commands one Redis connection sent, so a test
 * can show a dual write failing and check that two writes went out as one transaction.
 */
import type { Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { onTestFinished } from 'vitest';
import { kafkaClient } from './kafka.ts';
import { unique } from './redis.ts';
import { monitorServer } from './monitor.ts';
import type { MonitoredCommand } from './patterns.ts';
import { Inbox } from './wait.ts';

/** The ECHO commands that mark how far MONITOR has reported. */
const MARKER = 'monitor-marker:';

/** A port nothing listens on: connecting is refused at once. */
const NOBODY = '127.0.0.1:1';

/**
 * A kafkajs producer for a Kafka that is down: it tried to connect, was refused, and every
 * `send()` now fails ("The producer is disconnected"), as it does for a service whose broker is gone.
 */
export async function unreachableKafkaProducer(): Promise<Producer> {
  const producer = kafkaClient({ brokers: [NOBODY], retry: { retries: 0 }, connectionTimeout: 500 }).producer();
  await producer.connect().catch(() => {});
  return producer;
}

/**
 * A producer whose batches reach Kafka but whose acknowledgement never comes back (a timeout or a
 * connection reset after the broker wrote them): `send()` stores the records, then rejects.
 */
export function acknowledgementLost(producer: Pick<Producer, 'send'>): Pick<Producer, 'send'> {
  return {
    async send(record) {
      await producer.send(record);
      throw new Error('the connection to Kafka was reset before its acknowledgement arrived');
    },
  };
}

/** An ioredis client for a Redis that is down: every command fails at once instead of queueing. */
export function unreachableRedis(): Redis {
  const client = new Redis(`redis://${NOBODY}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  onTestFinished(() => {
    client.disconnect();
  });
  return client;
}

export interface ConnectionMonitor {
  /**
   * The commands the connection has sent since the monitor started, in the order the server ran
   * them; waits until everything sent before this call has been seen. Commands run by a script
   * show up as the script call itself (EVAL, EVALSHA, FCALL).
   */
  commands(): Promise<MonitoredCommand[]>;
}

/**
 * Watches one connection with MONITOR, by its address: other clients of a shared server (other
 * test files, a learner's own) are left out. Stopped when the test finishes.
 */
export async function monitorConnection(client: Redis): Promise<ConnectionMonitor> {
  const info = String(await client.client('INFO'));
  const address = /\baddr=(\S+)/.exec(info)?.[1];
  if (!address) throw new Error(`CLIENT INFO did not say the connection's address: ${info}`);
  const seen = new Inbox<MonitoredCommand>();
  await monitorServer(({ source, args: [name = '', ...rest] }) => {
    if (source === address) seen.push([name.toLowerCase(), ...rest]);
  });
  // MONITOR starts with the next command the server runs; a first marker proves it is listening.
  await markSeen(client, seen);
  const from = seen.items.length;
  return {
    async commands() {
      await markSeen(client, seen);
      return seen.items.slice(from).filter(([name, arg]) => name !== 'echo' || !arg?.startsWith(MARKER));
    },
  };
}

async function markSeen(client: Redis, seen: Inbox<MonitoredCommand>): Promise<void> {
  const marker = unique(MARKER.slice(0, -1));
  await client.echo(marker);
  await seen.waitUntil(([name, arg]) => name === 'echo' && arg === marker, 2_000, 'MONITOR reporting the marker command');
}
