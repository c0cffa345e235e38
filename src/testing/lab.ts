/**
 * Runs a lab inside a test against this run's Redis, capturing what it prints, so the test can
 * assert both the facts it returns and the story it tells.
 */
import { labContext, type Lab } from '../labs/lab.ts';
import { kafkaBrokers } from './kafka.ts';
import { redisUrl } from './redis.ts';

export async function runLabForTest<F, O>(lab: Lab<F, O>, options?: Partial<O>): Promise<{ findings: F; output: string }> {
  const lines: string[] = [];
  const findings = await lab.run(labContext({ redisUrl: redisUrl(), kafkaBrokers: kafkaBrokers() }, (line) => lines.push(line)), options);
  return { findings, output: lines.join('\n') };
}
