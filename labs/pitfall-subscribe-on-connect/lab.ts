import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { defineLab } from '../../src/labs/lab.ts';

export interface SubscribeOnConnectFindings {
  watchedMs: number;
  /** The guide's version: SUBSCRIBE in the 'connect' event. */
  guide: { connects: number; readies: number; errors: string[]; subscribers: number };
  /** Subscribe once at start; ioredis resubscribes after the connection is killed. */
  onceAtStart: { readies: number; subscribersAfterReconnect: number; receivedAfterReconnect: boolean };
}

export interface SubscribeOnConnectOptions {
  /** How long to watch the guide's version. */
  watchMs: number;
}

export default defineLab<SubscribeOnConnectFindings, SubscribeOnConnectOptions>(async ({ log, redisUrl }, options) => {
  const watchedMs = options.watchMs ?? 1_000;
  const channel = `lab:connect:${randomUUID().slice(0, 8)}`;
  const admin = new Redis(redisUrl());
  try {
    // The guide's fix for "lost subscriptions after reconnect".
    const guideClient = new Redis(redisUrl());
    const guide = { connects: 0, readies: 0, errors: new Set<string>(), subscribers: 0 };
    guideClient.on('error', (error: Error) => guide.errors.add(error.message));
    guideClient.on('ready', () => guide.readies++);
    guideClient.on('connect', () => {
      guide.connects++;
      guideClient.subscribe(channel).catch(() => {});
    });
    await delay(watchedMs);
    guide.subscribers = await numsub(admin, channel);
    guideClient.disconnect();

    log(`The guide's version (SUBSCRIBE in the 'connect' event), watched for ${watchedMs} ms:`);
    log(`  'connect' events: ${guide.connects}    'ready' events: ${guide.readies}    PUBSUB NUMSUB ${channel}: ${guide.subscribers}`);
    for (const error of guide.errors) log(`  error: ${error}`);
    log('  The SUBSCRIBE goes out before the ready check; its INFO is refused, and ioredis starts over.');
    log('');

    // Subscribe once, at start, and let ioredis restore the subscription.
    const name = `lab-once-${randomUUID().slice(0, 8)}`;
    const onceClient = new Redis(redisUrl(), { connectionName: name });
    let readies = 0;
    const received: string[] = [];
    onceClient.on('error', () => {});
    onceClient.on('ready', () => readies++);
    onceClient.on('message', (_channel: string, message: string) => received.push(message));
    await onceClient.subscribe(channel);
    const id = await clientId(admin, name);
    await admin.client('KILL', 'ID', id);
    const back = await waitFor(async () => readies >= 2 && (await numsub(admin, channel)) === 1, 5_000);
    await admin.publish(channel, 'after the reconnect');
    const arrived = await waitFor(async () => received.includes('after the reconnect'), 2_000);
    const onceAtStart = { readies, subscribersAfterReconnect: back ? 1 : await numsub(admin, channel), receivedAfterReconnect: arrived };
    await onceClient.quit();

    log(`Subscribing once at start, then killing the connection (CLIENT KILL ID ${id}):`);
    log(`  'ready' events: ${onceAtStart.readies}    PUBSUB NUMSUB after the reconnect: ${onceAtStart.subscribersAfterReconnect}    message published afterwards arrived: ${arrived ? 'yes' : 'no'}`);
    log('  ioredis re-sent the SUBSCRIBE by itself. What it cannot restore is what was published during the gap.');
    return { watchedMs, guide: { ...guide, errors: [...guide.errors] }, onceAtStart };
  } finally {
    admin.disconnect();
  }
});

async function numsub(redis: Redis, channel: string): Promise<number> {
  const [, count] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
  return Number(count);
}

async function clientId(redis: Redis, name: string): Promise<string> {
  const line = ((await redis.client('LIST')) as string).split('\n').find((l) => l.includes(` name=${name} `));
  const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
  if (!id) throw new Error(`no connection named ${name} in CLIENT LIST`);
  return id;
}

/** Re-checks until true or `ms` passed; the lab reports what it saw either way. */
async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(20);
  }
  return check();
}
