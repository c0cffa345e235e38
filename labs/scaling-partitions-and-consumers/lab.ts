import { randomUUID } from 'node:crypto';
import { AssignerProtocol, Kafka, Partitioners, logLevel, type Admin, type Consumer, type PartitionMetadata } from 'kafkajs';
import { defineLab } from '../../src/labs/lab.ts';

export interface PartitionsFindings {
  /** Part 1: members of one group on a topic with fewer partitions than members. */
  groupPartitions: number;
  members: Array<{ member: string; partitions: number[] }>;
  idleMembers: number;
  /** Part 2: the same keys sent before and after the topic grew. */
  keys: number;
  before: number;
  after: number;
  moved: number;
  movedToNewPartitions: number;
  movedBetweenOldPartitions: number;
  /** Every record landed where murmur2(key) % partitions said it would, before and after. */
  predictionsHeld: boolean;
}

const MEMBERS = ['A', 'B', 'C'];
/** Short fetch waits, so members notice rebalances quickly (see the kafka-rebalance lab). */
const MEMBER_TIMING = { sessionTimeout: 6_000, heartbeatInterval: 300, maxWaitTimeInMs: 300 };
const KEYS = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);

export default defineLab<PartitionsFindings>(async ({ log, kafkaBrokers }) => {
  const kafka = new Kafka({ clientId: 'lab-partitions', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const consumers: Consumer[] = [];
  try {
    // Part 1: three members, two partitions.
    const topic = `lab-partitions-${randomUUID().slice(0, 8)}`;
    const groupId = `lab-partitions-group-${randomUUID().slice(0, 8)}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    for (const member of MEMBERS) {
      const consumer = kafka.consumer({ groupId, ...MEMBER_TIMING });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async () => {} });
    }
    const members = await settledAssignment(admin, groupId, topic, MEMBERS.length);
    const idleMembers = members.filter((m) => m.partitions.length === 0).length;
    log(`Part 1: ${MEMBERS.length} consumers in one group, on a topic with 2 partitions.`);
    for (const { member, partitions } of members) {
      log(`  consumer ${member}: ${partitions.length > 0 ? `partition ${partitions.join(', ')}` : 'nothing (idle)'}`);
    }
    log(`${idleMembers} of ${MEMBERS.length} consumers ${idleMembers === 1 ? 'sits' : 'sit'} idle: a partition goes to one member of a group at a time.`);
    await Promise.all(consumers.splice(0).map((c) => c.disconnect()));

    // Part 2: the same keys before and after growing a topic from 6 to 8 partitions.
    const grown = `lab-grow-${randomUUID().slice(0, 8)}`;
    await admin.createTopics({ topics: [{ topic: grown, numPartitions: 6 }], waitForLeaders: true });
    const before = await sendAndLocate(kafka, grown, 'before');
    await admin.createPartitions({ topicPartitions: [{ topic: grown, count: 8 }] });
    await eightPartitionsAnnounced(admin, grown);
    // A new producer: an old one would keep using 6 partitions until its next metadata refresh.
    const after = await sendAndLocate(kafka, grown, 'after');
    const moved = KEYS.filter((k) => before.get(k) !== after.get(k));
    const movedToNewPartitions = moved.filter((k) => (after.get(k) ?? 0) >= 6).length;
    const predictionsHeld = KEYS.every((k) => before.get(k) === partitionFor(k, 6) && after.get(k) === partitionFor(k, 8));
    log('');
    log(`Part 2: ${KEYS.length.toLocaleString('en')} keys sent to a topic with 6 partitions, then again after growing it to 8.`);
    log(`  keys now on another partition:        ${moved.length}`);
    log(`    of which moved to the 2 new ones:    ${movedToNewPartitions}`);
    log(`    of which moved between the old 6:    ${moved.length - movedToNewPartitions}`);
    log(`  every record where murmur2(key) % partitions predicted: ${predictionsHeld ? 'yes' : 'no'}`);
    log('Until the old partitions are drained, a moved key has older records in one partition and newer');
    log('ones in another, and consumers can apply them out of order.');
    return {
      groupPartitions: 2,
      members,
      idleMembers,
      keys: KEYS.length,
      before: 6,
      after: 8,
      moved: moved.length,
      movedToNewPartitions,
      movedBetweenOldPartitions: moved.length - movedToNewPartitions,
      predictionsHeld,
    };
  } finally {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await admin.disconnect();
  }
});

/** Waits until the group is stable with `count` members, and returns who owns what, busiest first, named A, B, C. */
async function settledAssignment(admin: Admin, groupId: string, topic: string, count: number): Promise<Array<{ member: string; partitions: number[] }>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group?.state === 'Stable' && group.members.length === count) {
      return group.members
        .map((m) => [...(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [])].sort((a, b) => a - b))
        .sort((a, b) => b.length - a.length || (a[0] ?? 0) - (b[0] ?? 0))
        .map((partitions, i) => ({ member: MEMBERS[i] ?? String(i), partitions }));
    }
    if (Date.now() > deadline) throw new Error(`the group ${groupId} did not settle with ${count} members within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A real cluster announces new partitions a moment after createPartitions returns. */
async function eightPartitionsAnnounced(admin: Admin, topic: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    if ((topics[0]?.partitions ?? []).filter((p) => p.leader >= 0).length === 8) return;
    if (Date.now() > deadline) throw new Error(`the cluster did not report 8 partitions of ${topic} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends one record per key with a fresh producer, reads them back, and returns key → partition. */
async function sendAndLocate(kafka: Kafka, topic: string, round: string): Promise<Map<string, number>> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic, messages: KEYS.map((key) => ({ key, value: round })) });
  await producer.disconnect();

  const located = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `lab-grow-reader-${randomUUID().slice(0, 8)}`, maxWaitTimeInMs: 100 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (message.value?.toString() === round) located.set(message.key?.toString() ?? '', partition);
          if (located.size === KEYS.length) resolve();
        },
      });
    });
    return located;
  } finally {
    await consumer.disconnect();
  }
}

function partitionFor(key: string, partitions: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));
  return Partitioners.DefaultPartitioner()({ topic: 'any', partitionMetadata, message: { key, value: null } });
}
