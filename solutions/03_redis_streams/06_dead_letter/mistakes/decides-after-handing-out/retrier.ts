// Mistake: the guide's rule: it hands the entry out again and only then compares the count it read before its own XCLAIM with > maxDeliveries, so a poison entry is delivered more times than the limit.
// Caught by: a poison entry is handed out 3 times in all, then dead-lettered instead of retried
import type { Redis } from 'ioredis';

export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

export type EntryHandler = (entry: StreamEntry) => Promise<void>;

export interface RetryOptions {
  stream: string;
  group: string;
  /** The retrying consumer: entries it retries move to this name. */
  consumer: string;
  /** Only entries pending for at least this long are retried. */
  minIdleMs: number;
  /** An entry is handed to consumers at most this many times in all; then it is dead-lettered. */
  maxDeliveries: number;
  /**
   * Where entries that used up their deliveries go. Each dead letter has the fields
   * `original-id`, `group`, `deliveries` (how many times it was delivered) and `fields`
   * (the original entry's fields as a JSON object of strings, exactly as they were).
   */
  deadLetterStream: string;
  handle: EntryHandler;
  /** The most pending entries looked at per round trip (default 10). */
  count?: number;
}

export interface RetryReport {
  /** Retried, handled and acknowledged. */
  handled: string[];
  /** Retried and failed again: still pending, under the retrying consumer. */
  failed: string[];
  /** Moved to the dead-letter stream and acknowledged. */
  deadLettered: string[];
}

/** One retry pass over the group's idle pending entries. */
export async function retryPending(redis: Redis, options: RetryOptions): Promise<RetryReport> {
  const { stream, group, consumer, minIdleMs, maxDeliveries, deadLetterStream, handle, count = 10 } = options;
  const report: RetryReport = { handled: [], failed: [], deadLettered: [] };

  // Page through the idle pending entries; '(' makes the next page start after the last id seen,
  // so each entry is looked at once per pass, even if it failed again and is idle 0 ms now.
  let start = '-';
  for (;;) {
    // XPENDING's extended form: [id, consumer, idle ms, deliveries so far] per entry.
    const page = (await redis.xpending(stream, group, 'IDLE', minIdleMs, start, '+', count)) as Array<[string, string, number, number]>;
    if (page.length === 0) return report;
    for (const [id, , , deliveries] of page) {
      // Claim first, so that two retriers never both handle (or both dead-letter) one entry: the
      // second finds it no longer idle and XCLAIM returns nothing. An entry deleted from the
      // stream returns nothing either (and Redis 7 drops it from the pending list).
      const claimed = (await redis.xclaim(stream, group, consumer, minIdleMs, id)) as Array<[string, string[]] | null>;
      const entry = claimed[0];
      if (!entry) continue;
      const fields = toRecord(entry[1]);

      // `deliveries` counts what happened before this pass. At the limit, this entry has had all
      // its chances: it goes to the dead-letter stream without being handed out once more.
      try {
        await handle({ id, fields });
      } catch {
        if (deliveries > maxDeliveries) await deadLetter(id, fields, deliveries + 1);
        else report.failed.push(id);
        continue;
      }
      await redis.xack(stream, group, id);
      report.handled.push(id);
    }
    start = `(${page[page.length - 1]?.[0] ?? ''}`;
  }

  async function deadLetter(id: string, fields: Record<string, string>, deliveries: number): Promise<void> {
    // One transaction: a crash cannot leave the entry dead-lettered *and* still pending (it would
    // be dead-lettered twice) or acknowledged but never dead-lettered (lost).
    const results = await redis
      .multi()
      .xadd(deadLetterStream, '*', 'original-id', id, 'group', group, 'deliveries', String(deliveries), 'fields', JSON.stringify(fields))
      .xack(stream, group, id)
      .exec();
    // EXEC does not roll back: report a command that failed inside it instead of carrying on.
    const failure = results?.find(([error]) => error)?.[0];
    if (failure) throw new Error(`could not dead-letter ${id} into ${deadLetterStream}: ${failure.message}`);
    report.deadLettered.push(id);
  }
}

function toRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i] as string] = flat[i + 1] as string;
  return record;
}
