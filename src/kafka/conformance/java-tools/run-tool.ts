/**
 * Runs one of Kafka's own command-line tools (the Java classes behind kafka-topics.sh,
 * kafka-configs.sh, kafka-consumer-groups.sh and the console clients) against a broker, and returns
 * what it printed with everything that is configuration rather than behaviour normalised: the
 * bootstrap address, node ids, generated member ids, topic ids, and column padding (which follows
 * the length of those ids).
 */
import { delimiter } from 'node:path';
import { kafkaToolsClasspath } from '../../real/index.ts';
import { sharedClasses } from '../../real/class-data-sharing.ts';
import { javaCommand } from '../../real/tools.ts';
import type { Target } from '../brokers.ts';
import { compileTxnProbe } from './txn-probe.ts';
import { runClient } from '../run-client.ts';

export const Tool = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  configs: 'kafka.admin.ConfigCommand',
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  consoleProducer: 'kafka.tools.ConsoleProducer',
  consoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  /** kafka-producer-perf-test.sh; the one tool that produces in transactions (it only commits). */
  producerPerformance: 'org.apache.kafka.tools.ProducerPerformance',
  /** Ours (TxnProbe.java): the Java client aborting a transaction and a producer fenced. */
  txnProbe: 'TxnProbe',
} as const;
export type Tool = (typeof Tool)[keyof typeof Tool];

export interface ToolRun {
  code: number | null;
  /** stdout then stderr, normalised, log4j's start-up chatter and blank lines dropped. */
  lines: string[];
}

let classpath: Promise<string> | undefined;
let probeClasses: Promise<string> | undefined;

/** The perf tool takes its bootstrap as `--producer-props bootstrap.servers=...`, which the caller passes. */
const NO_BOOTSTRAP_FLAG: ReadonlySet<Tool> = new Set([Tool.producerPerformance]);

const TOOL_TIMEOUT_MS = 60_000;

export async function runTool(target: Target, tool: Tool, args: string[], options: { stdin?: string; nodeId?: number } = {}): Promise<ToolRun> {
  classpath ??= kafkaToolsClasspath({ log: (line) => process.stderr.write(`${line}\n`) });
  let cp = await classpath;
  if (tool === Tool.txnProbe) {
    probeClasses ??= compileTxnProbe(cp);
    cp = [cp, await probeClasses].join(delimiter);
  }
  const bootstrap = NO_BOOTSTRAP_FLAG.has(tool) ? [] : ['--bootstrap-server', target.bootstrap];
  // Small heap and no JIT tiers beyond C1: the tools run for a second and share two cores.
  // Class data sharing: a tool's later runs map the classes its first run loaded (class-data-sharing.ts).
  const java = javaCommand();
  const shared = sharedClasses(tool, cp, java);
  const jvm = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', ...shared.args, '-Dlog4j.configuration=file:/dev/null', '-cp', cp];
  const run = await runClient(java, [...jvm, tool, ...bootstrap, ...args], { label: `[${target.label}] ${tool} ${args.join(' ')}`, timeoutMs: TOOL_TIMEOUT_MS, stdin: options.stdin });
  shared.settle(run.code);
  return { code: run.code, lines: normalise(run.printed, target) };
}

function normalise(text: string, target: Target): string[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('log4j:') && !line.startsWith('SLF4J:'))
    .map((line) =>
      line
        .split(target.bootstrap)
        .join('<bootstrap>')
        // Topic ids come with Metadata v10+, a flexible version the embedded broker does not speak.
        .replace(/\tTopicId: [\w-]+/g, '')
        // ELR is KRaft's eligible leader replicas, from the flexible-only DescribeTopicPartitions.
        .replace(/\tElr: [^\t]*\tLastKnownElr: .*$/, '')
        .replace(/(Leader|Replicas|Isr): \d+/g, '$1: <broker>')
        // Member ids: "<client or instance id>-<uuid>".
        .replace(/\S+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<member-id>')
        .replace(/\s+/g, ' ')
        .trim(),
    );
}
