/**
 * `npm run kafka -- [--port N] [--brokers N]`: an embedded Kafka cluster on 127.0.0.1 for kafkajs,
 * up until Ctrl-C or SIGTERM. Prints exactly one line on stdout, `bootstrap=127.0.0.1:PORT`, so a
 * script can read where to connect; everything else goes to stderr.
 */
import { parseArgs } from 'node:util';
import { WorkbookError, describeError } from '../harness/errors.ts';
import { startEmbeddedKafka } from '../kafka/broker/index.ts';
import { dim } from '../learn/style.ts';
import { main } from './main.ts';

const USAGE = `Usage: npm run kafka -- [--port N] [--brokers N]
  --port N      port of broker 0 (the others take the next ports); default: a random free port
  --brokers N   brokers in the cluster, 1 to 64; default 1`;

main(async () => {
  const values = parseOptions();
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = values.port === undefined ? undefined : wholeNumber('--port', values.port, 1, 65535);
  const brokers = values.brokers === undefined ? 1 : wholeNumber('--brokers', values.brokers, 1, 64);
  if (port !== undefined && port + brokers - 1 > 65535) {
    throw new WorkbookError(`--port ${port} leaves no room for ${brokers} brokers: pick a port at most ${65536 - brokers}.`);
  }
  const kafka = await startEmbeddedKafka({ port, brokers });
  process.stdout.write(`bootstrap=${kafka.bootstrap}\n`);
  const cluster = brokers === 1 ? 'Embedded Kafka broker' : `Embedded Kafka cluster of ${brokers} brokers (${kafka.brokers.join(', ')})`;
  process.stderr.write(`${dim(`${cluster} is up; Ctrl-C stops it.`)}\n`);
  // Runs until a signal: shutdown.ts stops the brokers and exits.
  await new Promise<never>(() => {});
});

function parseOptions(): { port?: string; brokers?: string; help?: boolean } {
  try {
    return parseArgs({
      options: { port: { type: 'string' }, brokers: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (error) {
    const reason = describeError(error).split('. ')[0] ?? 'Bad arguments';
    throw new WorkbookError(`${reason}. Usage: npm run kafka -- [--port N] [--brokers N]`);
  }
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new WorkbookError(`${flag} must be a whole number from ${min} to ${max}, not "${text}".`);
  }
  return value;
}
