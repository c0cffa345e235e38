import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTopic, kafkaBrokers, kafkaClient, uniqueName } from '#testing/kafka';
import { Inbox, until } from '#testing/wait';
import { ActionRefusal } from './action-refusal.ts';
import { kafkaConsole, type KafkaConsole } from './kafka-console.ts';
import type { KafkaRecord, LiveEvent } from './protocol.ts';

let open: KafkaConsole[] = [];
afterEach(async () => {
  await Promise.all(open.map((c) => c.close()));
  open = [];
});

/** A console on this run's cluster; `embedded: false` makes it treat the cluster as someone else's (KAFKA_BROKERS). */
function consoleOn(embedded: boolean, events = new Inbox<LiveEvent>()): { cli: KafkaConsole; events: Inbox<LiveEvent> } {
  const cli = kafkaConsole({ kafka: async () => ({ brokers: kafkaBrokers(), embedded }), publish: events.push });
  open.push(cli);
  return { cli, events };
}

async function describeGroup(group: string): Promise<{ state: string; members: Array<{ memberId: string; clientId: string }> }> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([group]);
    return groups[0] as { state: string; members: Array<{ memberId: string; clientId: string }> };
  } finally {
    await admin.disconnect();
  }
}

describe('the Kafka console', () => {
  it('produces with a key to the partition the key picks, and to the partition named', async () => {
    const { cli } = consoleOn(true);
    const topic = uniqueName('console-produce');
    await createTopic(topic, 3);
    const pinned = await cli.produce({ topic, key: 'k', value: 'to two', partition: 2 });
    expect(pinned).toEqual({ topic, partition: 2, offset: '0' });
    const first = await cli.produce({ topic, key: 'order-7', value: 'a' });
    const second = await cli.produce({ topic, key: 'order-7', value: 'b' });
    expect(second.partition).toBe(first.partition);
    expect(Number(second.offset)).toBe(Number(first.offset) + 1);

    const admin = kafkaClient().admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(offsets.find((o) => o.partition === 2)?.high).toBe(pinned.partition === first.partition ? '3' : '1');
  });

  it('creates a topic of one partition when producing to a new one, as auto-creation would', async () => {
    const { cli } = consoleOn(true);
    const topic = uniqueName('console-new');
    expect(await cli.produce({ topic, value: 'first' })).toEqual({ topic, partition: 0, offset: '0' });
  });

  it('says what to do for a partition the topic does not have, and for bad input', async () => {
    const { cli } = consoleOn(true);
    const topic = uniqueName('console-bad');
    await createTopic(topic, 2);
    await expect(cli.produce({ topic, value: 'x', partition: 5 })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/has 2 partitions \(0 to 1\)/) as string });
    await expect(cli.produce({ topic: 'no spaces', value: 'x' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/not a topic name/) as string });
    await expect(cli.produce({ topic, value: 3 })).rejects.toMatchObject({ status: 400 });
    await expect(cli.produce({ topic, value: 'x', partition: -1 })).rejects.toMatchObject({ status: 400 });
    await expect(cli.startConsumer({ topic, group: '' })).rejects.toMatchObject({ status: 400, message: 'Name the consumer group to join.' });
    await expect(cli.startConsumer({ topic: uniqueName('missing'), group: 'g' })).rejects.toMatchObject({ status: 404 });
  });

  it('runs a consumer that is a real group member, sends its records as kafka-record events, and leaves the group when stopped', async () => {
    const { cli, events } = consoleOn(true);
    const topic = uniqueName('console-consume');
    const group = uniqueName('console-group');
    await createTopic(topic, 2);
    await cli.produce({ topic, key: 'a', value: 'before the consumer', partition: 0 });
    const { consumerId } = await cli.startConsumer({ topic, group, fromBeginning: true });
    expect(cli.consumers()).toEqual([{ consumerId, topic, group }]);

    const joined = await describeGroup(group);
    expect(joined.state).toBe('Stable');
    expect(joined.members).toHaveLength(1);

    await cli.produce({ topic, key: 'b', value: 'after', partition: 1 });
    const records = (): KafkaRecord[] => events.items.flatMap((e) => (e.type === 'kafka-record' && e.data.consumerId === consumerId ? [e.data.record] : []));
    await events.waitUntil(() => records().length >= 2, 10_000, 'both records reaching the page as kafka-record events');
    expect(records().map((r) => [r.partition, r.key, r.value]).sort()).toEqual([
      [0, 'a', 'before the consumer'],
      [1, 'b', 'after'],
    ]);

    expect(await cli.stopConsumer(consumerId)).toBe(true);
    expect(cli.consumers()).toEqual([]);
    expect((await describeGroup(group)).members).toHaveLength(0);
    expect(await cli.stopConsumer(consumerId)).toBe(false);
  });

  it('a second console consumer in the same group splits the partitions with the first', async () => {
    const { cli } = consoleOn(true);
    const topic = uniqueName('console-split');
    const group = uniqueName('console-split-group');
    await createTopic(topic, 4);
    await cli.startConsumer({ topic, group });
    await cli.startConsumer({ topic, group });
    await until(async () => {
      const g = await describeGroup(group);
      return g.state === 'Stable' && g.members.length === 2;
    }, 'both console consumers in one stable group', 15_000);
  });

  it('limits how many consumers run at once', async () => {
    const events = new Inbox<LiveEvent>();
    const cli = kafkaConsole({ kafka: async () => ({ brokers: kafkaBrokers(), embedded: true }), publish: events.push, maxConsumers: 1 });
    open.push(cli);
    const topic = uniqueName('console-limit');
    await createTopic(topic, 1);
    await cli.startConsumer({ topic, group: uniqueName('g') });
    await expect(cli.startConsumer({ topic, group: uniqueName('g') })).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/stop one/) as string });
  });

  it('on a cluster it did not start, deletes only the topics it created, and says why for the others', async () => {
    const { cli } = consoleOn(false);
    const theirs = uniqueName('someone-elses');
    await createTopic(theirs, 1);
    const refusal = cli.deleteTopic(theirs);
    await expect(refusal).rejects.toBeInstanceOf(ActionRefusal);
    await expect(cli.deleteTopic(theirs)).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/did not create .* \(KAFKA_BROKERS\)/) as string });

    const mine = uniqueName('console-made');
    expect(await cli.createTopic({ topic: mine, partitions: 3 })).toEqual({ topic: mine, partitions: 3 });
    await expect(cli.createTopic({ topic: mine })).rejects.toMatchObject({ status: 409 });
    await cli.deleteTopic(mine);

    const admin = kafkaClient().admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toContain(theirs);
    expect(topics).not.toContain(mine);
  });

  it('leaves Kafka\'s internal topics alone, even on its own broker', async () => {
    const { cli } = consoleOn(true);
    await expect(cli.produce({ topic: '__consumer_offsets', value: 'x' })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/internal topics/) as string });
    await expect(cli.deleteTopic('__consumer_offsets')).rejects.toMatchObject({ status: 403 });
    await expect(cli.createTopic({ topic: '__mine' })).rejects.toMatchObject({ status: 403 });
  });

  it('deletes any topic on the workbook\'s own broker', async () => {
    const { cli } = consoleOn(true);
    const topic = uniqueName('console-any');
    await createTopic(topic, 1);
    await cli.deleteTopic(topic);
    await expect(cli.deleteTopic(topic)).rejects.toMatchObject({ status: 404 });
  });

  it('stops every consumer on close: their groups are left empty', async () => {
    const { cli } = consoleOn(true);
    const topic = uniqueName('console-close');
    const group = uniqueName('console-close-group');
    await createTopic(topic, 1);
    await cli.startConsumer({ topic, group });
    expect((await describeGroup(group)).members).toHaveLength(1);
    await cli.close();
    expect((await describeGroup(group)).members).toHaveLength(0);
    await expect(cli.produce({ topic, value: 'x' })).rejects.toMatchObject({ status: 503 });
  });
});

describe('the Kafka console when idle', () => {
  it('closes its producer and admin connections after the idle time, and opens new ones for the next request', async () => {
    const cli = kafkaConsole({ kafka: async () => ({ brokers: kafkaBrokers(), embedded: true }), publish: () => {}, idleMs: 300 });
    open.push(cli);
    const topic = uniqueName('console-idle');
    await createTopic(topic, 1);
    await cli.produce({ topic, value: 'one' });
    // Connections are not visible to the Kafka protocol: count this process's sockets to the broker's port.
    const port = Number(kafkaBrokers()[0]?.split(':')[1]);
    const mine = (): number => connectionsTo(port);
    const busy = mine();
    expect(busy).toBeGreaterThan(0);
    await until(() => mine() < busy, 'the console closing its idle connections', 5_000);
    expect(await cli.produce({ topic, value: 'two' })).toMatchObject({ offset: '1' });
  });
});

/** Established TCP connections of this process to 127.0.0.1:<port> (from /proc/net/tcp and our fds). */
function connectionsTo(port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // Closed meanwhile.
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[2]?.endsWith(`:${hexPort}`) && fields[3] === '01' && inodes.has(fields[9] ?? '')).length;
}
