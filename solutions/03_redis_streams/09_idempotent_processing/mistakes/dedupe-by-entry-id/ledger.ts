// Mistake: deduplicates by the stream entry id, but a producer's retried XADD gives the same payment a new entry id, so it is credited twice.
// Caught by: the same payment added to the stream twice (a producer retry) is credited once
import { Redis } from 'ioredis';

export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

export interface LedgerOptions {
  /** Prefix of every key the ledger writes. */
  namespace: string;
  /** How long a processed payment is remembered (default 7 days): longer than any redelivery can take. */
  rememberSeconds?: number;
}

export interface Ledger {
  /**
   * Credits the payment in a stream entry (fields `paymentId`, `account`, `amount` in whole cents)
   * to the account — once per paymentId, however many times the entry or the payment is delivered.
   */
  apply(entry: StreamEntry): Promise<'applied' | 'duplicate'>;
  balance(account: string): Promise<number>;
  close(): Promise<void>;
}

/** Where an account's balance (in cents) is kept. */
export function balanceKey(namespace: string, account: string): string {
  return `${namespace}:balance:${account}`;
}

/** The marker saying a payment has been credited. */
export function processedKey(namespace: string, paymentId: string): string {
  return `${namespace}:processed:${paymentId}`;
}

interface Payment {
  paymentId: string;
  account: string;
  amount: number;
}

function parsePayment(entry: StreamEntry): Payment {
  const { paymentId, account, amount } = entry.fields;
  if (!paymentId || !account) throw new Error(`Payment entry ${entry.id} needs the fields paymentId and account.`);
  if (amount === undefined || !/^-?\d+$/.test(amount)) {
    throw new Error(`Payment entry ${entry.id} has no valid amount: expected whole cents like 1250, got ${JSON.stringify(amount)}.`);
  }
  return { paymentId, account, amount: Number(amount) };
}

const SEVEN_DAYS = 7 * 24 * 3600;

export function createLedger(url: string, options: LedgerOptions): Ledger {
  const { namespace, rememberSeconds = SEVEN_DAYS } = options;
  const redis = new Redis(url);

  return {
    async apply(entry) {
      const payment = parsePayment(entry);
      // One script runs atomically: nobody sees the marker without the credit or the credit without
      // the marker, and two workers cannot both find the payment new. The credit comes first:
      // a script that fails stops at the failing command, and Redis does not undo what already ran,
      // so remembering first would remember a credit that never happened. (MULTI/EXEC has the same
      // no-rollback rule and cannot decide anything, so it is no substitute.)
      const applied = await redis.eval(
        CREDIT_ONCE,
        2,
        processedKey(namespace, entry.id),
        balanceKey(namespace, payment.account),
        payment.amount,
        rememberSeconds,
      );
      return applied === 1 ? 'applied' : 'duplicate';
    },
    async balance(account) {
      return Number((await redis.get(balanceKey(namespace, account))) ?? 0);
    },
    async close() {
      await redis.quit();
    },
  };
}

/**
 * KEYS[1] the payment's processed marker, KEYS[2] the account's balance;
 * ARGV[1] the amount, ARGV[2] how long to remember the payment. Returns 1 if credited, 0 if seen.
 * (On a Redis Cluster both keys must hash to one slot: give them a common {hash tag}.)
 */
const CREDIT_ONCE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('INCRBY', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
return 1
`;
