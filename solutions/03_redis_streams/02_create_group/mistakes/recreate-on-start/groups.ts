// Mistake: destroys and recreates the group when it exists, which rewinds it: everything it had delivered is delivered again and its pending list is lost.
// Caught by: calling it again answers "exists" and leaves the group where it was, pending entries and all
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
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The group is left exactly where it is: recreating or SETID-ing it on every start would
    // rewind it and hand out again everything it had already processed.
    if (message.startsWith('BUSYGROUP')) {
      await redis.xgroup('DESTROY', stream, group);
      await redis.xgroup('CREATE', stream, group, startId, 'MKSTREAM');
      return 'exists';
    }
    if (message.startsWith('WRONGTYPE')) {
      throw new Error(`${stream} holds a value that is not a stream: pick another key name, or delete that key if it is stale.`);
    }
    throw error;
  }
}
