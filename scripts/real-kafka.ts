/**
 * A real Apache Kafka broker on this machine, no Docker (src/kafka/real):
 *   npx tsx scripts/real-kafka.ts fetch   download the broker's and the tools' jars only (CI caches them)
 *   npx tsx scripts/real-kafka.ts start   start one, print `bootstrap=127.0.0.1:PORT`, stop on Ctrl-C
 */
import { main } from '../src/cli/main.ts';
import { WorkbookError } from '../src/harness/errors.ts';
import { KAFKA_VERSION, fetchKafkaJars, kafkaToolsClasspath, startRealKafka } from '../src/kafka/real/index.ts';

const USAGE = 'usage: npx tsx scripts/real-kafka.ts fetch|start';
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

main(async () => {
  const command = process.argv[2];
  if (command === 'fetch') {
    const lib = await fetchKafkaJars({ log });
    console.log(`Kafka ${KAFKA_VERSION} jars: ${lib}`);
    // The command-line tools too: the conformance suite's Java-tools family runs them.
    console.log(`Kafka ${KAFKA_VERSION} tools classpath: ${await kafkaToolsClasspath({ log })}`);
    return;
  }
  if (command === 'start') {
    const kafka = await startRealKafka({ log });
    // stdout carries only the machine-readable line, so `... start | head -1` works in scripts.
    console.log(`bootstrap=${kafka.bootstrap}`);
    log(`Kafka ${KAFKA_VERSION} started in ${kafka.startupMs} ms (pid ${kafka.pid}, data in ${kafka.dir}). Ctrl-C stops it.`);
    // Ctrl-C / SIGTERM: onShutdown stops the broker and exits; until then, just wait.
    await new Promise<never>(() => {
      setInterval(() => {}, 1 << 30);
    });
  }
  throw new WorkbookError(`Unknown command ${command ?? '(none)'}: ${USAGE}`);
});
