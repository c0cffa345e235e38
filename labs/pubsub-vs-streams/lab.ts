import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { WorkbookError } from '../../src/harness/errors.ts';
import { defineLab } from '../../src/labs/lab.ts';

export interface PubSubVsStreamsFindings {
  channel: string;
  stream: string;
  /** Every message sent, in order; each went both to the channel (PUBLISH) and to the stream (XADD). */
  sent: string[];
  /** The messages sent while both listeners were offline. */
  sentWhileOffline: string[];
  /** PUBLISH's reply (receivers) per message. */
  publishReceivers: Record<string, number>;
  /** What the Pub/Sub subscriber received, in order. */
  subscriberGot: string[];
  /** What the stream consumer received, in order. */
  consumerGot: string[];
  /** The group's lag (XINFO GROUPS) while the consumer was offline. */
  lagWhileOffline: number | null;
  /** From the consumer reconnecting to having read everything it missed. */
  catchUpMs: number;
}

const GROUP = 'audit';

export default defineLab<PubSubVsStreamsFindings>(async ({ log, redisUrl }) => {
  const id = randomUUID().slice(0, 8);
  const channel = `lab:orders:${id}`;
  const stream = `lab:orders-stream:${id}`;
  const producer = new Redis(redisUrl());
  let subscriber = new Redis(redisUrl());
  let consumer = new Redis(redisUrl());
  const sent: string[] = [];
  const publishReceivers: Record<string, number> = {};
  const subscriberGot: string[] = [];
  const consumerGot: string[] = [];
  try {
    let awaited: { message: string; resolve: () => void } | undefined;
    const listen = (client: Redis): void => {
      client.on('message', (_channel: string, message: string) => {
        subscriberGot.push(message);
        if (awaited?.message === message) awaited.resolve();
      });
    };
    /** Sends one message both ways; when the subscriber is online, waits until it has it. */
    const send = async (message: string, subscriberOnline: boolean): Promise<void> => {
      const arrived = subscriberOnline ? new Promise<void>((resolve) => (awaited = { message, resolve })) : undefined;
      publishReceivers[message] = await producer.publish(channel, message);
      const entryId = await producer.xadd(stream, '*', 'order', message);
      sent.push(message);
      log(`  ${message}: PUBLISH → ${publishReceivers[message]} receiver${publishReceivers[message] === 1 ? '' : 's'} · XADD → ${entryId}`);
      await arrived;
    };
    const consume = async (): Promise<string[]> => {
      const reply = (await consumer.xreadgroup('GROUP', GROUP, 'auditor', 'COUNT', 100, 'STREAMS', stream, '>')) as
        | Array<[string, Array<[string, string[]]>]>
        | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length > 0) await consumer.xack(stream, GROUP, ...entries.map(([entryId]) => entryId));
      const messages = entries.map(([, fields]) => fields[1] ?? '?');
      consumerGot.push(...messages);
      return messages;
    };

    log(`Every order goes two ways: PUBLISH to the channel ${channel}, and XADD to the stream ${stream}.`);
    log(`A Pub/Sub subscriber listens on the channel; a consumer reads the stream through the group "${GROUP}".`);
    listen(subscriber);
    await subscriber.subscribe(channel);
    await producer.xgroup('CREATE', stream, GROUP, '$', 'MKSTREAM');
    log('');
    log('1. Both online:');
    for (const m of ['o1', 'o2']) await send(m, true);
    log(`  the subscriber got ${subscriberGot.join(', ')}; the consumer reads ${(await consume()).join(', ')}.`);

    log('');
    log('2. Both go offline (a deploy, a crash):');
    subscriber.disconnect();
    consumer.disconnect();
    // Redis drops a subscription when it notices the closed socket, a moment later: wait for that,
    // or the next PUBLISH could still count the subscriber that is on its way out.
    await untilNobodySubscribed(producer, channel);
    const sentWhileOffline = ['o3', 'o4', 'o5'];
    for (const m of sentWhileOffline) await send(m, false);
    const lagWhileOffline = await groupLag(producer, stream);
    const offlineReceivers = sentWhileOffline.map((m) => publishReceivers[m] ?? 0);
    if (offlineReceivers.every((n) => n === 0)) log('  PUBLISH answered 0 each time: those messages reached nobody and Redis kept no copy.');
    else log(`  PUBLISH answered ${offlineReceivers.join(', ')}: someone else is subscribed to ${channel}.`);
    log(`  XINFO GROUPS says the group "${GROUP}" has lag ${lagWhileOffline ?? 'unknown'}: the stream keeps them, and the group knows where its consumer stopped.`);

    log('');
    log('3. Both come back:');
    subscriber = new Redis(redisUrl());
    listen(subscriber);
    await subscriber.subscribe(channel);
    consumer = new Redis(redisUrl());
    const reconnected = performance.now();
    const caughtUp = await consume();
    const catchUpMs = performance.now() - reconnected;
    log(`  the consumer's first XREADGROUP ... > returns ${caughtUp.join(', ')} (caught up in ${catchUpMs.toFixed(1)} ms).`);
    log('  the subscriber gets nothing from while it was away: there is nothing to get.');
    await send('o6', true);
    await consume();

    log('');
    const missed = sent.filter((m) => !subscriberGot.includes(m));
    log(`Pub/Sub subscriber received: ${subscriberGot.join(', ')}   (missed ${missed.join(', ')})`);
    log(`Stream consumer received:    ${consumerGot.join(', ')}   (missed nothing)`);
    log('Pub/Sub delivers to whoever is connected at that instant. A stream with a consumer group is a log plus a bookmark.');
    return { channel, stream, sent, sentWhileOffline, publishReceivers, subscriberGot, consumerGot, lagWhileOffline, catchUpMs };
  } finally {
    await producer.del(stream).catch(() => {});
    for (const client of [producer, subscriber, consumer]) client.disconnect();
  }
});

async function groupLag(redis: Redis, stream: string): Promise<number | null> {
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  for (const flat of groups) {
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), flat[i + 1]);
    if (fields.get('name') !== GROUP) continue;
    const lag = fields.get('lag');
    return lag === null || lag === undefined ? null : Number(lag);
  }
  return null;
}

async function untilNobodySubscribed(redis: Redis, channel: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const [, count] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
    if (Number(count) === 0) return;
    if (Date.now() > deadline) throw new WorkbookError(`Redis still counts a subscriber on ${channel} 3 s after it disconnected; is another program subscribed to lab:orders:*?`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
