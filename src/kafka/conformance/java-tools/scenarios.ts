/**
 * Kafka's own command-line tools, a client nobody here wrote, against each broker: what they print
 * (normalised by runTool) and their exit codes must match.
 */
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';
import { Tool, runTool, type ToolRun } from './run-tool.ts';

type Transcript = Record<string, ToolRun>;

/** kafka-consumer-groups waits 5 s by default, too little on two busy cores. */
const PATIENT = ['--timeout', '30000'];

export const topicsTool: Scenario<Transcript> = {
  name: 'kafka-topics --create and --describe',
  expected: {
    create: {
      code: 0,
      lines: [
        'Created topic described-by-tool.',
      ],
    },
    describe: {
      code: 0,
      lines: [
        'Topic: described-by-tool PartitionCount: 2 ReplicationFactor: 1 Configs: retention.ms=60000',
        'Topic: described-by-tool Partition: 0 Leader: <broker> Replicas: <broker> Isr: <broker>',
        'Topic: described-by-tool Partition: 1 Leader: <broker> Replicas: <broker> Isr: <broker>',
      ],
    },
    duplicate: {
      code: 1,
      lines: [
        "Error while executing topic command : Topic 'described-by-tool' already exists.",
      ],
    },
  },
  timeoutMs: 240_000,
  run: (target) =>
    withSession(target, async (session) => {
      const topic = session.name('described-by-tool');
      const transcript: Transcript = {};
      transcript.create = await runTool(target, Tool.topics, ['--create', '--topic', topic, '--partitions', '2', '--config', 'retention.ms=60000']);
      transcript.describe = await runTool(target, Tool.topics, ['--describe', '--topic', topic]);
      transcript.duplicate = await runTool(target, Tool.topics, ['--create', '--topic', topic]);
      return session.normalize(transcript);
    }),
};

export const configsTool: Scenario<Transcript> = {
  name: 'kafka-configs --alter and --describe on a topic',
  expected: {
    add: {
      code: 0,
      lines: [
        'Completed updating config for topic configured-by-tool.',
      ],
    },
    described: {
      code: 0,
      lines: [
        'Dynamic configs for topic configured-by-tool are:',
        'cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}',
        'max.message.bytes=2000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=2000, DEFAULT_CONFIG:message.max.bytes=1048588}',
      ],
    },
    remove: {
      code: 0,
      lines: [
        'Completed updating config for topic configured-by-tool.',
      ],
    },
    after: {
      code: 0,
      lines: [
        'Dynamic configs for topic configured-by-tool are:',
        'cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}',
      ],
    },
    invalid: {
      code: 1,
      lines: [
        "Error while executing config command with args '--bootstrap-server <bootstrap> --entity-type topics --entity-name configured-by-tool --alter --add-config retention.ms=soon'",
        'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.InvalidConfigurationException: Invalid value soon for configuration retention.ms: Not a number of type LONG',
        'Caused by: org.apache.kafka.common.errors.InvalidConfigurationException: Invalid value soon for configuration retention.ms: Not a number of type LONG',
      ],
    },
    brokerDefaults: {
      code: 0,
      lines: [
        'Default configs for brokers in the cluster are:',
      ],
    },
  },
  timeoutMs: 240_000,
  run: (target) =>
    withSession(target, async (session) => {
      const topic = session.name('configured-by-tool');
      const entity = ['--entity-type', 'topics', '--entity-name', topic];
      const transcript: Transcript = {};
      await runTool(target, Tool.topics, ['--create', '--topic', topic]);
      transcript.add = await runTool(target, Tool.configs, [...entity, '--alter', '--add-config', 'cleanup.policy=[compact,delete],max.message.bytes=2000']);
      transcript.described = await runTool(target, Tool.configs, [...entity, '--describe']);
      transcript.remove = await runTool(target, Tool.configs, [...entity, '--alter', '--delete-config', 'max.message.bytes']);
      transcript.after = await runTool(target, Tool.configs, [...entity, '--describe']);
      transcript.invalid = await runTool(target, Tool.configs, [...entity, '--alter', '--add-config', 'retention.ms=soon']);
      transcript.brokerDefaults = await runTool(target, Tool.configs, ['--entity-type', 'brokers', '--entity-default', '--describe']);
      // Stack traces are the JVM's, not the broker's: compare what the tool says, not where it was thrown.
      transcript.invalid = { ...transcript.invalid, lines: transcript.invalid.lines.filter((line) => !line.startsWith('at ')) };
      return session.normalize(transcript);
    }),
};

export const consoleClientsAndGroups: Scenario<Transcript> = {
  name: 'console producer and consumers (one static), kafka-consumer-groups --describe and --delete-offsets',
  expected: {
    produce: {
      code: 0,
      lines: [],
    },
    staticConsume: {
      code: 0,
      lines: [
        'Offset:0 k1 v1',
        'Offset:1 k2 v2',
        'Offset:2 k1 v3',
        'Processed a total of 3 messages',
      ],
    },
    staticDescribe: {
      code: 0,
      lines: [
        'GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID',
        'static-readers console 0 3 3 0 <member-id> /127.0.0.1 console-consumer',
      ],
    },
    staticDeleteOffsets: {
      code: 0,
      lines: [
        'Error: Encounter some partition level error, see the follow-up details:',
        'TOPIC PARTITION STATUS console 0 Error: :org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.',
      ],
    },
    plainConsume: {
      code: 0,
      lines: [
        'Offset:0 k1 v1',
        'Offset:1 k2 v2',
        'Offset:2 k1 v3',
        'Processed a total of 3 messages',
      ],
    },
    plainDescribe: {
      code: 0,
      lines: [
        'GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID',
        'plain-readers console 0 3 3 0 - - -',
        "Consumer group 'plain-readers' has no active members.",
      ],
    },
    plainDeleteOffsets: {
      code: 0,
      lines: [
        'Request succeed for deleting offsets with topic console group plain-readers',
        'TOPIC PARTITION STATUS console 0 Successful',
      ],
    },
    plainAfterDelete: {
      code: 0,
      lines: [
        "Error: Consumer group 'plain-readers' does not exist.",
      ],
    },
  },
  timeoutMs: 300_000,
  run: (target) =>
    withSession(target, async (session) => {
      const topic = session.name('console');
      const staticGroup = session.name('static-readers');
      const plainGroup = session.name('plain-readers');
      const transcript: Transcript = {};
      await runTool(target, Tool.topics, ['--create', '--topic', topic]);
      transcript.produce = await runTool(target, Tool.consoleProducer, ['--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:'], {
        stdin: 'k1:v1\nk2:v2\nk1:v3\n',
      });
      const consume = (group: string, extra: string[]): Promise<ToolRun> =>
        runTool(target, Tool.consoleConsumer, [
          '--topic',
          topic,
          '--group',
          group,
          '--from-beginning',
          '--max-messages',
          '3',
          '--property',
          'print.key=true',
          '--property',
          'print.offset=true',
          ...extra,
        ]);
      // A static member (group.instance.id) commits on close but does not leave: it stays in the
      // group until its session times out, so its topic's offsets cannot be deleted meanwhile.
      transcript.staticConsume = await consume(staticGroup, ['--consumer-property', `group.instance.id=${session.name('instance')}`]);
      transcript.staticDescribe = await runTool(target, Tool.consumerGroups, ['--describe', '--group', staticGroup, ...PATIENT]);
      transcript.staticDeleteOffsets = await runTool(target, Tool.consumerGroups, ['--delete-offsets', '--group', staticGroup, '--topic', topic, ...PATIENT]);
      // A dynamic member leaves on close: the group is empty, its offsets can go.
      transcript.plainConsume = await consume(plainGroup, []);
      transcript.plainDescribe = await runTool(target, Tool.consumerGroups, ['--describe', '--group', plainGroup, ...PATIENT]);
      transcript.plainDeleteOffsets = await runTool(target, Tool.consumerGroups, ['--delete-offsets', '--group', plainGroup, '--topic', topic, ...PATIENT]);
      transcript.plainAfterDelete = await runTool(target, Tool.consumerGroups, ['--describe', '--group', plainGroup, ...PATIENT]);
      return session.normalize(transcript);
    }),
};

/** The perf tool's closing line, without the timings: "5 records sent, 40.0 records/sec (...)" → "5 records sent". */
function recordsSent(run: ToolRun): ToolRun {
  return { ...run, lines: run.lines.map((line) => line.replace(/^(\d+ records sent),.*$/, '$1')) };
}

/**
 * The Java client in transactions (KIP-98) on one partition: the perf tool commits, our TxnProbe
 * aborts, commits, and is fenced by a successor with the same transactional.id; then the console
 * consumer reads the partition read_committed and read_uncommitted. Offsets include the commit and
 * abort markers (5, 9, 12, 14, 16), which no consumer prints but every offset after them shows.
 */
export const javaTransactions: Scenario<Transcript> = {
  name: 'Java client transactions: perf-test commits, an abort, a zombie fenced, read_committed vs read_uncommitted',
  expected: {
    perfTestCommit: { code: 0, lines: ['5 records sent'] },
    abort: { code: 0, lines: ['abort: 3 records'] },
    commit: { code: 0, lines: ['commit: 2 records'] },
    fence: {
      code: 0,
      lines: [
        'zombie: sent in its open transaction',
        'successor: initialised with the same transactional id',
        'zombie: commit failed with ProducerFencedException',
        'zombie: send failed with ProducerFencedException',
        'successor: committed',
      ],
    },
    readCommitted: {
      code: 0,
      lines: [
        'Offset:0 0',
        'Offset:1 1',
        'Offset:2 2',
        'Offset:3 3',
        'Offset:4 4',
        'Offset:10 committed-0',
        'Offset:11 committed-1',
        'Offset:15 successor',
        'Processed a total of 8 messages',
      ],
    },
    readUncommitted: {
      code: 0,
      lines: [
        'Offset:0 0',
        'Offset:1 1',
        'Offset:2 2',
        'Offset:3 3',
        'Offset:4 4',
        'Offset:6 aborted-0',
        'Offset:7 aborted-1',
        'Offset:8 aborted-2',
        'Offset:10 committed-0',
        'Offset:11 committed-1',
        'Offset:13 zombie-first',
        'Offset:15 successor',
        'Processed a total of 12 messages',
      ],
    },
  },
  timeoutMs: 300_000,
  run: (target) =>
    withSession(target, async (session) => {
      const topic = session.name('transactional');
      const transcript: Transcript = {};
      await runTool(target, Tool.topics, ['--create', '--topic', topic]);
      // One transaction: the perf tool commits when it has run for --transaction-duration-ms, or at the end.
      const perf = await runTool(target, Tool.producerPerformance, [
        '--topic', topic, '--num-records', '5', '--throughput', '-1', '--payload-monotonic',
        '--transactional-id', session.name('perf-txn'), '--transaction-duration-ms', '600000',
        '--producer-props', `bootstrap.servers=${target.bootstrap}`,
      ]);
      transcript.perfTestCommit = recordsSent(perf);
      const probeId = session.name('probe-txn');
      transcript.abort = await runTool(target, Tool.txnProbe, ['abort', topic, probeId, 'aborted-0', 'aborted-1', 'aborted-2']);
      transcript.commit = await runTool(target, Tool.txnProbe, ['commit', topic, probeId, 'committed-0', 'committed-1']);
      transcript.fence = await runTool(target, Tool.txnProbe, ['fence', topic, session.name('fenced-txn'), 'zombie-first', 'zombie-late', 'successor']);
      // Exactly as many messages as each level should see; --timeout-ms ends a run that sees fewer.
      const consume = (isolation: string, messages: number): Promise<ToolRun> =>
        runTool(target, Tool.consoleConsumer, [
          '--topic', topic, '--from-beginning', '--isolation-level', isolation, '--max-messages', String(messages),
          '--timeout-ms', '20000', '--property', 'print.offset=true',
        ]);
      transcript.readCommitted = await consume('read_committed', 8);
      transcript.readUncommitted = await consume('read_uncommitted', 12);
      return session.normalize(transcript);
    }),
};
