// Mistake: checks whether the id was seen, then marks it and credits in separate commands: simultaneous deliveries all pass the check before any marks it.
// Caught by: ten simultaneous deliveries of one payment credit it once
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
  const processedKey = `${ledger.processedKeyPrefix}${event.paymentId}`;
  if (await redis.exists(processedKey)) return false;
  await redis.set(processedKey, '1', 'EX', ledger.ttlSeconds);
  await redis.hincrby(ledger.balancesKey, event.account, event.amount);
  return true;
}
