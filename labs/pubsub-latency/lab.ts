import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { defineLab, percentile } from '../../src/labs/lab.ts';

export interface LatencySummary {
  messages: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Messages per second from the first PUBLISH to the last arrival. */
  throughput: number;
  /** True when every message arrived, once, in the order published. */
  inOrder: boolean;
}

export interface LatencyFindings {
  oneAtATime: LatencySummary;
  burst: LatencySummary;
}

export interface LatencyOptions {
  messages: number;
}

export default defineLab<LatencyFindings, LatencyOptions>(async ({ log, redisUrl }, options) => {
  const messages = options.messages ?? 5_000;
  const publisher = new Redis(redisUrl());
  const subscriber = new Redis(redisUrl());
  try {
    log(`Measuring ${messages.toLocaleString('en')} messages each way on ${redisUrl()}...`);
    const oneAtATime = await measure(publisher, subscriber, messages, false);
    const burst = await measure(publisher, subscriber, messages, true);
    log('');
    log(`  one at a time: p50 ${ms(oneAtATime.p50Ms)} · p99 ${ms(oneAtATime.p99Ms)} · max ${ms(oneAtATime.maxMs)} · ${rate(oneAtATime.throughput)}`);
    log(`  in a burst:    p50 ${ms(burst.p50Ms)} · p99 ${ms(burst.p99Ms)} · max ${ms(burst.maxMs)} · ${rate(burst.throughput)}`);
    log('');
    log(`Every message arrived once and in order: ${oneAtATime.inOrder && burst.inOrder ? 'yes' : 'NO'}.`);
    log(`The burst's p50 is ${(burst.p50Ms / oneAtATime.p50Ms).toFixed(1)}× the idle p50: a message published behind thousands of others waits its turn.`);
    log('"Sub-millisecond" holds for an idle path on one machine; under load, latency is mostly queueing.');
    return { oneAtATime, burst };
  } finally {
    publisher.disconnect();
    subscriber.disconnect();
  }
});

async function measure(publisher: Redis, subscriber: Redis, count: number, burst: boolean): Promise<LatencySummary> {
  const channel = `lab:latency:${randomUUID().slice(0, 8)}`;
  const latencies: number[] = [];
  const order: number[] = [];
  let onArrival: (() => void) | undefined;
  const listener = (ch: string, message: string): void => {
    if (ch !== channel) return;
    const arrived = performance.now();
    const [seq, sentAt] = message.split(':').map(Number) as [number, number];
    order.push(seq);
    latencies.push(arrived - sentAt);
    onArrival?.();
  };
  subscriber.on('message', listener);
  await subscriber.subscribe(channel);
  const started = performance.now();
  try {
    if (burst) {
      const all = new Promise<void>((resolve) => (onArrival = () => order.length === count && resolve()));
      for (let i = 0; i < count; i++) void publisher.publish(channel, `${i}:${performance.now()}`);
      await all;
    } else {
      for (let i = 0; i < count; i++) {
        const arrived = new Promise<void>((resolve) => (onArrival = resolve));
        await publisher.publish(channel, `${i}:${performance.now()}`);
        await arrived;
      }
    }
  } finally {
    subscriber.off('message', listener);
    await subscriber.unsubscribe(channel);
  }
  const elapsedS = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    messages: count,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    throughput: count / elapsedS,
    inOrder: order.length === count && order.every((seq, i) => seq === i),
  };
}

function ms(value: number): string {
  return `${value < 1 ? value.toFixed(3) : value.toFixed(1)} ms`;
}

function rate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en')} msg/s`;
}
