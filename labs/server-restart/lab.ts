import { Redis } from 'ioredis';
import { WorkbookError } from '../../src/harness/errors.ts';
import { startRedis, type RedisServer } from '../../src/harness/redis.ts';
import { defineLab } from '../../src/labs/lab.ts';

export interface SubscriberResult {
  label: string;
  setup: string;
  /** Copies of the message published before the restart that reached the handler. */
  before: number;
  /** Copies of the message published after the restart that reached the handler. */
  after: number;
  readyEvents: number;
  messageListeners: number;
  /** Channels the server says this connection is subscribed to after the restart (CLIENT LIST sub=). */
  subscriptionsAfter: number;
}

export interface RestartFindings {
  /** The address the clients connect to, which stays the same across the restart. */
  url: string;
  /** The redis-server processes before and after the restart. */
  pids: [before: number | undefined, after: number | undefined];
  channel: string;
  receiversBefore: number;
  receiversAfter: number;
  /** From the restarted server accepting connections to every auto-resubscribing client being subscribed again. */
  resubscribedWithinMs: number;
  subscribers: SubscriberResult[];
}

const WAIT_MS = 10_000;
const CHANNEL = 'news';

interface Subscriber {
  label: string;
  setup: string;
  client: Redis;
  name: string;
  received: string[];
  readyEvents: number;
}

export default defineLab<RestartFindings>(async ({ log }) => {
  // A private server whatever REDIS_URL says: the lab stops it, and must never stop yours.
  const server: RedisServer = await startRedis({ forceEmbedded: true });
  const pidBefore = server.pid;
  const url = server.url;
  const subscribers: Subscriber[] = [];
  const publisher = new Redis(url);
  publisher.on('error', () => {});
  try {
    const subscriber = (label: string, setup: string, configure: (s: Subscriber) => void, autoResubscribe = true): Subscriber => {
      const name = `lab-restart-${label}`;
      const client = new Redis(url, { connectionName: name, autoResubscribe });
      // While the server is down every reconnect attempt fails with an error: expected here.
      client.on('error', () => {});
      const s: Subscriber = { label, setup, client, name, received: [], readyEvents: 0 };
      client.on('ready', () => s.readyEvents++);
      configure(s);
      subscribers.push(s);
      return s;
    };
    const record = (s: Subscriber) => (_channel: string, message: string) => s.received.push(message);

    subscriber('A', 'subscribes once; ioredis resubscribes after a reconnect (autoResubscribe, the default)', (s) => {
      s.client.on('message', record(s));
      void s.client.subscribe(CHANNEL);
    });
    subscriber('B', "also subscribes again in a 'ready' handler", (s) => {
      s.client.on('message', record(s));
      s.client.on('ready', () => void s.client.subscribe(CHANNEL));
    });
    subscriber('C', "subscribes and adds its 'message' listener in a 'ready' handler", (s) => {
      s.client.on('ready', () => {
        s.client.on('message', record(s));
        void s.client.subscribe(CHANNEL);
      });
    });
    subscriber(
      'D',
      'autoResubscribe: false, and nothing in a ready handler',
      (s) => {
        s.client.on('message', record(s));
        void s.client.subscribe(CHANNEL);
      },
      false,
    );

    log(`A private redis-server (pid ${pidBefore}) reached at ${url}; four subscribers on the channel "${CHANNEL}":`);
    for (const s of subscribers) log(`  ${s.label}  ${s.setup}`);
    await waitUntil(async () => (await numsub(publisher)) === 4, 'all four subscribers subscribing');

    const receiversBefore = await publisher.publish(CHANNEL, 'before');
    await waitUntil(() => subscribers.every((s) => s.received.includes('before')), 'every subscriber receiving "before"');
    log('');
    log(`PUBLISH before → ${receiversBefore} receivers`);

    log('Stopping that redis-server, then starting a fresh one on the same address...');
    await server.restart();
    const backAt = performance.now();
    log(`A new redis-server (pid ${server.pid}) is up at ${url}; it knows nothing of the old one's subscribers.`);
    // A, B and C come back subscribed; D reconnects too, but to a server that knows nothing about it.
    await waitUntil(async () => (await numsub(publisher)) === 3, 'A, B and C subscribing again after the restart');
    const resubscribedWithinMs = performance.now() - backAt;
    await waitUntil(() => subscribers.every((s) => s.client.status === 'ready'), 'every subscriber reconnecting');
    log(`ioredis reconnected every client; A, B and C were subscribed again ${Math.round(resubscribedWithinMs)} ms after the server was back.`);

    const receiversAfter = await publisher.publish(CHANNEL, 'after');
    await publisher.publish(CHANNEL, 'end');
    const live = subscribers.filter((s) => s.label !== 'D');
    await waitUntil(() => live.every((s) => s.received.includes('end')), 'A, B and C receiving the last message');
    log(`PUBLISH after  → ${receiversAfter} receivers`);

    const clients = await clientList(publisher);
    const results: SubscriberResult[] = subscribers.map((s) => ({
      label: s.label,
      setup: s.setup,
      before: s.received.filter((m) => m === 'before').length,
      after: s.received.filter((m) => m === 'after').length,
      readyEvents: s.readyEvents,
      messageListeners: s.client.listenerCount('message'),
      subscriptionsAfter: clients.get(s.name) ?? 0,
    }));
    log('');
    log('     handled "before"  handled "after"  ready events  message listeners  subscribed after');
    for (const r of results) {
      log(`  ${r.label}  ${pad(r.before, 16)}  ${pad(r.after, 15)}  ${pad(r.readyEvents, 12)}  ${pad(r.messageListeners, 17)}  ${pad(r.subscriptionsAfter, 16)}`);
    }
    log('');
    log('A: ioredis remembers the subscriptions and sends them again after reconnecting; nothing to add.');
    log('B: subscribing again is redundant but harmless: a connection is subscribed to a channel once, however often it asks.');
    log("C: every 'ready' adds one more listener, so after one restart each message is handled twice (after ten, eleven times).");
    log('D: without autoResubscribe the connection comes back unsubscribed, and the messages go to nobody, silently.');
    return { url, pids: [pidBefore, server.pid], channel: CHANNEL, receiversBefore, receiversAfter, resubscribedWithinMs, subscribers: results };
  } finally {
    publisher.disconnect();
    for (const s of subscribers) s.client.disconnect();
    await server.stop();
  }
});

async function numsub(client: Redis): Promise<number> {
  const reply = (await client.pubsub('NUMSUB', CHANNEL)) as [string, number];
  return Number(reply[1]);
}

/** Channels each named connection is subscribed to, from CLIENT LIST. */
async function clientList(client: Redis): Promise<Map<string, number>> {
  const list = (await client.client('LIST')) as string;
  const subscribed = new Map<string, number>();
  for (const line of list.trim().split('\n')) {
    const name = / name=(\S*)/.exec(line)?.[1];
    if (name) subscribed.set(name, Number(/ sub=(\d+)/.exec(line)?.[1] ?? 0));
  }
  return subscribed;
}

/** Polls state that has no event of its own (a server's subscriber count, a client's status). */
async function waitUntil(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new WorkbookError(`${what} did not happen within ${WAIT_MS / 1000} s; run the lab again.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function pad(value: number, width: number): string {
  return String(value).padStart(width);
}
