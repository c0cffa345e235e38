/**
 * Runs a lab inside a test against this run's brokers, capturing what it prints, so the test can
 * assert both the facts it returns and the story it tells — and checks that the sample output its
 * page shows (`labs/<name>/sample-output.txt`) still has the shape of what it printed.
 */
import { relative, sep } from 'node:path';
import { expect, inject } from 'vitest';
import { ROOT } from '../catalog/paths.ts';
import { labContext, type Brokers, type Lab } from '../labs/lab.ts';
import { checkSample } from '../labs/sample-output.ts';
import { kafkaBrokers } from './kafka.ts';
import { redisUrl } from './redis.ts';

export async function runLabForTest<F, O>(
  lab: Lab<F, O>,
  options?: Partial<O>,
  /** Brokers a test file started itself (e.g. its own SNS emulator), overriding the run's. */
  brokers: Brokers = {},
): Promise<{ findings: F; output: string }> {
  const lines: string[] = [];
  const context = labContext(
    { redisUrl: redisUrl(), kafkaBrokers: kafkaBrokers(), snsEndpoint: inject('snsEndpoint'), ...brokers },
    (line) => lines.push(line),
  );
  const findings = await lab.run(context, options);
  const output = lines.join('\n');
  const name = labUnderTest();
  // Samples are recorded on the embedded brokers (npm run labs:samples): against REDIS_URL,
  // KAFKA_BROKERS or AWS_ENDPOINT_URL (CI's real Kafka) the story's shape may differ, rightly.
  if (name && inject('embeddedBrokers')) checkSample(name, output);
  return { findings, output };
}

/** The lab whose test is running (`labs/<name>/*.test.ts`), if it is a lab's own test. */
function labUnderTest(): string | undefined {
  const testPath = expect.getState().testPath;
  if (!testPath) return undefined;
  const parts = relative(ROOT, testPath).split(sep);
  return parts.length === 3 && parts[0] === 'labs' ? parts[1] : undefined;
}
