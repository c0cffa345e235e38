// Mistake: marks applied ids with SET NX but no expiry, so the record of every payment ever made grows in Redis forever.
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

/**
 * Redis runs a script start to finish with no other command in between, so "not applied yet?
 * then mark it and credit" cannot interleave with a second delivery of the same payment.
 */
const APPLY_ONCE = `
if redis.call('SET', KEYS[1], '1', 'NX') then
  redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[2])
  return 1
end
return 0`;

/** Credits the payment once, however often it is delivered; true when this call applied it. */
export async function applyPayment(redis: Redis, ledger: Ledger, event: PaymentEvent): Promise<boolean> {
  const applied = await redis.eval(
    APPLY_ONCE,
    2,
    `${ledger.processedKeyPrefix}${event.paymentId}`,
    ledger.balancesKey,
    event.account,
    event.amount,
    ledger.ttlSeconds,
  );
  return applied === 1;
}
