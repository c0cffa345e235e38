// Mistake: remembers applied ids in the process's memory: a restart or a second consumer of the group credits the same payment again.
// Caught by: applied ids are kept in Redis under the prefix, and expire
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

const applied = new Set<string>();

/** Credits the payment once, however often it is delivered; true when this call applied it. */
export async function applyPayment(redis: Redis, ledger: Ledger, event: PaymentEvent): Promise<boolean> {
  const id = `${ledger.processedKeyPrefix}${event.paymentId}`;
  if (applied.has(id)) return false;
  applied.add(id);
  await redis.hincrby(ledger.balancesKey, event.account, event.amount);
  return true;
}
