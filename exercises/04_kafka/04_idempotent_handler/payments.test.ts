import { describe, expect, test } from 'vitest';
import { connect, unique } from '#testing/redis';
import { createTopic, kafkaClient, uniqueName } from '#testing/kafka';
import { Inbox } from '#testing/wait';
import { applyPayment, type Ledger, type PaymentEvent } from './payments.ts';

function ledger(): Ledger {
  return { balancesKey: unique('balances'), processedKeyPrefix: `${unique('processed')}:`, ttlSeconds: 3_600 };
}

async function balance(books: Ledger, account: string): Promise<number> {
  return Number((await connect().hget(books.balancesKey, account)) ?? 0);
}

describe('applyPayment', () => {
  test('the same payment applied twice is credited once', async () => {
    const redis = connect();
    const books = ledger();
    const payment: PaymentEvent = { paymentId: 'p-1', account: 'alice', amount: 30 };

    expect(await applyPayment(redis, books, payment), 'first delivery').toBe(true);
    expect(await applyPayment(redis, books, payment), 'second delivery').toBe(false);

    expect(await balance(books, 'alice'), "alice's balance after one payment of 30 was delivered twice (60: the redelivery was credited too)").toBe(30);
  });

  test('ten simultaneous deliveries of one payment credit it once', async () => {
    const redis = connect();
    const books = ledger();
    const payment: PaymentEvent = { paymentId: 'p-2', account: 'bob', amount: 5 };

    const results = await Promise.all(Array.from({ length: 10 }, () => applyPayment(redis, books, payment)));

    expect(results.filter(Boolean), 'deliveries that reported "applied" (more than one: checking and marking are separate steps, so simultaneous deliveries all pass the check)').toHaveLength(1);
    expect(await balance(books, 'bob'), 'check-then-credit in two steps lets several deliveries through').toBe(5);
  });

  test('different payments all apply', async () => {
    const redis = connect();
    const books = ledger();
    for (const [i, amount] of [10, 20, 30].entries()) await applyPayment(redis, books, { paymentId: `p-${i}`, account: 'carol', amount });
    expect(await balance(books, 'carol')).toBe(60);
  });

  test('applied ids are kept in Redis under the prefix, and expire', async () => {
    const redis = connect();
    const books = ledger();
    await applyPayment(redis, books, { paymentId: 'p-9', account: 'dave', amount: 1 });

    const ttl = await redis.ttl(`${books.processedKeyPrefix}p-9`);

    const meaning = ttl === -2 ? 'no such key: applied ids must be kept in Redis under the prefix, not in memory' : ttl === -1 ? 'the key never expires: set ttlSeconds on it' : 'expires';
    expect(ttl, `TTL of ${books.processedKeyPrefix}p-9 (${meaning})`).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(books.ttlSeconds);
  });

  test('fed from a Kafka topic that holds duplicates, the balances are right', async () => {
    const redis = connect();
    const books = ledger();
    const topic = uniqueName('payments');
    await createTopic(topic, 2);
    const payments: PaymentEvent[] = [
      { paymentId: 'a', account: 'erin', amount: 100 },
      { paymentId: 'b', account: 'erin', amount: 50 },
      { paymentId: 'c', account: 'frank', amount: 7 },
    ];
    // What a producer retry or a consumer rebalance leaves behind: the same events more than once.
    const delivered = [...payments, payments[0], payments[2], payments[0]] as PaymentEvent[];
    const producer = kafkaClient().producer();
    await producer.connect();
    await producer.send({ topic, messages: delivered.map((p) => ({ key: p.account, value: JSON.stringify(p) })) });
    await producer.disconnect();

    const consumer = kafkaClient().consumer({ groupId: uniqueName('ledger') });
    const seen = new Inbox<string>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const event = JSON.parse(message.value?.toString() ?? '{}') as PaymentEvent;
          await applyPayment(redis, books, event);
          seen.push(event.paymentId);
        },
      });
      await seen.waitFor(delivered.length, 10_000, 'every delivery being handled');
    } finally {
      await consumer.disconnect();
    }

    expect(await balance(books, 'erin'), 'erin: 100 + 50, each once').toBe(150);
    expect(await balance(books, 'frank'), 'frank: 7 once').toBe(7);
  });
});
