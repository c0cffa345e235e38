/**
 * Class data sharing (AppCDS) for the short-lived JVMs that run Kafka's tools: the first run of a
 * tool writes the classes it loaded to an archive (`-XX:ArchiveClassesAtExit`), and later runs map
 * that archive instead of reading, parsing and verifying the same classes from the jars again.
 * Measured on kafka-topics --list: 0.52 CPU-s a run without, 0.29 with (the conformance suite runs
 * about fifty tools, on two cores shared with every other test).
 *
 * Archives live beside the Kafka jars, one per tool, classpath and Java. A run writes its archive
 * under a name of its own and renames it into place only when it exits well, so two first runs at
 * once never mix, and a reader never maps half an archive. An archive that no longer fits (another
 * JDK, other jars) is ignored by the JVM; `-Xlog:disable` keeps it from saying so in the tool's
 * output, which the tests compare line by line.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { kafkaHome } from './jars.ts';

export interface SharedClasses {
  /** JVM options to put before the main class. */
  args: string[];
  /** Call with the JVM's exit code: keeps a newly written archive when the run went well. */
  settle(code: number | null): void;
}

let written = 0;

const NONE: SharedClasses = { args: [], settle: () => {} };

/**
 * The options for a run of `name` on `classpath`; none when the classpath holds a directory of
 * classes (e.g. our compiled TxnProbe), which the JVM refuses to archive ("Cannot have non-empty
 * directory in paths") and fails the run instead.
 */
export function sharedClasses(name: string, classpath: string, java: string, env: NodeJS.ProcessEnv = process.env): SharedClasses {
  if (classpath.split(delimiter).some((entry) => !entry.endsWith('.jar') && !entry.endsWith('*'))) return NONE;
  const dir = join(kafkaHome(env), 'class-data');
  const key = createHash('sha256').update(`${name}\0${classpath}\0${java}`).digest('hex').slice(0, 16);
  const archive = join(dir, `${name.split('.').pop() ?? name}-${key}.jsa`);
  if (existsSync(archive)) return { args: [`-XX:SharedArchiveFile=${archive}`, '-Xlog:disable'], settle: () => {} };
  mkdirSync(dir, { recursive: true });
  const partial = `${archive}.${process.pid}-${written++}.partial`;
  return {
    args: [`-XX:ArchiveClassesAtExit=${partial}`, '-Xlog:disable'],
    settle: (code) => {
      try {
        if (code === 0 && existsSync(partial)) renameSync(partial, archive);
      } finally {
        rmSync(partial, { force: true });
      }
    },
  };
}
