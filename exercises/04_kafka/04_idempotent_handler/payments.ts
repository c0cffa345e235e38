import type { Redis } from 'ioredis';

export interface PaymentEvent {
  paymentId: string;
  account: string;
  amount: number;
}

export interface Ledger {
  /** Hash of account → balance. */
  balancesKey: string;
  /** Applied payment ids are remembered under `${processedKeyPrefix}${paymentId}`. */
  processedKeyPrefix: string;
  /** How long an applied id is remembered (longer than any redelivery can take). */
  ttlSeconds: number;
}

/** Credits the payment once, however often it is delivered; true when this call applied it. */
export async function applyPayment(redis: Redis, ledger: Ledger, event: PaymentEvent): Promise<boolean> {
  // TODO: a payment delivered twice is credited twice. Remember applied payment ids in Redis,
  // and make "not seen yet → credit" a single atomic step.
  await redis.hincrby(ledger.balancesKey, event.account, event.amount);
  return true;
}
