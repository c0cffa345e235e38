import { describe, expect, test } from 'vitest';
import { connect, redisUrl } from '#testing/redis';
import { addEntries, createGroup, deliver, tempNamespace, toRecord, type StreamEntry } from '#testing/streams';
import { balanceKey, createLedger, processedKey, type Ledger, type LedgerOptions } from './ledger.ts';

function openLedger(cleanup: (fn: () => Promise<void>) => void, options: LedgerOptions): Ledger {
  const ledger = createLedger(redisUrl(), options);
  cleanup(() => ledger.close());
  return ledger;
}

function payment(id: string, paymentId: string, amount: number, account = 'alice'): StreamEntry {
  return { id, fields: { paymentId, account, amount: String(amount) } };
}

describe('a ledger that makes redelivery harmless', () => {
  test('a payment is credited once, and different payments add up', async ({ onTestFinished }) => {
    const namespace = tempNamespace('ledger');
    const ledger = openLedger(onTestFinished, { namespace });

    expect(await ledger.apply(payment('1-0', 'pay-1', 10_000))).toBe('applied');
    expect(await ledger.apply(payment('2-0', 'pay-2', 2_500))).toBe('applied');

    expect(await ledger.balance('alice')).toBe(12_500);
  });

  test('an entry delivered again after a crash is not credited twice', async ({ onTestFinished }) => {
    const namespace = tempNamespace('ledger');
    const stream = `${namespace}:payments`;
    const redis = connect();
    await createGroup(redis, stream, 'ledger');
    await addEntries(redis, stream, [{ paymentId: 'pay-7', account: 'alice', amount: '10000' }]);
    const [first] = await deliver(redis, stream, 'ledger', 'worker-1', 1);
    await openLedger(onTestFinished, { namespace }).apply(first as StreamEntry);
    // worker-1 crashed before XACK. Another consumer claims the entry and processes it again.
    const [, claimed] = (await redis.xautoclaim(stream, 'ledger', 'worker-2', 0, '0-0')) as [string, Array<[string, string[]]>];
    const [id, flat] = claimed[0] ?? ['', []];

    const second = await openLedger(onTestFinished, { namespace }).apply({ id, fields: toRecord(flat) });

    expect(second, 'the redelivered entry is recognised').toBe('duplicate');
    expect(await redis.get(balanceKey(namespace, 'alice')), 'alice is credited once').toBe('10000');
  });

  test('the same payment added to the stream twice (a producer retry) is credited once', async ({ onTestFinished }) => {
    const namespace = tempNamespace('ledger');
    const ledger = openLedger(onTestFinished, { namespace });

    const outcomes = [await ledger.apply(payment('5-0', 'pay-9', 4_000)), await ledger.apply(payment('6-0', 'pay-9', 4_000))];

    expect(outcomes, 'two stream entries, one payment: deduplicate by paymentId, not by the entry id').toEqual(['applied', 'duplicate']);
    expect(await ledger.balance('alice')).toBe(4_000);
  });

  test('two workers handling the same payment at the same moment credit it once', async ({ onTestFinished }) => {
    const namespace = tempNamespace('ledger');
    const workers = [openLedger(onTestFinished, { namespace }), openLedger(onTestFinished, { namespace })];
    // Both connected before the race starts, so neither gets a head start from connecting sooner.
    await Promise.all(workers.map((w) => w.balance('nobody')));

    const outcomes = await Promise.all(workers.map((w) => w.apply(payment('3-0', 'pay-3', 700))));

    expect(outcomes.sort(), 'checking first and crediting after is a race both workers win: make it one atomic step').toEqual(['applied', 'duplicate']);
    expect(await workers[0]?.balance('alice')).toBe(700);
  });

  test('a credit that fails is not remembered as done, so a retry credits it', async ({ onTestFinished }) => {
    const namespace = tempNamespace('ledger');
    const ledger = openLedger(onTestFinished, { namespace });
    const redis = connect();
    // Someone wrote a list where the balance belongs: INCRBY fails with WRONGTYPE.
    await redis.lpush(balanceKey(namespace, 'alice'), 'oops');

    const failed = await ledger.apply(payment('4-0', 'pay-4', 900)).then(
      () => 'resolved',
      () => 'rejected',
    );
    expect(failed, 'apply() must reject when the credit fails').toBe('rejected');

    await redis.del(balanceKey(namespace, 'alice'));
    const retried = await ledger.apply(payment('4-0', 'pay-4', 900));

    expect(retried, 'the failed attempt must not have marked pay-4 as processed (Redis does not roll back)').toBe('applied');
    expect(await ledger.balance('alice')).toBe(900);
  });

  test('processed payments are remembered for rememberSeconds, not forever', async ({ onTestFinished }) => {
    const namespace = tempNamespace('ledger');
    const ledger = openLedger(onTestFinished, { namespace, rememberSeconds: 3_600 });

    await ledger.apply(payment('8-0', 'pay-8', 100));

    const ttl = await connect().ttl(processedKey(namespace, 'pay-8'));
    expect(ttl, `the marker at processedKey() should expire within rememberSeconds (TTL -2: no such key, -1: no expiry)`).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_600);
  });

  test('an entry without a valid amount is rejected with a clear error', async ({ onTestFinished }) => {
    const namespace = tempNamespace('ledger');
    const ledger = openLedger(onTestFinished, { namespace });

    await expect(ledger.apply({ id: '9-0', fields: { paymentId: 'pay-x', account: 'alice', amount: 'ten' } })).rejects.toThrow(/9-0.*amount/);
  });
});
