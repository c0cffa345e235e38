/**
 * Runs a lab inside a test against this run's brokers, capturing what it prints, so the test can
 * assert both the facts it returns and the story it tells.
 */
import { inject } from 'vitest';
import { labContext, type Brokers, type Lab } from '../labs/lab.ts';
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
  return { findings, output: lines.join('\n') };
}
