/**
 * Compiles TxnProbe.java (beside this file) against the Kafka jars, once per process, into a temp
 * directory removed on exit. Through the JDK's compiler module (`java -m jdk.compiler/...`), not the
 * `javac` launcher: Debian's openjdk-17-jre-headless has the module but not the launcher.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkbookError } from '../../../harness/errors.ts';
import { javaCommand, runQuietly } from '../../real/tools.ts';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'TxnProbe.java');

/** Compiles the probe; resolves to the directory that holds TxnProbe.class. */
export async function compileTxnProbe(classpath: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'txn-probe-'));
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  // javac does not expand the `dir/*` wildcards the java launcher accepts: list the jars.
  const jars = classpath
    .split(delimiter)
    .flatMap((entry) => (entry.endsWith('*') ? readdirSync(dirname(entry)).filter((name) => name.endsWith('.jar')).map((name) => join(dirname(entry), name)) : [entry]));
  const result = await runQuietly(javaCommand(), ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-nowarn', '-cp', jars.join(delimiter), '-d', out, SOURCE]);
  if (!result || result.code !== 0) {
    throw new WorkbookError(
      `Could not compile ${SOURCE} with this Java's compiler module: install a full JDK 17 (\`apt-get install openjdk-17-jdk-headless\`). It said: ${result?.text.trim() ?? 'java did not start'}`,
    );
  }
  return out;
}
