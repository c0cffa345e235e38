/**
 * Runs each scenario against the embedded broker and, with KAFKA_CONFORMANCE_REAL=1, against a real
 * Kafka, and asserts (a) each observation is what the scenario expects of Kafka and (b) the two
 * brokers' observations are equal. Each broker is started once per test file.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REAL_ENABLED, type BrokerSettings, type RunningBroker, startEmbedded, startReal } from './brokers.ts';
import type { Target } from './brokers.ts';

export interface Scenario<O> {
  name: string;
  /** Plain JSON-able; anything legitimately broker-specific is normalised inside `run`. */
  run(target: Target): Promise<O>;
  /** What Kafka semantics say a kafkajs client observes. */
  expected: O;
  timeoutMs?: number;
}

const START_TIMEOUT_MS = 180_000;

/** Any scenario: observations are only compared, never inspected, so their type can be forgotten here. */
export type AnyScenario = Scenario<unknown>;

export function conformanceSuite(title: string, settings: BrokerSettings, scenarios: AnyScenario[]): void {
  describe(title, () => {
    let embedded: RunningBroker | undefined;
    let real: RunningBroker | undefined;

    beforeAll(async () => {
      // In parallel: the JVM's ~3 s start-up dominates, and the embedded broker has its own port.
      const [e, r] = await Promise.allSettled([
        startEmbedded(settings),
        REAL_ENABLED ? startReal(settings) : Promise.resolve(undefined),
      ]);
      if (e.status === 'fulfilled') embedded = e.value;
      if (r.status === 'fulfilled') real = r.value;
      // Loud: a real broker that cannot start fails every comparison rather than skipping it.
      if (r.status === 'rejected') throw new Error(`real Kafka did not start: ${String(r.reason)}`, { cause: r.reason });
      if (e.status === 'rejected') throw new Error(`embedded broker did not start: ${String(e.reason)}`, { cause: e.reason });
    }, START_TIMEOUT_MS);

    afterAll(async () => {
      await Promise.allSettled([embedded?.stop(), real?.stop()]);
    }, 30_000);

    for (const scenario of scenarios) {
      const name = REAL_ENABLED
        ? `${scenario.name} — embedded and real Kafka agree`
        : `${scenario.name} (embedded only: set KAFKA_CONFORMANCE_REAL=1 to compare with real Kafka)`;
      test(
        name,
        async () => {
          if (!embedded) throw new Error('embedded broker is not running');
          if (REAL_ENABLED && !real) throw new Error('real Kafka is not running');
          // Both at once: independent brokers, and it halves the suite's wall time.
          const [fromEmbedded, fromReal] = await Promise.all([
            scenario.run(embedded),
            real ? scenario.run(real) : Promise.resolve(undefined),
          ]);
          if (fromReal !== undefined) {
            expect(fromReal, 'real Kafka: observation differs from what the scenario expects').toEqual(scenario.expected);
          }
          expect(fromEmbedded, 'embedded: observation differs from what the scenario expects').toEqual(scenario.expected);
          if (fromReal !== undefined) {
            expect(fromEmbedded, 'embedded and real Kafka observed different things').toEqual(fromReal);
          }
        },
        scenario.timeoutMs ?? 60_000,
      );
    }
  });
}
