import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { defineLab } from '../../src/labs/lab.ts';

export interface LagSample {
  handled: number;
  lag: number;
}

export interface LagFindings {
  backlog: number;
  partitions: number;
  /** A new group's lag computed as high − committed, with Kafka's -1 for "no commit" taken literally. */
  guideLagOfNewGroup: number;
  /** The same group's real lag: everything in the log (high − low) when nothing is committed. */
  realLagOfNewGroup: number;
  samples: LagSample[];
  finalLag: number;
  commitEvery: number;
}

const PARTITIONS = 3;
const BACKLOG = 3_000;
const SAMPLE_EVERY = 500;
const COMMIT_EVERY = 100;

export default defineLab<LagFindings>(async ({ log, kafkaBrokers }) => {
  const kafka = new Kafka({ clientId: 'lab-lag', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const topic = `lab-lag-${randomUUID().slice(0, 8)}`;
  const groupId = `lab-lag-group-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    for (let sent = 0; sent < BACKLOG; sent += 500) {
      await producer.send({ topic, messages: Array.from({ length: 500 }, (_, i) => ({ key: `user-${(sent + i) % 97}`, value: `event ${sent + i}` })) });
    }
    log(`Wrote a backlog of ${BACKLOG.toLocaleString('en')} messages over ${PARTITIONS} partitions of ${topic}.`);

    const { guide, real } = await lagOf(admin, groupId, topic);
    log('');
    log(`A new group (${groupId}) has committed nothing; Kafka reports its offsets as -1.`);
    log(`  the guide's high − committed:        ${guide.toLocaleString('en')}   (one extra per partition)`);
    log(`  what it will actually read (high − low): ${real.toLocaleString('en')}`);

    const samples: LagSample[] = [];
    let handled = 0;
    let done!: () => void;
    const drained = new Promise<void>((resolve) => (done = resolve));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      // Commit every 100 handled messages, so the committed offsets follow the work closely.
      autoCommitThreshold: COMMIT_EVERY,
      eachMessage: async () => {
        handled++;
        // Sampling inside the handler holds the consumer still while the admin client looks.
        if (handled % SAMPLE_EVERY === 0) samples.push({ handled, lag: (await lagOf(admin, groupId, topic)).real });
        if (handled === BACKLOG) done();
      },
    });
    await drained;
    // The last batch's offsets are committed when eachMessage returns for its last message.
    await consumer.disconnect();
    const finalLag = (await lagOf(admin, groupId, topic)).real;

    log('');
    log('While a consumer in that group works through the backlog (lag read with the admin client):');
    for (const s of samples) log(`  handled ${String(s.handled).padStart(5)}   lag ${String(s.lag).padStart(5)}`);
    log(`  after it stopped          lag ${String(finalLag).padStart(5)}`);
    log('');
    log(`Lag trails the work a little: it counts committed offsets, and this consumer commits every ${COMMIT_EVERY} messages.`);
    return { backlog: BACKLOG, partitions: PARTITIONS, guideLagOfNewGroup: guide, realLagOfNewGroup: real, samples, finalLag, commitEvery: COMMIT_EVERY };
  } finally {
    await consumer.disconnect();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
});

async function lagOf(admin: Admin, groupId: string, topic: string): Promise<{ guide: number; real: number }> {
  const [ends, [group]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  let guide = 0;
  let real = 0;
  for (const end of ends) {
    const committed = Number(group?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
    guide += Number(end.high) - committed;
    real += Number(end.high) - (committed < 0 ? Number(end.low) : committed);
  }
  return { guide, real };
}
