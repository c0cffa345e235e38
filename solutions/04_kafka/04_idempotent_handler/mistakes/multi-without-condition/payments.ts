// Mistake: wraps SET NX and HINCRBY in MULTI, believing a transaction makes the credit conditional: MULTI runs both regardless, so a redelivery is credited again.
// Caught by: the same payment applied twice is credited once
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
  const results = await redis
    .multi()
    .set(`${ledger.processedKeyPrefix}${event.paymentId}`, '1', 'EX', ledger.ttlSeconds, 'NX')
    .hincrby(ledger.balancesKey, event.account, event.amount)
    .exec();
  return results?.[0]?.[1] === 'OK';
}
