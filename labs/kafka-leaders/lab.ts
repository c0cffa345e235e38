import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { startEmbeddedKafka, type EmbeddedKafka } from '../../src/kafka/broker/index.ts';
import { defineLab } from '../../src/labs/lab.ts';

export interface LeadersFindings {
  brokers: string[];
  /** partition → leader node id */
  leaders: Record<number, number>;
  /** 'host:port' → Produce requests sent there */
  produceRequests: Record<string, number>;
  /** 'host:port' → Fetch requests sent there */
  fetchRequests: Record<string, number>;
  /** node id → 'host:port' */
  addresses: Record<number, string>;
}

const PARTITIONS = 6;
const PER_PARTITION = 20;

export default defineLab<LeadersFindings>(async ({ log, kafkaBrokers }) => {
  // The run's cluster is a single embedded broker unless KAFKA_BROKERS names a real one.
  let cluster: EmbeddedKafka | undefined;
  const brokers = process.env.KAFKA_BROKERS ? kafkaBrokers() : (cluster = await startEmbeddedKafka({ brokers: 3, log })).brokers;
  const kafka = new Kafka({ clientId: 'lab-leaders', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `lab-leaders-${randomUUID().slice(0, 8)}`, maxWaitTimeInMs: 200 });
  const produceRequests: Record<string, number> = {};
  const fetchRequests: Record<string, number> = {};
  producer.on(producer.events.REQUEST, ({ payload }) => {
    if (payload.apiName === 'Produce') produceRequests[payload.broker] = (produceRequests[payload.broker] ?? 0) + 1;
  });
  consumer.on(consumer.events.REQUEST, ({ payload }) => {
    if (payload.apiName === 'Fetch') fetchRequests[payload.broker] = (fetchRequests[payload.broker] ?? 0) + 1;
  });
  try {
    await Promise.all([admin.connect(), producer.connect()]);
    const topic = `lab-leaders-${randomUUID().slice(0, 8)}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    const described = await admin.describeCluster();
    const addresses = Object.fromEntries(described.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]));
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const leaders = Object.fromEntries((metadata.topics[0]?.partitions ?? []).map((p) => [p.partitionId, p.leader]));

    log(`${described.brokers.length} brokers: ${described.brokers.map((b) => `node ${b.nodeId} at ${b.host}:${b.port}`).join(', ')}; controller: node ${described.controller}.`);
    log(`Topic ${topic}, ${PARTITIONS} partitions:`);
    for (const [partition, leader] of Object.entries(leaders)) log(`  partition ${partition}  leader node ${leader} (${addresses[leader]})`);

    for (let partition = 0; partition < PARTITIONS; partition++) {
      await producer.send({ topic, messages: Array.from({ length: PER_PARTITION }, (_, i) => ({ partition, value: `p${partition}-${i}` })) });
    }
    let consumed = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => void (++consumed === PARTITIONS * PER_PARTITION && done()) });
    await all;

    log('');
    log('Requests kafkajs sent, per broker:');
    for (const address of Object.values(addresses)) {
      const led = Object.entries(leaders).filter(([, leader]) => addresses[leader] === address).map(([p]) => p);
      log(`  ${address.padEnd(16)} leads [${led.join(', ')}]   Produce ${produceRequests[address] ?? 0}   Fetch ${fetchRequests[address] ?? 0}`);
    }
    log('');
    log('Each produce request went to the leader of its partition, and the consumer fetched from every leader:');
    log('a client talks to all the brokers that lead what it reads or writes, not only to the one it bootstrapped from.');
    return { brokers, leaders, produceRequests, fetchRequests, addresses };
  } finally {
    await consumer.disconnect();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await cluster?.stop();
  }
});
