/**
 * kcat (librdkafka) against each broker: metadata, produce and consume with keys and partitions, a
 * consumer group that commits and resumes, and transactions read at both isolation levels. What it
 * prints (normalised by runKcat) and its exit codes must match.
 */
import { withSession, type Session } from '../session.ts';
import type { Scenario } from '../suite.ts';
import type { ToolRun } from '../java-tools/run-tool.ts';
import { runKcat } from './run-kcat.ts';

type Transcript = Record<string, ToolRun>;

/** `-f`: partition, offset, key=value, one record a line. */
const RECORD_FORMAT = ['-f', '%p %o %k=%s\n'];

async function createTopic(session: Session, logical: string, numPartitions: number): Promise<string> {
  const topic = session.name(logical);
  const admin = await session.admin();
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  return topic;
}

/**
 * A group member fetches its partitions concurrently, so the order between partitions (records and
 * "Reached end" lines, the last of which says ": exiting") is the fetches' race, on any broker:
 * compare it sorted, without the marker of which came last.
 */
function sorted(run: ToolRun): ToolRun {
  return { ...run, lines: run.lines.map((line) => line.replace(/: exiting$/, '')).sort() };
}

export const kcatMetadataAndRecords: Scenario<Transcript> = {
  name: 'kcat -L, produce with keys to chosen and hashed partitions, consume per partition, an offset out of range',
  expected: {
    metadata: {
      code: 0,
      lines: [
        'Metadata for records (from broker <broker>: <bootstrap>/<broker>):',
        '1 brokers:',
        'broker <broker> at <bootstrap> (controller)',
        '1 topics:',
        'topic "records" with 2 partitions:',
        'partition 0, leader <broker>, replicas: <broker>, isrs: <broker>',
        'partition 1, leader <broker>, replicas: <broker>, isrs: <broker>',
      ],
    },
    unknownTopic: {
      code: 0,
      lines: [
        'Metadata for no-such-topic (from broker <broker>: <bootstrap>/<broker>):',
        '1 brokers:',
        'broker <broker> at <bootstrap> (controller)',
        '1 topics:',
        'topic "no-such-topic" with 0 partitions: Broker: Unknown topic or partition',
      ],
    },
    produceToPartition0: { code: 0, lines: [] },
    produceToPartition1: { code: 0, lines: [] },
    produceHashed: { code: 0, lines: [] },
    partition0: {
      code: 0,
      lines: ['0 0 k1=v1', '0 1 k2=v2', '0 2 d=4', '% Reached end of topic records [0] at offset 3: exiting'],
    },
    partition1: {
      code: 0,
      lines: ['1 0 k3=v3', '1 1 a=1', '1 2 b=2', '1 3 c=3', '% Reached end of topic records [1] at offset 4: exiting'],
    },
    outOfRange: {
      code: 0,
      lines: [
        '%4|<time>|OFFSET|rdkafka#consumer-1| [thrd:main]: records [0]: offset reset (at offset 100, broker <broker>) to END: fetch failed due to requested offset not available on the broker: Broker: Offset out of range',
        '% Reached end of topic records [0] at offset 3: exiting',
      ],
    },
  },
  timeoutMs: 180_000,
  run: (target) =>
    withSession(target, async (session) => {
      const topic = await createTopic(session, 'records', 2);
      const transcript: Transcript = {};
      transcript.metadata = await runKcat(target, ['-L', '-t', topic]);
      transcript.unknownTopic = await runKcat(target, ['-L', '-t', session.name('no-such-topic')]);
      transcript.produceToPartition0 = await runKcat(target, ['-P', '-t', topic, '-K:', '-p', '0'], { stdin: 'k1:v1\nk2:v2\n' });
      transcript.produceToPartition1 = await runKcat(target, ['-P', '-t', topic, '-K:', '-p', '1'], { stdin: 'k3:v3\n' });
      // librdkafka's own partitioner (consistent_random: CRC32 of the key) picks the partitions.
      transcript.produceHashed = await runKcat(target, ['-P', '-t', topic, '-K:'], { stdin: 'a:1\nb:2\nc:3\nd:4\n' });
      const consume = (partition: string, offset: string): Promise<ToolRun> => runKcat(target, ['-C', '-t', topic, '-p', partition, '-o', offset, '-e', ...RECORD_FORMAT]);
      transcript.partition0 = await consume('0', 'beginning');
      transcript.partition1 = await consume('1', 'beginning');
      transcript.outOfRange = await consume('0', '100');
      return session.normalize(transcript);
    }),
};

export const kcatGroup: Scenario<Transcript> = {
  name: 'kcat -G: a consumer group reads both partitions, commits on close, and resumes after them',
  expected: {
    firstRun: {
      code: 0,
      lines: [
        '% Group readers rebalanced (memberid <member-id>): assigned: grouped [0], grouped [1]',
        '% Group readers rebalanced (memberid <member-id>): revoked: grouped [0], grouped [1]',
        '% Reached end of topic grouped [0] at offset 2',
        '% Reached end of topic grouped [1] at offset 1',
        '% Waiting for group rebalance',
        '0 0 k1=v1',
        '0 1 k2=v2',
        '1 0 k3=v3',
      ],
    },
    resumed: {
      code: 0,
      lines: [
        '% Group readers rebalanced (memberid <member-id>): assigned: grouped [0], grouped [1]',
        '% Group readers rebalanced (memberid <member-id>): revoked: grouped [0], grouped [1]',
        '% Reached end of topic grouped [0] at offset 3',
        '% Reached end of topic grouped [1] at offset 1',
        '% Waiting for group rebalance',
        '0 2 late=1',
      ],
    },
  },
  timeoutMs: 180_000,
  run: (target) =>
    withSession(target, async (session) => {
      const topic = await createTopic(session, 'grouped', 2);
      const group = session.name('readers');
      await runKcat(target, ['-P', '-t', topic, '-K:', '-p', '0'], { stdin: 'k1:v1\nk2:v2\n' });
      await runKcat(target, ['-P', '-t', topic, '-K:', '-p', '1'], { stdin: 'k3:v3\n' });
      // No -o: kcat would then seek every assigned partition there, ignoring the committed offsets.
      const readGroup = async (): Promise<ToolRun> => sorted(await runKcat(target, ['-G', group, '-X', 'auto.offset.reset=earliest', '-e', ...RECORD_FORMAT, topic]));
      const transcript: Transcript = {};
      transcript.firstRun = await readGroup();
      await runKcat(target, ['-P', '-t', topic, '-K:', '-p', '0'], { stdin: 'late:1\n' });
      transcript.resumed = await readGroup();
      return session.normalize(transcript);
    }),
};

export const kcatTransactions: Scenario<Transcript> = {
  name: 'kcat with a transactional.id commits; librdkafka read_committed skips a kafkajs abort that read_uncommitted shows',
  expected: {
    transactionalProduce: {
      code: 0,
      lines: ['% Using transactional producer', '% Committing transaction', '% Transaction successfully committed'],
    },
    readCommitted: {
      code: 0,
      lines: ['0 3 =committed-1', '0 4 =committed-2', '% Reached end of topic in-transactions [0] at offset 6: exiting'],
    },
    readUncommitted: {
      code: 0,
      lines: ['0 0 =aborted-1', '0 1 =aborted-2', '0 3 =committed-1', '0 4 =committed-2', '% Reached end of topic in-transactions [0] at offset 6: exiting'],
    },
  },
  timeoutMs: 180_000,
  run: (target) =>
    withSession(target, async (session) => {
      const topic = await createTopic(session, 'in-transactions', 1);
      const aborting = await session.transactionalProducer('kafkajs-aborts');
      const transaction = await aborting.transaction();
      await transaction.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
      await transaction.abort();
      const transcript: Transcript = {};
      transcript.transactionalProduce = await runKcat(target, ['-P', '-t', topic, '-p', '0', '-X', `transactional.id=${session.name('kcat-commits')}`], {
        stdin: 'committed-1\ncommitted-2\n',
      });
      const consume = (isolation: string): Promise<ToolRun> =>
        runKcat(target, ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-X', `isolation.level=${isolation}`, ...RECORD_FORMAT]);
      transcript.readCommitted = await consume('read_committed');
      transcript.readUncommitted = await consume('read_uncommitted');
      return session.normalize(transcript);
    }),
};
