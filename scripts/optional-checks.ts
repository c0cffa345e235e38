/**
 * The checks of `npm test` that need a program npm cannot bring to this machine: a browser (the
 * site in Chromium), a Java runtime (a real Apache Kafka to compare the embedded broker with) and
 * kcat (librdkafka's command-line client, from the system's packages). Where it is missing, the
 * check is not run and the summary names it with the one command that enables it; never passed
 * silently. Under CI every one is mandatory.
 */
import { accessSync, constants } from 'node:fs';
import { CHROMIUM_PATH } from '../src/site/chromium.ts';
import { cachedLibDir } from '../src/kafka/real/jars.ts';
import { javaCommand, mavenCommand, runQuietly } from '../src/kafka/real/tools.ts';
import { kcatCommand } from '../src/kafka/conformance/kcat/run-kcat.ts';

export interface OptionalCheck {
  /** What the learner reads in the summary. */
  name: string;
  /** Why it cannot run here; undefined when it can. */
  missing?: string;
  /** The one command that enables it. */
  enable: string;
  /** Vitest projects that are only this check (left out when it cannot run). */
  projects: string[];
  /** Environment for the run when it can run. */
  env: Record<string, string>;
}

export async function optionalChecks(env: NodeJS.ProcessEnv = process.env): Promise<OptionalCheck[]> {
  return [browserCheck(), await realKafkaCheck(env), await kcatCheck(env)];
}

function browserCheck(): OptionalCheck {
  let missing: string | undefined;
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    missing = `no Chromium at ${CHROMIUM_PATH}`;
  }
  return {
    name: 'the site in a real Chromium (project browser)',
    missing,
    enable: 'sudo apt-get install chromium (or set CHROMIUM_PATH to a Chromium build)',
    projects: ['browser'],
    env: {},
  };
}

/**
 * The Kafka conformance suite always runs against the embedded broker; its real-Kafka half (and the
 * real-JVM tests of src/kafka/real) needs Java, and Maven once to fetch the broker's jars.
 * KAFKA_CONFORMANCE_REAL=0 turns it off, =1 makes it mandatory.
 */
async function realKafkaCheck(env: NodeJS.ProcessEnv): Promise<OptionalCheck> {
  const check: OptionalCheck = {
    name: "the embedded Kafka broker compared with a real Apache Kafka (kafka-conformance, real half) and with Kafka's Java tools (kafka-java-tools)",
    enable: 'sudo apt-get install openjdk-17-jre-headless maven',
    // The Java tools need Java for the embedded half too, so their project is left out as a whole.
    projects: ['kafka-java-tools'],
    env: { KAFKA_CONFORMANCE_REAL: '1' },
  };
  if (env.KAFKA_CONFORMANCE_REAL === '0') return { ...check, missing: 'KAFKA_CONFORMANCE_REAL=0 is set', enable: 'unset KAFKA_CONFORMANCE_REAL' };
  const java = await runQuietly(javaCommand(env), ['-version']).catch(() => undefined);
  if (!java || java.code !== 0) return { ...check, missing: 'no Java runtime' };
  if (!cachedLibDir(env)) {
    const maven = await runQuietly(mavenCommand(env), ['-v']).catch(() => undefined);
    if (!maven || maven.code !== 0) return { ...check, missing: "no Maven to fetch Kafka's jars (once)", enable: 'sudo apt-get install maven' };
  }
  return check;
}

/** kcat against the embedded broker (and the real one too where the real-Kafka check runs). */
async function kcatCheck(env: NodeJS.ProcessEnv): Promise<OptionalCheck> {
  const kcat = kcatCommand(env);
  const version = await runQuietly(kcat, ['-V']).catch(() => undefined);
  return {
    name: 'the embedded Kafka broker with kcat, a librdkafka client (kafka-kcat)',
    missing: version && version.code === 0 ? undefined : `no \`${kcat}\` on PATH`,
    enable: 'sudo apt-get install kcat (or brew install kcat; set KCAT to its path if it is called kafkacat)',
    projects: ['kafka-kcat'],
    env: {},
  };
}
