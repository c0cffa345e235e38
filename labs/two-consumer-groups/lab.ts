import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { defineLab } from '../../src/labs/lab.ts';

/** One group's line of XINFO GROUPS, read by field name. */
export interface GroupState {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  lag: number | null;
}

export interface TwoGroupsFindings {
  stream: string;
  /** Ids of the entries added before the groups read, in order. */
  orders: string[];
  /** Entry ids each consumer received, by consumer name ('billing-1', 'billing-2', 'emails-1'). */
  received: Record<string, string[]>;
  /** XINFO GROUPS after billing acknowledged everything and emails only some. */
  afterAcks: GroupState[];
  /** XINFO GROUPS after two more entries were added and nobody read them yet. */
  afterNewEntries: GroupState[];
}

const ORDERS = 6;
const EMAILS_ACK = 2;

export default defineLab<TwoGroupsFindings>(async ({ log, redisUrl }) => {
  const stream = `lab:two-groups:${randomUUID().slice(0, 8)}`;
  const redis = new Redis(redisUrl());
  try {
    const orders: string[] = [];
    for (let n = 1; n <= ORDERS; n++) orders.push((await redis.xadd(stream, '*', 'order', `A-${n}`)) as string);
    log(`${ORDERS} orders in ${stream}. Two services read it, each through its own consumer group:`);
    await redis.xgroup('CREATE', stream, 'billing', '0');
    await redis.xgroup('CREATE', stream, 'emails', '0');
    log('  XGROUP CREATE ... billing 0   (two consumers share the work: billing-1, billing-2)');
    log('  XGROUP CREATE ... emails 0    (one consumer: emails-1)');
    log('');

    const received: Record<string, string[]> = { 'billing-1': [], 'billing-2': [], 'emails-1': [] };
    // The billing consumers take turns, one entry per read, as two busy workers would.
    for (let turn = 0; turn < ORDERS; turn++) {
      const consumer = turn % 2 === 0 ? 'billing-1' : 'billing-2';
      received[consumer]?.push(...(await readNew(redis, stream, 'billing', consumer, 1)));
    }
    received['emails-1']?.push(...(await readNew(redis, stream, 'emails', 'emails-1', ORDERS)));
    for (const [consumer, ids] of Object.entries(received)) {
      log(`  ${consumer.padEnd(9)} received ${ids.length}: ${ids.map((id) => orderName(orders, id)).join(', ')}`);
    }
    log('Within a group each entry goes to one consumer; every group gets every entry.');
    log('');

    await redis.xack(stream, 'billing', ...orders);
    await redis.xack(stream, 'emails', ...orders.slice(0, EMAILS_ACK));
    log(`billing acknowledges all ${ORDERS}; emails acknowledges only ${EMAILS_ACK} (its mail server is slow).`);
    const afterAcks = await groupStates(redis, stream);
    printGroups(log, afterAcks);
    log("Acknowledging in billing changed nothing for emails: each group keeps its own pending list and position.");
    log('');

    await redis.xadd(stream, '*', 'order', `A-${ORDERS + 1}`);
    await redis.xadd(stream, '*', 'order', `A-${ORDERS + 2}`);
    log('Two more orders arrive; nobody has read them yet.');
    const afterNewEntries = await groupStates(redis, stream);
    printGroups(log, afterNewEntries);
    log('lag = entries added to the stream that the group has not been given yet: the number to alert on.');
    return { stream, orders, received, afterAcks, afterNewEntries };
  } finally {
    await redis.del(stream).catch(() => {});
    redis.disconnect();
  }
});

async function readNew(redis: Redis, stream: string, group: string, consumer: string, count: number): Promise<string[]> {
  const reply = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, '>')) as
    | Array<[string, Array<[string, string[]]>]>
    | null;
  return (reply?.[0]?.[1] ?? []).map(([id]) => id);
}

async function groupStates(redis: Redis, stream: string): Promise<GroupState[]> {
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  return groups.map((flat) => {
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), flat[i + 1]);
    const lag = fields.get('lag');
    return {
      name: String(fields.get('name')),
      consumers: Number(fields.get('consumers')),
      pending: Number(fields.get('pending')),
      lastDeliveredId: String(fields.get('last-delivered-id')),
      lag: lag === null || lag === undefined ? null : Number(lag),
    };
  });
}

function printGroups(log: (line?: string) => void, groups: GroupState[]): void {
  log('  XINFO GROUPS:');
  for (const g of groups) {
    log(`    ${g.name.padEnd(8)} consumers ${g.consumers}  pending ${g.pending}  last-delivered ${g.lastDeliveredId}  lag ${g.lag ?? 'unknown'}`);
  }
}

function orderName(orders: string[], id: string): string {
  return `A-${orders.indexOf(id) + 1}`;
}
