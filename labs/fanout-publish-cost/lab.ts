import { Redis } from 'ioredis';
import { startRedis } from '../../src/harness/redis.ts';
import { defineLab } from '../../src/labs/lab.ts';

export interface CostRow {
  /** Connections subscribed to the channel published on. */
  subscribers: number;
  /** Pattern subscriptions on the server, none of which matches the channel. */
  patterns: number;
  /** What each PUBLISH answered: the receivers (the non-matching patterns never count). */
  receivers: number;
  /** Server-side time per PUBLISH, from INFO commandstats (µs). */
  usecPerPublish: number;
}

export interface PublishCostFindings {
  publishesPerRow: number;
  rows: CostRow[];
}

export interface PublishCostOptions {
  /** PUBLISH commands measured per row. */
  publishes: number;
  /** Pattern counts to measure (ascending). */
  patternCounts: number[];
  /** Subscriber counts to measure (ascending). */
  subscriberCounts: number[];
}

const CHANNEL = 'orders.created';

export default defineLab<PublishCostFindings, PublishCostOptions>(async ({ log }, options) => {
  const publishes = options.publishes ?? 2_000;
  const patternCounts = options.patternCounts ?? [0, 1_000, 10_000];
  const subscriberCounts = options.subscriberCounts ?? [1, 100];

  // A private server: other clients' patterns and publishes would blur the numbers, and 10,000
  // patterns would slow down every PUBLISH of anyone sharing a real one.
  const server = await startRedis({ forceEmbedded: true, log: () => {} });
  const admin = new Redis(server.url);
  const patterns = new Redis(server.url);
  const subscribers: Redis[] = [];
  const rows: CostRow[] = [];
  try {
    log(`A private Redis (${server.url}); every row publishes ${publishes.toLocaleString('en')} messages to "${CHANNEL}".`);
    log('Server-side time per PUBLISH comes from INFO commandstats, so network and client time do not count.');
    log('');

    await addSubscribers(server.url, subscribers, subscriberCounts[0] ?? 1);
    let subscribed = 0;
    for (const target of patternCounts) {
      // Patterns that never match the channel: each is still checked on every PUBLISH.
      subscribed = await addPatterns(patterns, subscribed, target);
      rows.push(await measure(admin, publishes, subscribers.length, subscribed));
    }
    await patterns.punsubscribe();
    for (const target of subscriberCounts.slice(1)) {
      await addSubscribers(server.url, subscribers, target);
      rows.push(await measure(admin, publishes, subscribers.length, 0));
    }

    log('  subscribers  patterns on the server  PUBLISH answered  µs per PUBLISH');
    for (const row of rows) {
      log(`  ${pad(row.subscribers, 11)}  ${pad(row.patterns, 22)}  ${pad(row.receivers, 16)}  ${row.usecPerPublish.toFixed(2).padStart(14)}`);
    }
    log('');
    const base = rows[0];
    const mostPatterns = rows.filter((r) => r.subscribers === base?.subscribers).at(-1);
    const mostSubscribers = rows.at(-1);
    if (base && mostPatterns && mostPatterns !== base) {
      log(
        `With ${mostPatterns.patterns.toLocaleString('en')} patterns on the server, a PUBLISH costs ${ratio(mostPatterns, base)}× as much as with none, ` +
          `although not one of them matches and PUBLISH still answers ${mostPatterns.receivers}.`,
      );
    }
    if (base && mostSubscribers && mostSubscribers.subscribers > base.subscribers) {
      log(`With ${mostSubscribers.subscribers} subscribers on the channel it costs ${ratio(mostSubscribers, base)}× as much as with ${base.subscribers}: one copy per subscriber.`);
    }
    log('PUBLISH is O(N+M): N subscribers of the channel, M patterns anywhere on the server. Every PSUBSCRIBE taxes every publish.');
    return { publishesPerRow: publishes, rows };
  } finally {
    for (const client of [admin, patterns, ...subscribers]) client.disconnect();
    await server.stop();
  }
});

async function addSubscribers(url: string, subscribers: Redis[], target: number): Promise<void> {
  while (subscribers.length < target) {
    const subscriber = new Redis(url);
    subscribers.push(subscriber);
    await subscriber.subscribe(CHANNEL);
  }
}

async function addPatterns(connection: Redis, have: number, target: number): Promise<number> {
  for (let from = have; from < target; from += 500) {
    const batch = Array.from({ length: Math.min(500, target - from) }, (_, i) => `inventory.${from + i}.*`);
    await connection.psubscribe(...batch);
  }
  return Math.max(have, target);
}

async function measure(admin: Redis, publishes: number, subscribers: number, patterns: number): Promise<CostRow> {
  await admin.config('RESETSTAT');
  const pipeline = admin.pipeline();
  for (let i = 0; i < publishes; i++) pipeline.publish(CHANNEL, `order-${i}`);
  const replies = (await pipeline.exec()) ?? [];
  const receivers = new Set(replies.map(([, count]) => Number(count)));
  const stats = String(await admin.info('commandstats'));
  const usec = /cmdstat_publish:calls=(\d+),usec=(\d+)/.exec(stats);
  const calls = Number(usec?.[1] ?? 0);
  return {
    subscribers,
    patterns,
    receivers: receivers.size === 1 ? [...receivers][0] ?? -1 : -1,
    usecPerPublish: calls > 0 ? Number(usec?.[2] ?? 0) / calls : Number.NaN,
  };
}

function pad(value: number, width: number): string {
  return value.toLocaleString('en').padStart(width);
}

function ratio(row: CostRow, base: CostRow): string {
  return (row.usecPerPublish / base.usecPerPublish).toFixed(1);
}
