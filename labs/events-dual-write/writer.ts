/**
 * An order service in a process of its own, so the lab can kill it mid-write without a goodbye.
 *   node --import tsx writer.ts <naive|outbox> <dbUrl> <brokerUrl> <namespace> <concurrency> <gapMs>
 * Keeps creating orders with `concurrency` writers at once until it is killed; prints `ready` once
 * connected.
 *   naive:  save the order in the database, then, about gapMs later, publish OrderCreated to the broker's stream
 *   outbox: save the order and an outbox entry in one MULTI/EXEC; publishing is the relay's job
 */
import { Redis } from 'ioredis';
import { brokerStream, orderKey, outboxKey, type Mode } from './keys.ts';

const [mode, dbUrl, brokerUrl, namespace, concurrency, gapMs] = process.argv.slice(2) as [Mode, string, string, string, string, string];
const db = new Redis(dbUrl);
const broker = new Redis(brokerUrl);
let next = 0;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function writeOrders(): Promise<never> {
  // Writers start at random moments and pause for random times, so at any instant they are at
  // different points of their loop, as the requests of a real service are.
  await pause(Math.random() * Number(gapMs));
  for (;;) {
    const orderId = `o-${next++}`;
    const event = JSON.stringify({ type: 'OrderCreated', orderId });
    if (mode === 'naive') {
      await db.hset(orderKey(namespace, orderId), 'status', 'created');
      // What a real service does between the two writes (build and serialise the event, log, wait
      // for a produce request to travel to Kafka), in a pause. A crash here leaves an order that
      // no other service will ever hear about.
      await pause(Number(gapMs) * (0.5 + Math.random()));
      await broker.xadd(brokerStream(namespace), '*', 'event', event);
    } else {
      await db.multi().hset(orderKey(namespace, orderId), 'status', 'created').xadd(outboxKey(namespace), '*', 'event', event).exec();
    }
  }
}

await Promise.all([db.ping(), broker.ping()]);
process.stdout.write('ready\n');
await Promise.all(Array.from({ length: Number(concurrency) }, () => writeOrders()));
