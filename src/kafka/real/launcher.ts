/**
 * A real Apache Kafka broker on this machine, without Docker: the broker's jars from Maven Central
 * (jars.ts), a JDK, and one JVM in KRaft combined mode on two free 127.0.0.1 ports. Used to check
 * the embedded broker against the real thing (src/kafka/conformance) and to benchmark both.
 *
 * Nothing is left behind: the JVM stops on exit, Ctrl-C and `kill` (onShutdown), and a watchdog
 * process kills it and deletes its temp dir if this process dies without a chance to (SIGKILL).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { WorkbookError, describeError } from '../../harness/errors.ts';
import { READY_LINE, log4jProperties, newClusterId, renderProperties, serverProperties } from './config.ts';
import { KAFKA_VERSION, fetchKafkaJars } from './jars.ts';
import { type Watchdog, exited, freePorts, startWatchdog, supervise } from '../../harness/process-kit.ts';
import { assertJava, javaCommand } from './tools.ts';

export interface RealKafka {
  bootstrap: string;
  brokers: string[];
  /** From the call to the broker answering clients, jar fetch excluded (it happens once per machine). */
  startupMs: number;
  /** The broker JVM's pid, and its temp dir (config + log.dirs), both gone after stop(). */
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

export interface StartRealKafkaOptions {
  /** Progress and the broker's warnings; default stderr. */
  log?: (line: string) => void;
  /** server.properties settings to add or override, e.g. `{ 'auto.create.topics.enable': 'false' }`. */
  serverProperties?: Record<string, string>;
  /** JVM heap; default 512m (the broker needs little for tests, and CI machines are small). */
  heap?: string;
  env?: NodeJS.ProcessEnv;
}

const NODE_ID = 1;
const START_ATTEMPTS = 3;
const STOP_TIMEOUT_MS = 15_000;
/** A cold JVM on a busy two-core machine can take a while; this only bounds a hang. */
const READY_TIMEOUT_MS = 120_000;
/** A group nobody joins: describing it is what makes a fresh broker create __consumer_offsets. */
const GROUP_COORDINATOR_PROBE = 'workbook-launcher-probe';

export async function startRealKafka(options: StartRealKafkaOptions = {}): Promise<RealKafka> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const lib = await fetchKafkaJars({ log, env });
  const started = performance.now();
  const java = javaCommand(env);
  await assertJava(java);

  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      const broker = await launch({ java, lib, log, heap: options.heap ?? '512m', overrides: options.serverProperties ?? {} });
      return { ...broker, startupMs: Math.round(performance.now() - started) };
    } catch (error) {
      lastError = error;
      // A free port we picked was taken by someone else before the JVM bound it: pick again.
      if (!(error instanceof PortTakenError)) break;
    }
  }
  throw lastError instanceof WorkbookError ? lastError : new WorkbookError(describeError(lastError));
}

class PortTakenError extends Error {}

interface LaunchInput {
  java: string;
  lib: string;
  log: (line: string) => void;
  heap: string;
  overrides: Record<string, string>;
}

async function launch(input: LaunchInput): Promise<Omit<RealKafka, 'startupMs'>> {
  const dir = mkdtempSync(join(tmpdir(), 'pubsub-workbook-kafka-'));
  // The dir is in every JVM's command line (config path): the watchdog kills only those, then deletes it.
  const watchdog = startWatchdog({ dir });
  const abandon = (): void => {
    rmSync(dir, { recursive: true, force: true });
    watchdog.release();
  };
  let broker: ChildProcess | undefined;
  try {
    const [port, controllerPort] = (await freePorts(2)) as [number, number];
    const propertiesFile = join(dir, 'server.properties');
    const log4jFile = join(dir, 'log4j.properties');
    writeFileSync(
      propertiesFile,
      renderProperties(
        serverProperties({ nodeId: NODE_ID, port, controllerPort, logDir: join(dir, 'data'), overrides: input.overrides }),
      ),
    );
    writeFileSync(log4jFile, log4jProperties());
    const classpath = ['-cp', join(input.lib, '*'), `-Dlog4j.configuration=file:${log4jFile}`];

    // `kafka-storage format`: writes meta.properties and the bootstrap metadata; a KRaft broker
    // refuses to start on an unformatted log dir. A short-lived JVM, so C1-only JIT and serial GC.
    await formatStorage(input.java, [
      '-Xmx256m',
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      ...classpath,
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      newClusterId(),
      '--config',
      propertiesFile,
    ], watchdog);

    // The JVM flags Kafka's own kafka-server-start.sh uses, with a smaller heap.
    broker = spawn(
      input.java,
      [
        `-Xmx${input.heap}`,
        `-Xms${input.heap}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35',
        '-XX:+ExplicitGCInvokesConcurrent',
        '-Djava.awt.headless=true',
        ...classpath,
        'kafka.Kafka',
        propertiesFile,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // A spawn failure arrives as an 'error' event; unheard, it would crash the process.
    const spawnFailed = new Promise<never>((_, reject) =>
      broker?.once('error', (error) => reject(new WorkbookError(`Could not run ${input.java} (${error.message}): install a JDK 17 or set JAVA_HOME.`))),
    );
    spawnFailed.catch(() => {});
    const pid = broker.pid;
    if (pid === undefined) return await spawnFailed;
    watchdog.watch(pid);
    const bootstrap = `127.0.0.1:${port}`;
    await Promise.race([waitUntilReady(broker, input.log), spawnFailed]);
    await checkClientsConnect(bootstrap);
    // SIGTERM runs Kafka's shutdown hook (a clean, quick shutdown of a single node); SIGKILL if it hangs.
    const { stop } = supervise(broker, { graceMs: STOP_TIMEOUT_MS, watchdog, cleanup: () => rmSync(dir, { recursive: true, force: true }) });
    return { bootstrap, brokers: [bootstrap], pid, dir, stop };
  } catch (error) {
    if (broker && broker.exitCode === null) {
      broker.kill('SIGKILL');
      await exited(broker);
    }
    abandon();
    throw error;
  }
}

function formatStorage(java: string, args: string[], watchdog: Watchdog): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) watchdog.watch(child.pid);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new WorkbookError(`Could not run ${java} (${error.message}): install a JDK 17 or set JAVA_HOME.`)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const reason = lastMeaningfulLine(output.split('\n')) ?? `exit code ${code}`;
      reject(new WorkbookError(`Formatting Kafka's storage failed (${reason}): delete the Kafka cache dir (see \`npx tsx scripts/real-kafka.ts fetch\`) and retry.`));
    });
  });
}

/** Resolves on the broker's "started" line; rejects if the JVM exits first, or never says it. */
function waitUntilReady(broker: ChildProcess, log: (line: string) => void): Promise<void> {
  const recent: string[] = [];
  let ready = false;
  return new Promise<void>((resolve, reject) => {
    const onLine = (line: string): void => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      if (!ready && line.includes(READY_LINE)) {
        ready = true;
        clearTimeout(timer);
        resolve();
        return;
      }
      // Everything else the broker prints is WARN or worse (see log4jProperties): worth showing.
      if (/\] (WARN|ERROR|FATAL) /.test(line)) log(`kafka: ${line}`);
    };
    // Keep draining the pipes for the broker's whole life, or it would block writing its log.
    if (broker.stdout) createInterface({ input: broker.stdout }).on('line', onLine);
    if (broker.stderr) createInterface({ input: broker.stderr }).on('line', onLine);
    const timer = setTimeout(() => {
      reject(
        new WorkbookError(
          `Kafka ${KAFKA_VERSION} did not start within ${READY_TIMEOUT_MS / 1000} s (last output: ${lastMeaningfulLine(recent) ?? 'none'}): is the machine out of memory or CPU?`,
        ),
      );
    }, READY_TIMEOUT_MS);
    broker.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (ready) return;
      const all = recent.join('\n');
      if (/Address already in use|BindException/.test(all)) return reject(new PortTakenError(all));
      reject(
        new WorkbookError(
          `Kafka ${KAFKA_VERSION} exited during start-up (${signal ?? `code ${code}`}): ${lastMeaningfulLine(recent) ?? 'no output'}.`,
        ),
      );
    });
  });
}

/**
 * The "started" line means the sockets are open; a metadata round trip proves clients are served,
 * and describing a group makes the broker ready for groups (below).
 */
async function checkClientsConnect(bootstrap: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'workbook-real-kafka-launcher',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 50 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    await admin.disconnect().catch(() => {});
    throw new WorkbookError(`Kafka said it started but kafkajs cannot use it at ${bootstrap} (${describeError(error)}): rerun; if it persists, report it.`);
  }
  try {
    // A fresh broker has no __consumer_offsets: the first FindCoordinator creates it, and until it
    // is loaded every group gets COORDINATOR_NOT_AVAILABLE. A client with few retries (kafkajs gives
    // up on a group for good once they run out) then never joins: the first consumer of a test run
    // or a lab would fail at random. Asking once here, patiently, makes the broker ready for groups.
    await admin.describeGroups([GROUP_COORDINATOR_PROBE]);
  } catch (error) {
    throw new WorkbookError(`Kafka started but its group coordinator did not come up (${describeError(error)}): rerun; if it persists, report it.`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** The broker's own last words: the last ERROR/FATAL line, else the last non-empty one. */
function lastMeaningfulLine(lines: string[]): string | undefined {
  const trimmed = lines.map((line) => line.trim()).filter((line) => line.length > 0);
  const error = [...trimmed].reverse().find((line) => /ERROR|FATAL|Exception/.test(line));
  return (error ?? trimmed[trimmed.length - 1])?.slice(0, 400);
}
