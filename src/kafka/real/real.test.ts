import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { WorkbookError } from '../../harness/errors.ts';
import { until, within } from '../../testing/wait.ts';
import { newClusterId, renderProperties, serverProperties } from './config.ts';
import { fetchKafkaJars, renderPom } from './jars.ts';
import { startRealKafka } from './launcher.ts';
import { startWatchdog, supervise } from '../../harness/process-kit.ts';
import { assertJava, assertMaven, parseJavaMajor } from './tools.ts';
import { processAlive } from '../../testing/processes.ts';

/** Same switch as the conformance suite: CI sets it after `npx tsx scripts/real-kafka.ts fetch`. */
const REAL = process.env.KAFKA_CONFORMANCE_REAL === '1';
const FIXTURE = fileURLToPath(new URL('./fixtures/hold.ts', import.meta.url));
/** The repo root, where `--import tsx` resolves the project's own tsx. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('broker configuration', () => {
  test('a single-node KRaft broker and controller, listening on 127.0.0.1 only', () => {
    const props = serverProperties({ nodeId: 1, port: 9100, controllerPort: 9101, logDir: '/tmp/x/data' });
    expect(props).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:9101',
      listeners: 'PLAINTEXT://127.0.0.1:9100,CONTROLLER://127.0.0.1:9101',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9100',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
    });
  });

  test('overrides win, and render as key=value lines', () => {
    const props = serverProperties({
      nodeId: 1,
      port: 1,
      controllerPort: 2,
      logDir: 'C:\\data',
      overrides: { 'auto.create.topics.enable': 'false' },
    });
    const text = renderProperties(props);
    expect(text).toContain('auto.create.topics.enable=false\n');
    expect(text).not.toContain('auto.create.topics.enable=true');
    expect(text).toContain('log.dirs=C:\\\\data\n');
  });

  test('cluster ids look like Kafka Uuids: 22 url-safe base64 chars, never a leading dash', () => {
    for (let i = 0; i < 200; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});

describe('machine prerequisites', () => {
  test('reads the Java major version from `java -version`', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('nothing here')).toBeUndefined();
  });

  test('no Java: one line saying what to install', async () => {
    const error = await assertJava('/nonexistent/bin/java').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as Error).message).toMatch(/install a JDK 17/);
    expect((error as Error).message).not.toContain('\n');
  });

  test('no Maven: one line saying what to install', async () => {
    const error = await assertMaven('/nonexistent/bin/mvn').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as Error).message).toMatch(/install it/);
  });
});

describe('fetching the jars', () => {
  /** A stand-in `mvn`: answers -v, and either "downloads" a kafka jar into -DoutputDirectory or fails like Maven offline. */
  function fakeMaven(mode: 'works' | 'offline'): { env: NodeJS.ProcessEnv; runs: () => number; cache: string } {
    const dir = mkdtempSync(join(tmpdir(), 'workbook-fake-mvn-'));
    const cache = join(dir, 'cache');
    const script = join(dir, 'mvn');
    writeFileSync(
      script,
      [
        '#!/bin/sh',
        'if [ "$1" = "-v" ]; then echo "Apache Maven 3.8.7"; exit 0; fi',
        `echo run >> "${dir}/runs"`,
        mode === 'offline'
          ? 'echo "[ERROR] Failed to execute goal: Could not transfer artifact org.apache.kafka:kafka_2.13:pom:3.9.2 from/to central"; exit 1'
          : 'for a in "$@"; do case "$a" in -DoutputDirectory=*) out="${a#-DoutputDirectory=}";; esac; done; mkdir -p "$out" && touch "$out/kafka_2.13-3.9.2.jar" "$out/kafka-clients-3.9.2.jar"',
        '',
      ].join('\n'),
    );
    chmodSync(script, 0o755);
    const runs = (): number => (existsSync(join(dir, 'runs')) ? readFileSync(join(dir, 'runs'), 'utf8').trim().split('\n').length : 0);
    return { env: { ...process.env, MAVEN_CMD: script, PUBSUB_WORKBOOK_CACHE: cache }, runs, cache };
  }

  test('runs Maven once into the cache, then reuses the lib dir; progress goes to log', async () => {
    const { env, runs, cache } = fakeMaven('works');
    try {
      const lines: string[] = [];
      const lib = await fetchKafkaJars({ env, log: (line) => lines.push(line) });
      expect(lib).toBe(join(cache, 'kafka-3.9.2', 'lib'));
      expect(existsSync(join(lib, 'kafka_2.13-3.9.2.jar'))).toBe(true);
      expect(lines[0]).toMatch(/Fetching Apache Kafka 3\.9\.2 jars from Maven Central/);
      expect(readFileSync(join(cache, 'kafka-3.9.2', 'pom.xml'), 'utf8')).toBe(renderPom());
      expect(await fetchKafkaJars({ env, log: () => {} })).toBe(lib);
      expect(runs()).toBe(1);
    } finally {
      rmSync(dirname(cache), { recursive: true, force: true });
    }
  });

  test('a failed download is one line that says so, and leaves nothing to be mistaken for a good fetch', async () => {
    const { env, cache } = fakeMaven('offline');
    try {
      const error = await fetchKafkaJars({ env, log: () => {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkbookError);
      expect((error as Error).message).toMatch(/^Maven could not download Kafka 3\.9\.2 from Maven Central \(Failed to execute goal: Could not transfer artifact/);
      expect((error as Error).message).toContain('rerun `npx tsx scripts/real-kafka.ts fetch`');
      expect(existsSync(join(cache, 'kafka-3.9.2', 'lib'))).toBe(false);
    } finally {
      rmSync(dirname(cache), { recursive: true, force: true });
    }
  });
});


/** JVMs running kafka.Kafka on a config in `dir` (scoped to it: a conformance run may have its own broker up). */
function kafkaJvmsIn(dir: string): string {
  return spawnSync('pgrep', ['-af', `kafka\\.Kafka ${dir}/`], { encoding: 'utf8' }).stdout.trim();
}

async function holdInChild(mode: 'real' | 'stand-in'): Promise<{ child: ReturnType<typeof spawn>; pid: number; dir: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fixture exited with code ${code} before reporting`)));
  });
  const held = JSON.parse(await within(first, 150_000, `the ${mode} process reporting its pid`)) as { pid: number; dir: string };
  return { child, ...held };
}

const mode = REAL ? 'real' : 'stand-in';
const modeNote = REAL
  ? 'the Kafka JVM'
  : 'a stand-in process (set KAFKA_CONFORMANCE_REAL=1 to test with the real Kafka JVM)';

describe('nothing leaks', () => {
  test(`when the launching process is SIGKILLed, the watchdog kills ${modeNote} and deletes its temp dir`, async () => {
    const { child, pid, dir } = await holdInChild(mode);
    expect(processAlive(pid)).toBe(true);
    expect(existsSync(dir)).toBe(true);

    child.kill('SIGKILL');
    await until(() => !processAlive(pid), `pid ${pid} stopping after its parent was SIGKILLed`, 15_000);
    await until(() => !existsSync(dir), `${dir} being deleted`, 15_000);
    expect(kafkaJvmsIn(dir)).toBe('');
  }, 180_000);

  test(`stop() ends ${modeNote}, deletes its temp dir and stands the watchdog down`, async () => {
    if (REAL) {
      const kafka = await startRealKafka({ log: () => {} });
      try {
        expect(kafka.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
        const admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        const cluster = await admin.describeCluster();
        await admin.disconnect();
        expect(cluster.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: Number(kafka.bootstrap.split(':')[1]) }]);
      } finally {
        await kafka.stop();
      }
      expect(processAlive(kafka.pid)).toBe(false);
      expect(existsSync(kafka.dir)).toBe(false);
      expect(kafkaJvmsIn(kafka.dir)).toBe('');
      return;
    }
    // The same supervision the launcher puts around the JVM, around a stand-in process.
    const dir = mkdtempSync(join(tmpdir(), 'pubsub-workbook-kafka-'));
    const watchdog = startWatchdog({ dir });
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', dir], { stdio: 'ignore' });
    if (child.pid === undefined || watchdog.pid === undefined) throw new Error('stand-in or watchdog did not start');
    watchdog.watch(child.pid);
    const { stop } = supervise(child, { graceMs: 15_000, watchdog, cleanup: () => rmSync(dir, { recursive: true, force: true }) });
    await stop();
    expect(processAlive(child.pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    const watchdogPid = watchdog.pid;
    await until(() => !processAlive(watchdogPid), 'the released watchdog exiting', 5_000);
  }, 180_000);
});
