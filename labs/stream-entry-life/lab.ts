import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { defineLab } from '../../src/labs/lab.ts';

/** The entry's line in XPENDING at one moment of its life. */
export interface PendingState {
  owner: string;
  deliveries: number;
  idleMs: number;
}

export interface EntryLifeFindings {
  stream: string;
  entryId: string;
  minIdleMs: number;
  /** Right after worker-a read it. */
  afterRead: PendingState;
  /** Entries XAUTOCLAIM took right after the crash, before the entry was idle long enough. */
  claimedTooEarly: number;
  /** Just before the second XAUTOCLAIM: the entry still belongs to the crashed worker. */
  beforeClaim: PendingState;
  /** Right after worker-b claimed it. */
  afterClaim: PendingState;
  /** From worker-a's crash to worker-b holding the entry. */
  crashToClaimMs: number;
  /** XACK's reply: how many entries it acknowledged. */
  acknowledged: number;
  pendingAfterAck: number;
  /** XLEN after the XACK: acknowledging does not delete. */
  lengthAfterAck: number;
}

export interface EntryLifeOptions {
  /** How long an entry must be idle before XAUTOCLAIM takes it (default 300 ms; real systems use tens of seconds). */
  minIdleMs: number;
}

const GROUP = 'billing';

export default defineLab<EntryLifeFindings, EntryLifeOptions>(async ({ log, redisUrl }, options) => {
  const minIdleMs = options.minIdleMs ?? 300;
  const stream = `lab:entry-life:${randomUUID().slice(0, 8)}`;
  const admin = new Redis(redisUrl());
  const workerA = new Redis(redisUrl());
  const workerB = new Redis(redisUrl());
  try {
    await admin.xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM');
    log(`Stream ${stream}, consumer group "${GROUP}".`);
    log('');

    const entryId = (await admin.xadd(stream, '*', 'order', 'A-1', 'amount', '1250')) as string;
    log(`1. XADD ${stream} * order A-1 amount 1250  →  ${entryId}`);
    log(`   XLEN ${await admin.xlen(stream)}: the entry is in the stream. Nobody has it yet.`);

    await workerA.xreadgroup('GROUP', GROUP, 'worker-a', 'COUNT', 1, 'STREAMS', stream, '>');
    const afterRead = await pendingState(admin, stream, entryId);
    log(`2. XREADGROUP GROUP ${GROUP} worker-a ... >  →  worker-a gets ${entryId}`);
    log(`   XPENDING: ${describe(afterRead)}. The group now remembers who holds it.`);

    workerA.disconnect();
    const crashedAt = performance.now();
    log('3. worker-a crashes before XACK (its connection is closed).');

    const early = await autoclaim(workerB, stream, minIdleMs);
    if (early.length === 0) {
      log(`4. XAUTOCLAIM ${stream} ${GROUP} worker-b ${minIdleMs} 0-0  →  0 claimed: the entry has not been idle for ${minIdleMs} ms yet.`);
      log('   That is the safety: a consumer that is merely slow keeps its entries.');
    } else {
      // Only when this machine stalled for longer than min-idle between the read and this claim.
      log(`4. XAUTOCLAIM ${stream} ${GROUP} worker-b ${minIdleMs} 0-0  →  ${early.length} claimed: this machine paused for more than ${minIdleMs} ms, so the entry was already idle enough. Rerun with a larger minIdleMs.`);
    }

    // Redis does not notice the crash; the entry just grows idle. Wait until it is idle long enough.
    let beforeClaim = await pendingState(admin, stream, entryId);
    while (beforeClaim.idleMs < minIdleMs) {
      await new Promise((resolve) => setTimeout(resolve, minIdleMs - beforeClaim.idleMs + 5));
      beforeClaim = await pendingState(admin, stream, entryId);
    }
    log(`5. XPENDING ${Math.round(performance.now() - crashedAt)} ms after the crash: ${describe(beforeClaim)}.`);
    log('   Still the crashed worker\'s: Redis never takes an entry back by itself.');

    const claimed = await autoclaim(workerB, stream, minIdleMs);
    const crashToClaimMs = performance.now() - crashedAt;
    const afterClaim = await pendingState(admin, stream, entryId);
    log(`6. XAUTOCLAIM ${stream} ${GROUP} worker-b ${minIdleMs} 0-0  →  claimed ${claimed.join(', ') || 'nothing'}`);
    log(`   XPENDING: ${describe(afterClaim)}. Claiming counts as a delivery.`);
    log(`   Time from crash to rescue: ${Math.round(crashToClaimMs)} ms (min-idle ${minIdleMs} ms + how often you run the rescue).`);

    const acknowledged = await workerB.xack(stream, GROUP, entryId);
    const [pendingAfterAck] = (await admin.xpending(stream, GROUP)) as [number, ...unknown[]];
    const lengthAfterAck = await admin.xlen(stream);
    log(`7. worker-b handles it and sends XACK ${stream} ${GROUP} ${entryId}  →  ${acknowledged}`);
    log(`   XPENDING: ${pendingAfterAck} pending. XLEN: ${lengthAfterAck} — acknowledging ends the entry's life in the group, not in the stream.`);
    log('   (Only XDEL or trimming removes it; another group could still read it.)');

    return {
      stream,
      entryId,
      minIdleMs,
      afterRead,
      claimedTooEarly: early.length,
      beforeClaim,
      afterClaim,
      crashToClaimMs,
      acknowledged,
      pendingAfterAck: Number(pendingAfterAck),
      lengthAfterAck,
    };
  } finally {
    await admin.del(stream).catch(() => {});
    for (const client of [admin, workerA, workerB]) client.disconnect();
  }
});

async function pendingState(redis: Redis, stream: string, id: string): Promise<PendingState> {
  const rows = (await redis.xpending(stream, GROUP, id, id, 1)) as Array<[string, string, number, number]>;
  const [row] = rows;
  if (!row) throw new Error(`${id} is not pending in ${stream}`);
  return { owner: row[1], idleMs: Number(row[2]), deliveries: Number(row[3]) };
}

async function autoclaim(redis: Redis, stream: string, minIdleMs: number): Promise<string[]> {
  // Without JUSTID: a claim that returns the entry is a delivery, and Redis counts it.
  const [, claimed] = (await redis.xautoclaim(stream, GROUP, 'worker-b', minIdleMs, '0-0', 'COUNT', 10)) as [string, Array<[string, string[]]>];
  return claimed.map(([id]) => id);
}

function describe(state: PendingState): string {
  return `owner ${state.owner}, idle ${state.idleMs} ms, delivered ${state.deliveries} time${state.deliveries === 1 ? '' : 's'}`;
}
