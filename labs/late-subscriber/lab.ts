import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { defineLab } from '../../src/labs/lab.ts';

export interface LateSubscriberFindings {
  channel: string;
  /** [message, receivers PUBLISH reported] in publishing order. */
  published: Array<[message: string, receivers: number]>;
  received: string[];
  missed: string[];
}

export default defineLab<LateSubscriberFindings>(async ({ log, redisUrl }) => {
  const channel = `lab:late-subscriber:${randomUUID().slice(0, 8)}`;
  const publisher = new Redis(redisUrl());
  const subscriber = new Redis(redisUrl(), { lazyConnect: true });
  const published: Array<[string, number]> = [];
  const received: string[] = [];
  try {
    const publish = async (message: string): Promise<void> => {
      const receivers = await publisher.publish(channel, message);
      published.push([message, receivers]);
      log(`  PUBLISH ${channel} ${message}  →  ${receivers} receiver${receivers === 1 ? '' : 's'}`);
    };

    log(`Nobody is subscribed to ${channel} yet.`);
    for (const m of ['m1', 'm2', 'm3']) await publish(m);

    const lastArrived = new Promise<void>((resolve) => {
      subscriber.on('message', (_c: string, message: string) => {
        received.push(message);
        if (message === 'm6') resolve();
      });
    });
    await subscriber.connect();
    await subscriber.subscribe(channel);
    log('');
    log('A subscriber connects and SUBSCRIBEs (Redis confirmed the subscription).');
    for (const m of ['m4', 'm5', 'm6']) await publish(m);
    await lastArrived;

    const missed = published.map(([m]) => m).filter((m) => !received.includes(m));
    log('');
    log(`The subscriber received: ${received.join(', ')}`);
    log(`It missed:               ${missed.join(', ')} — PUBLISH answered 0 for them: Redis delivered them to nobody and kept no copy.`);
    log('A Redis Stream or a Kafka topic keeps messages, so a late consumer can still read them (see the Redis Streams chapter).');
    return { channel, published, received, missed };
  } finally {
    publisher.disconnect();
    subscriber.disconnect();
  }
});
