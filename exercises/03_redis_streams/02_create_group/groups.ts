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
  // TODO: this fails three ways. '$' ignores `from`; without MKSTREAM Redis refuses a stream that
  // does not exist yet; and the second call (another instance, or the next deploy) is rejected
  // with BUSYGROUP. Only that rejection means "it already exists" — any other error is real.
  await redis.xgroup('CREATE', stream, group, '$');
  return 'created';
}
