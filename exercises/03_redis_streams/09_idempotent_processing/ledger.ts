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
      // TODO: a consumer group delivers at least once: after a crash between this credit and the
      // XACK, the entry is delivered again, and a producer that retried its XADD puts the same
      // payment in the stream twice. Each time, this credits the account again. Remember each
      // paymentId under processedKey() (expiring after rememberSeconds), and make "not seen yet?
      // then credit and remember" one atomic step: two workers may handle the same payment at
      // once, and a credit that fails must not be remembered as done.
      void rememberSeconds;
      await redis.incrby(balanceKey(namespace, payment.account), payment.amount);
      return 'applied';
    },
    async balance(account) {
      return Number((await redis.get(balanceKey(namespace, account))) ?? 0);
    },
    async close() {
      await redis.quit();
    },
  };
}
