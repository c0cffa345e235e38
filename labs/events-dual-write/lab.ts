import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startRedis } from '../../src/harness/redis.ts';
import { defineLab } from '../../src/labs/lab.ts';
import { brokerStream, orderKey, outboxKey, type Mode } from './keys.ts';

export interface RunFindings {
  mode: Mode;
  /** Orders in the database after the crash. */
  orders: number;
  /** OrderCreated events on the broker (for the outbox, after the relay ran). */
  events: number;
  /** Orders whose event never reached the broker. */
  lost: number;
  /** Events about an order the database does not have. */
  ghosts: number;
  /** Events the relay moved from the outbox to the broker after the crash. */
  relayed: number;
}

export interface DualWriteFindings {
  gapMs: number;
  naive: RunFindings;
  outbox: RunFindings;
}

export interface DualWriteOptions {
  /** Orders the service writes before it is killed (at least). */
  ordersBeforeCrash: number;
  /** Orders being written at the same time. */
  concurrency: number;
  /** The naive service's time between saving and publishing (ms): building the event, reaching Kafka. */
  gapMs: number;
}

const WRITER = join(fileURLToPath(new URL('.', import.meta.url)), 'writer.ts');

export default defineLab<DualWriteFindings, DualWriteOptions>(async ({ log, redisUrl }, options) => {
  const ordersBeforeCrash = options.ordersBeforeCrash ?? 2_000;
  const concurrency = options.concurrency ?? 50;
  const gapMs = options.gapMs ?? 20;
  // Two systems, as in production: the service's database (a private Redis) and the broker (the
  // workbook's Redis), so no transaction can span both.
  const database = await startRedis({ forceEmbedded: true, log: () => {} });
  const db = new Redis(database.url);
  const broker = new Redis(redisUrl());
  const namespaces: string[] = [];
  try {
    log(`The database: a private Redis at ${database.url}. The broker: the Redis at ${redisUrl()}, a stream other services read.`);
    log(`Each run writes orders ${concurrency} at a time, and kills the service with SIGKILL after ${ordersBeforeCrash.toLocaleString('en')} of them.`);
    log(`Between saving and publishing, the naive service spends ${gapMs} ms, as a real one does building the event and reaching Kafka.`);
    log('');
    const results: RunFindings[] = [];
    for (const mode of ['naive', 'outbox'] as const) {
      const namespace = `lab:dual-write:${randomUUID().slice(0, 8)}`;
      namespaces.push(namespace);
      await crashWhileWriting({ mode, dbUrl: database.url, brokerUrl: redisUrl(), namespace, concurrency, gapMs }, db, ordersBeforeCrash);
      const relayed = mode === 'outbox' ? await relay(db, broker, namespace) : 0;
      results.push(await count(mode, db, broker, namespace, relayed));
    }
    const [naive, outbox] = results as [RunFindings, RunFindings];

    log('  save, then publish (the guide):');
    log(`    ${naive.orders.toLocaleString('en')} orders saved, ${naive.events.toLocaleString('en')} OrderCreated published: ${naive.lost} orders no other service will ever hear about.`);
    log('  order and outbox entry in one transaction, then a relay:');
    log(
      `    ${outbox.orders.toLocaleString('en')} orders saved, ${outbox.events.toLocaleString('en')} OrderCreated published ` +
        `(${outbox.relayed.toLocaleString('en')} of them by the relay after the crash): ${outbox.lost} lost, ${outbox.ghosts} ghosts.`,
    );
    log('');
    log('The naive service lost the events of the orders it had saved but not yet published when it died.');
    log('A shorter gap (a faster broker, less work in between) loses fewer per crash, but no gap makes the loss impossible.');
    log('With the outbox, the event is written with the order or not at all, and the relay publishes whatever the outbox holds.');
    return { gapMs, naive, outbox };
  } finally {
    // The database is private and goes away with the server; the broker may be someone's own Redis.
    for (const namespace of namespaces) await broker.del(brokerStream(namespace));
    db.disconnect();
    broker.disconnect();
    await database.stop();
  }
});

interface Writer {
  mode: Mode;
  dbUrl: string;
  brokerUrl: string;
  namespace: string;
  concurrency: number;
  gapMs: number;
}

/** Starts the writer, waits until enough orders are saved, and kills it without warning. */
async function crashWhileWriting(writer: Writer, db: Redis, ordersBeforeCrash: number): Promise<void> {
  const { mode, namespace } = writer;
  const args = [mode, writer.dbUrl, writer.brokerUrl, namespace, String(writer.concurrency), String(writer.gapMs)];
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args]);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready')) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`the ${mode} order service exited (code ${code}) before it started writing:\n${output}`)));
    });
    const deadline = Date.now() + 30_000;
    // The database has no event for "N orders saved": ask it, often, as an operator watching would.
    while ((await countOrders(db, namespace)) < ordersBeforeCrash) {
      if (Date.now() > deadline) throw new Error(`the ${mode} order service did not save ${ordersBeforeCrash} orders within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/** The outbox relay: publishes every entry to the broker, then removes it from the outbox. */
async function relay(db: Redis, broker: Redis, namespace: string): Promise<number> {
  let relayed = 0;
  for (;;) {
    const entries = await db.xrange(outboxKey(namespace), '-', '+', 'COUNT', 500);
    if (entries.length === 0) return relayed;
    const pipeline = broker.pipeline();
    for (const [, fields] of entries) pipeline.xadd(brokerStream(namespace), '*', ...fields);
    await pipeline.exec();
    await db.xdel(outboxKey(namespace), ...entries.map(([id]) => id));
    relayed += entries.length;
  }
}

async function count(mode: Mode, db: Redis, broker: Redis, namespace: string, relayed: number): Promise<RunFindings> {
  const published = new Set<string>();
  for (const [, fields] of await broker.xrange(brokerStream(namespace), '-', '+')) {
    published.add((JSON.parse(fields[1] ?? '{}') as { orderId: string }).orderId);
  }
  const saved = new Set<string>();
  for await (const keys of db.scanStream({ match: orderKey(namespace, '*'), count: 1_000 }) as AsyncIterable<string[]>) {
    for (const key of keys) saved.add(key.slice(orderKey(namespace, '').length));
  }
  return {
    mode,
    orders: saved.size,
    events: published.size,
    lost: [...saved].filter((id) => !published.has(id)).length,
    ghosts: [...published].filter((id) => !saved.has(id)).length,
    relayed,
  };
}

async function countOrders(db: Redis, namespace: string): Promise<number> {
  let total = 0;
  for await (const keys of db.scanStream({ match: orderKey(namespace, '*'), count: 1_000 }) as AsyncIterable<string[]>) total += keys.length;
  return total;
}
