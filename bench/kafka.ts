/**
 * The embedded broker against a real Apache Kafka, with the same client (kafkajs) in the same
 * process: start-up time, then 100,000 messages of 100 bytes produced in sends of 1,000 while a
 * consumer group reads them, giving produce and consume throughput and end-to-end latency.
 *
 *   npx tsx bench/kafka.ts            (needs Java and Maven for the real broker; see src/kafka/real)
 *
 * Prints a table and writes artifacts/bench-kafka.json. Not a test: it only checks that every
 * message arrived exactly once.
 *
 * Fairness: runs alternate embedded/real after a warm-up run on each (JIT in both V8 and the JVM),
 * and each figure is the median over the measured runs. The embedded broker shares this process's
 * event loop with the kafkajs client; the real one has its own JVM threads. That is what a learner
 * gets from each, so it is measured as is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, type KafkaMessage, Partitioners, logLevel } from 'kafkajs';
import { main } from '../src/cli/main.ts';
import { startEmbeddedKafka } from '../src/kafka/broker/index.ts';
import { KAFKA_VERSION, fetchKafkaJars, startRealKafka } from '../src/kafka/real/index.ts';

const MESSAGES = 100_000;
const MESSAGE_BYTES = 100;
const PER_SEND = 1_000;
const PARTITIONS = 3;
const WARMUP_MESSAGES = 20_000;
const MEASURED_RUNS = 3;
const EMBEDDED_STARTS = 5;
const RUN_TIMEOUT_MS = 180_000;

const TARGET_STARTUP_MS = 100;
const TARGET_THROUGHPUT_RATIO = 1.0;

const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'bench-kafka.json');

type BrokerName = 'embedded' | 'real';

interface RunResult {
  broker: BrokerName;
  messages: number;
  /** From the first send to the last acknowledged send. */
  produceMsgsPerSec: number;
  /** From the first message handed to eachBatch to the last. */
  consumeMsgsPerSec: number;
  /** Receive time minus the send time written into the message. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** How long the consumer took to join its group before producing began. */
  groupJoinMs: number;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

main(async () => {
  // Fetch first, so the real broker's start-up time is the start, not a one-off download.
  await fetchKafkaJars({ log });

  log(`Starting the embedded broker ${EMBEDDED_STARTS} times...`);
  const embeddedStarts: number[] = [];
  for (let i = 0; i < EMBEDDED_STARTS; i++) {
    const started = performance.now();
    const kafka = await startEmbeddedKafka({ log: () => {} });
    embeddedStarts.push(performance.now() - started);
    await kafka.stop();
  }
  const embedded = await startEmbeddedKafka({ log: () => {} });

  log(`Starting Apache Kafka ${KAFKA_VERSION}...`);
  const realStarted = performance.now();
  const real = await startRealKafka({ log });
  const realStartupMs = performance.now() - realStarted;

  const targets: Record<BrokerName, string[]> = { embedded: embedded.brokers, real: real.brokers };
  const runs: RunResult[] = [];
  try {
    for (const broker of ['embedded', 'real'] as const) {
      log(`Warm-up on ${broker} (${WARMUP_MESSAGES.toLocaleString('en')} messages)...`);
      await runOnce(broker, targets[broker], WARMUP_MESSAGES, 'warmup');
    }
    for (let i = 1; i <= MEASURED_RUNS; i++) {
      for (const broker of ['embedded', 'real'] as const) {
        log(`Run ${i}/${MEASURED_RUNS} on ${broker} (${MESSAGES.toLocaleString('en')} messages)...`);
        runs.push(await runOnce(broker, targets[broker], MESSAGES, `run${i}`));
      }
    }
  } finally {
    await Promise.allSettled([embedded.stop(), real.stop()]);
  }

  const summary = summarise(runs, embeddedStarts, realStartupMs);
  printTable(summary);
  mkdirSync(dirname(OUTPUT), { recursive: true });
  writeFileSync(
    OUTPUT,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
        kafkaVersion: KAFKA_VERSION,
        kafkajs: '2.2.4',
        workload: { messages: MESSAGES, messageBytes: MESSAGE_BYTES, perSend: PER_SEND, partitions: PARTITIONS, measuredRuns: MEASURED_RUNS },
        startup: { embeddedMs: embeddedStarts.map((ms) => round(ms, 2)), realMs: round(realStartupMs), realReportedMs: real.startupMs },
        runs,
        summary,
      },
      null,
      2,
    )}\n`,
  );
  log(`\nWrote ${OUTPUT}`);
});

/** One topic, one consumer group joined first, then MESSAGES produced while it reads them. */
async function runOnce(broker: BrokerName, brokers: string[], messages: number, label: string): Promise<RunResult> {
  const kafka = new Kafka({ clientId: `bench-${broker}`, brokers, logLevel: logLevel.NOTHING });
  const topic = `bench-${label}-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  const latencies = new Float64Array(messages);
  const seen = new Uint8Array(messages);
  let received = 0;
  let duplicates = 0;
  let firstReceive = 0;
  let lastReceive = 0;
  let allArrived: () => void = () => {};
  const done = new Promise<void>((resolve) => (allArrived = resolve));

  const record = (message: KafkaMessage, now: number): void => {
    const value = message.value;
    if (!value || value.length !== MESSAGE_BYTES) throw new Error(`unexpected message of ${value?.length ?? 0} bytes`);
    const seq = value.readUInt32BE(8);
    if (seen[seq]) duplicates++;
    else {
      seen[seq] = 1;
      latencies[seq] = now - value.readDoubleBE(0);
      received++;
    }
  };

  try {
    const joined = new Promise<number>((resolve) => consumer.on(consumer.events.GROUP_JOIN, (e) => resolve(e.payload.duration)));
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        if (firstReceive === 0) firstReceive = now;
        for (const message of batch.messages) record(message, now);
        lastReceive = now;
        if (received === messages) allArrived();
      },
    });
    const groupJoinMs = await joined;

    const produceStart = performance.now();
    for (let sent = 0; sent < messages; sent += PER_SEND) {
      const batch = [];
      const now = performance.now();
      for (let seq = sent; seq < Math.min(sent + PER_SEND, messages); seq++) {
        // 100 bytes: send time (float64, ms on this process's clock), sequence number, padding.
        const value = Buffer.alloc(MESSAGE_BYTES, 0x61);
        value.writeDoubleBE(now, 0);
        value.writeUInt32BE(seq, 8);
        batch.push({ value });
      }
      await producer.send({ topic, messages: batch });
    }
    const produceMs = performance.now() - produceStart;

    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${broker}: only ${received} of ${messages} messages arrived within ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    if (duplicates > 0) throw new Error(`${broker}: ${duplicates} messages were delivered twice`);

    const sorted = Array.from(latencies).sort((a, b) => a - b);
    return {
      broker,
      messages,
      produceMsgsPerSec: round(messages / (produceMs / 1000)),
      consumeMsgsPerSec: round(messages / ((lastReceive - firstReceive) / 1000)),
      latencyP50Ms: round(percentile(sorted, 0.5), 2),
      latencyP99Ms: round(percentile(sorted, 0.99), 2),
      groupJoinMs,
    };
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
  }
}

interface Summary {
  rows: Array<{ metric: string; embedded: number; real: number; ratio: number; better: 'higher' | 'lower' }>;
  targets: Array<{ target: string; met: boolean; detail: string }>;
}

function summarise(runs: RunResult[], embeddedStarts: number[], realStartupMs: number): Summary {
  const embeddedStartupMs = median(embeddedStarts);
  const of = (broker: BrokerName, pick: (r: RunResult) => number): number => median(runs.filter((r) => r.broker === broker).map(pick));
  const row = (metric: string, pick: (r: RunResult) => number, better: 'higher' | 'lower') => {
    const embedded = of('embedded', pick);
    const real = of('real', pick);
    return { metric, embedded, real, ratio: significant(embedded / real), better };
  };
  const rows = [
    { metric: 'start-up (ms)', embedded: round(embeddedStartupMs, 2), real: round(realStartupMs), ratio: significant(embeddedStartupMs / realStartupMs), better: 'lower' as const },
    row('produce (msgs/s)', (r) => r.produceMsgsPerSec, 'higher'),
    row('consume (msgs/s)', (r) => r.consumeMsgsPerSec, 'higher'),
    row('end-to-end latency p50 (ms)', (r) => r.latencyP50Ms, 'lower'),
    row('end-to-end latency p99 (ms)', (r) => r.latencyP99Ms, 'lower'),
    row('consumer group join (ms)', (r) => r.groupJoinMs, 'lower'),
  ];
  const ratioOf = (metric: string): number => rows.find((r) => r.metric === metric)?.ratio ?? 0;
  const targets = [
    {
      target: `embedded start-up ≤ ${TARGET_STARTUP_MS} ms`,
      // Judged on the slowest start (the first, cold one), not the median.
      met: Math.max(...embeddedStarts) <= TARGET_STARTUP_MS,
      detail: `slowest ${round(Math.max(...embeddedStarts), 2)} ms, median ${round(embeddedStartupMs, 2)} ms over ${EMBEDDED_STARTS} starts`,
    },
    {
      target: `embedded produce throughput ≥ ${TARGET_THROUGHPUT_RATIO}× real`,
      met: ratioOf('produce (msgs/s)') >= TARGET_THROUGHPUT_RATIO,
      detail: `${ratioOf('produce (msgs/s)')}×`,
    },
    {
      target: `embedded consume throughput ≥ ${TARGET_THROUGHPUT_RATIO}× real`,
      met: ratioOf('consume (msgs/s)') >= TARGET_THROUGHPUT_RATIO,
      detail: `${ratioOf('consume (msgs/s)')}×`,
    },
  ];
  return { rows, targets };
}

function printTable(summary: Summary): void {
  const header = ['metric', 'embedded', 'real', 'embedded/real'];
  const body = summary.rows.map((r) => [r.metric, format(r.embedded), format(r.real), `${formatRatio(r.ratio)} (${r.better} is better)`]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(`\nkafkajs 2.2.4, ${MESSAGES.toLocaleString('en')} × ${MESSAGE_BYTES} B in sends of ${PER_SEND}, ${PARTITIONS} partitions, median of ${MEASURED_RUNS} runs; real = Apache Kafka ${KAFKA_VERSION}\n`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const cells of body) console.log(line(cells));
  console.log('');
  for (const t of summary.targets) console.log(`${t.met ? 'MET    ' : 'NOT MET'}  ${t.target}: ${t.detail}`);
}

function format(n: number): string {
  return n >= 1000 ? Math.round(n).toLocaleString('en') : String(n);
}

/** Ratios far below 1 read better as fractions: 0.0000725 → "1/13,800×". */
function formatRatio(ratio: number): string {
  if (ratio > 0 && ratio < 0.01) return `1/${Number((1 / ratio).toPrecision(3)).toLocaleString('en')}×`;
  return `${ratio}×`;
}

function significant(n: number): number {
  return Number(n.toPrecision(3));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
