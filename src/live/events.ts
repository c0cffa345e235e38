/**
 * The events stream: Server-Sent Events to every open live page. While at least one page is
 * connected, a snapshot of both brokers goes out at least every SNAPSHOT_INTERVAL_MS, and sooner
 * (`poke`) after something changed: a message published on Redis, a console command or a lab
 * started. When the last page goes, the loop ends and every connection the readers opened is
 * closed: with no page open the brokers see nothing from the live view.
 *
 * A page may also ask for a tail (`?tail=redis-channel:<name>`, `redis-stream:<key>`,
 * `kafka-topic:<name>`): what is published there is sent to that page as `tail` events while it
 * stays connected.
 */
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { describeError } from '../harness/errors.ts';
import { KafkaStateReader, LIVE_GROUP_PREFIX } from './kafka-state.ts';
import type { BrokerView, KafkaView, LiveEvent, LiveSnapshot, RedisView, TailItem } from './protocol.ts';
import { RedisStateReader } from './redis-state.ts';
import type { LiveBrokers, LiveLabRun } from './routes.ts';

/** Snapshots go out at least this often while a page is open ("within a second"). */
export const SNAPSHOT_INTERVAL_MS = 500;
/** …and no more often than this, however busy the brokers are. */
const MIN_GAP_MS = 200;
/** What may wait unsent for one page before its events are skipped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** A read that takes longer than this is reported as a broker that does not answer. */
const READ_TIMEOUT_MS = 5_000;

export type Tail = { source: 'redis-channel'; channel: string } | { source: 'redis-stream'; key: string } | { source: 'kafka-topic'; topic: string };

/** `redis-channel:orders` → a Tail; undefined (and a reason) when the text is not one. */
export function parseTail(text: string): Tail | string {
  const at = text.indexOf(':');
  const kind = at < 0 ? text : text.slice(0, at);
  const name = at < 0 ? '' : text.slice(at + 1);
  if (!name) return `tail=${text} names nothing: give redis-channel:<name>, redis-stream:<key> or kafka-topic:<name>.`;
  if (kind === 'redis-channel') return { source: 'redis-channel', channel: name };
  if (kind === 'redis-stream') return { source: 'redis-stream', key: name };
  if (kind === 'kafka-topic') return { source: 'kafka-topic', topic: name };
  return `tail=${text} is not something to tail: give redis-channel:<name>, redis-stream:<key> or kafka-topic:<name>.`;
}

interface Client {
  response: ServerResponse;
  tail?: Tail;
}

/** What the hub tells about itself, for tests and measurements. */
export interface HubObserver {
  /** A snapshot was sent to the open pages. */
  sent?(snapshot: LiveSnapshot): void;
}

export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly labRuns = new Map<string, LiveLabRun>();
  private kafka: KafkaStateReader | undefined;
  private redis: RedisStateReader | undefined;
  private readonly unavailable = new Map<'redis' | 'kafka', string>();
  private readonly ensuring = new Set<'redis' | 'kafka'>();
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private poked = false;
  private closed = false;
  private readonly streamTails = new Map<string, { stop(): void }>();
  private readonly topicTails = new Map<string, Promise<Consumer | undefined>>();
  private forgetChannelListener: (() => void) | undefined;
  private forgetTransactions: (() => void) | undefined;

  constructor(
    private readonly brokers: LiveBrokers,
    private readonly observer: HubObserver = {},
  ) {}

  get connected(): number {
    return this.clients.size;
  }

  /** True while the snapshot loop runs (a page is open, or the last one has just gone). */
  get polling(): boolean {
    return this.running !== undefined;
  }

  readonly labs = {
    started: (run: LiveLabRun): void => {
      this.labRuns.set(run.runId, run);
      this.poke();
    },
    ended: (runId: string): void => {
      this.labRuns.delete(runId);
      this.poke();
    },
  };

  /** Keeps `response` open as an event stream until the page goes. */
  connect(response: ServerResponse, tail?: Tail): void {
    if (this.closed) {
      response.statusCode = 503;
      response.end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    response.write('retry: 2000\n\n');
    const client: Client = { response, tail };
    this.clients.add(client);
    response.on('close', () => {
      this.clients.delete(client);
      this.updateTails();
      this.poke(); // lets an idle loop notice the last page has gone
    });
    this.updateTails();
    this.start();
    this.poke();
  }

  /** Sends `event` to every open page (tails only to the pages tailing that source). */
  publish(event: LiveEvent): void {
    let frame: string | undefined;
    for (const client of this.clients) {
      if (event.type === 'tail' && !(client.tail && tailMatches(client.tail, event.data))) continue;
      // A page that does not keep up (a frozen tab) skips events rather than piling them up here: the next snapshot says it all.
      if (client.response.writableLength > MAX_BUFFERED_BYTES) continue;
      frame ??= `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
      client.response.write(frame);
    }
  }

  /** Something changed: send the next snapshot now rather than at the interval. */
  poke(): void {
    this.poked = true;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const client of this.clients) client.response.end();
    this.clients.clear();
    this.poke();
    await this.running;
  }

  private start(): void {
    if (this.running) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      // A page may have connected while the loop was closing its readers.
      if (this.clients.size > 0 && !this.closed) this.start();
    });
  }

  private async loop(): Promise<void> {
    try {
      while (this.clients.size > 0 && !this.closed) {
        const began = Date.now();
        this.poked = false;
        const snapshot = await this.snapshot();
        if (this.clients.size === 0 || this.closed) break;
        this.publish({ type: 'snapshot', data: snapshot });
        this.observer.sent?.(snapshot);
        await this.pause(MIN_GAP_MS);
        if (!this.poked) await this.pause(Math.max(0, SNAPSHOT_INTERVAL_MS - (Date.now() - began)), true);
      }
    } finally {
      await this.closeReaders();
    }
  }

  /** Waits `ms`, or (when `wakeable`) until poked. */
  private pause(ms: number, wakeable = false): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      if (wakeable) this.wake = done;
    }).finally(() => {
      this.wake = undefined;
    });
  }

  async snapshot(): Promise<LiveSnapshot> {
    const [kafka, redis] = await Promise.all([this.readKafka(), this.readRedis()]);
    return { at: Date.now(), kafka, redis, labs: [...this.labRuns.values()] };
  }

  private async readKafka(): Promise<BrokerView<KafkaView>> {
    const endpoint = this.brokers.kafka();
    if (!endpoint) return this.notReady('kafka');
    if (!this.kafka) this.kafka = new KafkaStateReader(endpoint);
    this.forgetTransactions ??= this.kafka.watchTransactions(() => this.poke());
    const reader = this.kafka;
    const view = await this.readWith('Kafka', () => reader.read());
    if (view.state === 'unavailable') await reader.disconnect();
    return view;
  }

  private async readRedis(): Promise<BrokerView<RedisView>> {
    const endpoint = this.brokers.redis();
    if (!endpoint) return this.notReady('redis');
    if (!this.redis) {
      const reader = new RedisStateReader(endpoint);
      this.redis = reader;
      this.forgetChannelListener = reader.onMessage((message) => {
        this.publish({ type: 'tail', data: { source: 'redis-channel', channel: message.channel, message: message.message, at: message.at } });
        this.poke();
      });
      this.updateTails();
    }
    const reader = this.redis;
    return this.readWith('Redis', () => reader.read());
  }

  /** Opening the live page starts the brokers that are not started yet. */
  private notReady<T>(broker: 'redis' | 'kafka'): BrokerView<T> {
    const reason = this.unavailable.get(broker);
    if (reason) return { state: 'unavailable', reason };
    if (this.ensuring.has(broker)) return { state: 'starting' };
    this.ensuring.add(broker);
    void this.brokers.ensure(broker).then((why) => {
      if (why) this.unavailable.set(broker, why);
      this.poke();
    });
    return { state: 'starting' };
  }

  private async readWith<T>(name: string, read: () => Promise<T>): Promise<BrokerView<T>> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const view = await Promise.race([
        read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${READ_TIMEOUT_MS / 1000} s`)), READ_TIMEOUT_MS);
        }),
      ]);
      return { state: 'ready', ...view };
    } catch (error) {
      return { state: 'unavailable', reason: `${name}'s state could not be read (${describeError(error).split('\n')[0]}); retrying.` };
    } finally {
      clearTimeout(timer);
    }
  }

  private async closeReaders(): Promise<void> {
    this.forgetChannelListener?.();
    this.forgetChannelListener = undefined;
    this.forgetTransactions?.();
    this.forgetTransactions = undefined;
    const { kafka, redis } = this;
    this.redis = undefined;
    // The Kafka reader keeps its timeline for the next page: only its connections close.
    await Promise.all([kafka?.close(), redis?.close()]);
    this.updateTails();
  }

  /** Starts the tails some page asks for, stops those none asks for any more. */
  private updateTails(): void {
    const wanted = new Set([...this.clients].flatMap((c) => (c.tail ? [tailKey(c.tail)] : [])));
    for (const [k, tail] of this.streamTails) if (!wanted.has(k)) (tail.stop(), this.streamTails.delete(k));
    for (const [k, consumer] of this.topicTails) {
      if (wanted.has(k)) continue;
      this.topicTails.delete(k);
      void consumer.then((c) => c?.disconnect()).catch(() => {});
    }
    for (const client of this.clients) {
      const tail = client.tail;
      if (!tail) continue;
      const k = tailKey(tail);
      if (tail.source === 'redis-stream' && !this.streamTails.has(k) && this.redis) this.streamTails.set(k, this.tailStream(this.redis, tail.key));
      if (tail.source === 'kafka-topic' && !this.topicTails.has(k)) this.topicTails.set(k, this.tailTopic(tail.topic));
    }
  }

  /**
   * XREAD BLOCK from the newest entry on, on a connection of its own, until stopped. It reads on from
   * an id it has seen, never from `$`: `$` means "newest when this XREAD reaches Redis", so with `$`
   * an entry added between two blocking reads (one ends every second with nothing) was never shown.
   */
  private tailStream(reader: RedisStateReader, key: string): { stop(): void } {
    const connection: Redis = reader.duplicate('tail');
    let stopped = false;
    void (async () => {
      let last = '0-0';
      while (!stopped) {
        try {
          const [newest] = (await connection.call('XREVRANGE', key, '+', '-', 'COUNT', '1')) as Array<[string, string[]]>;
          last = newest?.[0] ?? '0-0';
          break;
        } catch {
          if (!stopped) await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      while (!stopped) {
        try {
          const reply = (await connection.call('XREAD', 'BLOCK', '1000', 'COUNT', '100', 'STREAMS', key, last)) as Array<[string, Array<[string, string[]]>]> | null;
          for (const [, entries] of reply ?? []) {
            for (const [id, flat] of entries) {
              last = id;
              const fields: Record<string, string> = {};
              for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
              this.publish({ type: 'tail', data: { source: 'redis-stream', key, id, fields, at: Date.now() } });
            }
          }
          if (reply) this.poke();
        } catch {
          if (!stopped) await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    })();
    return {
      stop: () => {
        stopped = true;
        connection.disconnect();
      },
    };
  }

  /** A consumer of its own (a hidden group) reading the topic's new records. */
  private async tailTopic(topic: string): Promise<Consumer | undefined> {
    const endpoint = this.brokers.kafka();
    if (!endpoint) return undefined;
    const kafka = new Kafka({ clientId: 'workbook-live-tail', brokers: endpoint.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${LIVE_GROUP_PREFIX}tail-${randomUUID().slice(0, 8)}` });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const data: TailItem = {
            source: 'kafka-topic',
            at: Date.now(),
            record: { topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, timestamp: message.timestamp },
          };
          this.publish({ type: 'tail', data });
          this.poke();
        },
      });
      return consumer;
    } catch {
      await consumer.disconnect().catch(() => {});
      return undefined;
    }
  }
}

function tailKey(tail: Tail): string {
  return tail.source === 'redis-channel' ? `c:${tail.channel}` : tail.source === 'redis-stream' ? `s:${tail.key}` : `t:${tail.topic}`;
}

function tailMatches(tail: Tail, item: TailItem): boolean {
  if (item.source === 'redis-channel') return tail.source === 'redis-channel' && tail.channel === item.channel;
  if (item.source === 'redis-stream') return tail.source === 'redis-stream' && tail.key === item.key;
  return tail.source === 'kafka-topic' && tail.topic === item.record.topic;
}
