// Mistake: treats any error of XGROUP CREATE as "the group exists", so a key holding a string is reported as a ready group and the service fails later, far from the cause.
// Caught by: a key that is not a stream is an error that says so, not "exists"
import type { Redis } from 'ioredis';

/**
 * Where a new group starts reading:
 *   'beginning' – every entry already in the stream, then new ones (a service that must process
 *                 the backlog, e.g. one being added to a running system);
 *   'new-only'  – only entries added after the group was created (a live view, e.g. notifications).
 */
export type StartFrom = 'beginning' | 'new-only';

/**
 * Makes sure `group` exists on `stream`, creating both if needed. Safe to call on every start of
 * every instance of a service, even at the same moment: resolves to 'created' for the one call
 * that created the group and 'exists' for every other, and never moves an existing group.
 */
export async function ensureGroup(redis: Redis, stream: string, group: string, from: StartFrom): Promise<'created' | 'exists'> {
  // '0' puts the group before the first entry; '$' after the last one at the moment of creation.
  const startId = from === 'beginning' ? '0' : '$';
  try {
    // Create and let Redis say if it already exists: asking first (XINFO GROUPS) and creating
    // after is a race that two instances starting together lose.
    await redis.xgroup('CREATE', stream, group, startId, 'MKSTREAM');
    return 'created';
  } catch {
    // BUSYGROUP: it is there already.
    return 'exists';
  }
}
