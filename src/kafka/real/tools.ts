/**
 * The two programs the real broker needs from the machine: a JDK to run it, Maven to fetch it.
 * Checked up front so that a missing one is one line saying what to install, not a spawn ENOENT.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { WorkbookError } from '../../harness/errors.ts';

/** Kafka 3.9 runs on Java 11+, but 17 is what Apache tests and recommends for brokers. */
export const MIN_JAVA_MAJOR = 11;

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set (what Kafka's own scripts do), else `java` on PATH. */
export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.JAVA_HOME?.trim();
  return home ? join(home, 'bin', 'java') : 'java';
}

export function mavenCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAVEN_CMD?.trim() || 'mvn';
}

interface Output {
  code: number | null;
  text: string;
}

/** Runs `command args`, collecting stdout+stderr; undefined when the program does not exist. */
export function runQuietly(command: string, args: string[]): Promise<Output | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'EACCES') resolve(undefined);
      else reject(error);
    });
    child.on('close', (code) => resolve({ code, text }));
  });
}

/** The Java major version (`17` from `openjdk version "17.0.15"`, `8` from `"1.8.0_392"`). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

export async function assertJava(command = javaCommand()): Promise<void> {
  const output = await runQuietly(command, ['-version']);
  if (!output || output.code !== 0) {
    throw new WorkbookError(
      `Java is needed to run a real Kafka broker and \`${command}\` is not there: install a JDK 17 (\`apt-get install openjdk-17-jre-headless\` or \`brew install openjdk@17\`) or set JAVA_HOME.`,
    );
  }
  const major = parseJavaMajor(output.text);
  if (major !== undefined && major < MIN_JAVA_MAJOR) {
    throw new WorkbookError(
      `\`${command}\` is Java ${major}, and Kafka needs Java ${MIN_JAVA_MAJOR} or later: install a JDK 17 and put it first on PATH or set JAVA_HOME.`,
    );
  }
}

export async function assertMaven(command = mavenCommand()): Promise<void> {
  const output = await runQuietly(command, ['-v']);
  if (!output || output.code !== 0) {
    throw new WorkbookError(
      `Maven is needed to download the Kafka broker's jars and \`${command}\` is not there: install it (\`apt-get install maven\` or \`brew install maven\`).`,
    );
  }
}
