import { describe, expect, test } from 'vitest';
import { createScaler, type LagSample, type ScalingPolicy } from './scaler.ts';

const POLICY: ScalingPolicy = { upAboveSeconds: 60, downBelowSeconds: 5, upAfter: 3, downAfter: 5, cooldownMs: 60_000 };
const PARTITIONS = 6;
/** The controller samples every 10 s, on a monotonic clock that starts at 0 (like performance.now()). */
const EVERY_MS = 10_000;

/** 120 s of work at the current rate: behind. */
const behind: LagSample = { lag: 120_000, recordsPerSecond: 1_000 };
/** 20 s of work: neither behind nor idle. */
const steady: LagSample = { lag: 20_000, recordsPerSecond: 1_000 };
/** 1 s of work: idle. */
const caughtUp: LagSample = { lag: 1_000, recordsPerSecond: 1_000 };

/**
 * Feeds samples to a fresh scaler one per EVERY_MS, applying each decision the way a controller
 * would, and returns the replica count after each sample.
 */
function replay(samples: LagSample[], replicas: number, policy = POLICY, partitions = PARTITIONS): number[] {
  const decide = createScaler(policy, partitions);
  return samples.map((sample, i) => (replicas = decide(sample, replicas, i * EVERY_MS)));
}

const times = (n: number, sample: LagSample): LagSample[] => Array.from({ length: n }, () => sample);
const constant = (n: number, replicas: number): number[] => Array.from({ length: n }, () => replicas);

describe('a lag-based scaler with hysteresis', () => {
  test('adds one consumer after upAfter samples in a row that are behind, not before', () => {
    expect(replay(times(3, behind), 2), 'replicas after each of three samples that are behind, on a clock starting at 0 (no change has happened yet, so no cooldown may hold the third)').toEqual([2, 2, 3]);
  });

  test('removes one consumer after downAfter samples in a row that are idle, not before', () => {
    expect(replay(times(5, caughtUp), 4), 'replicas after each of five idle samples').toEqual([4, 4, 4, 4, 3]);
  });

  test('a lag that flaps around the threshold never changes the replica count', () => {
    const flapping = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? behind : steady));
    expect(replay(flapping, 2), 'behind, steady, behind, steady, ...').toEqual(constant(20, 2));

    const almost = [behind, behind, steady, behind, behind, steady, behind, behind, steady];
    expect(replay(almost, 2), 'two samples behind, then one that is not: the run starts over').toEqual(constant(almost.length, 2));

    const between = [caughtUp, caughtUp, caughtUp, caughtUp, steady, caughtUp, caughtUp, caughtUp, caughtUp];
    expect(replay(between, 3), 'four idle samples, one that is not, four idle again').toEqual(constant(between.length, 3));
  });

  test('judges how long the backlog takes to drain, not how big it is', () => {
    const bigButFast: LagSample = { lag: 500_000, recordsPerSecond: 50_000 }; // 10 s of work
    expect(replay(times(10, bigButFast), 2), '500,000 records at 50,000 per second is 10 s of work: no change').toEqual(constant(10, 2));

    const smallButSlow: LagSample = { lag: 3_000, recordsPerSecond: 10 }; // 300 s of work
    expect(replay(times(3, smallButSlow), 2), '3,000 records at 10 per second is 5 minutes of work: scale up').toEqual([2, 2, 3]);
  });

  test('a backlog nobody consumes counts as behind; no backlog and nothing to consume counts as idle', () => {
    const stuck: LagSample = { lag: 10, recordsPerSecond: 0 };
    expect(replay(times(3, stuck), 2), 'records waiting and none consumed').toEqual([2, 2, 3]);

    const quiet: LagSample = { lag: 0, recordsPerSecond: 0 };
    expect(replay(times(5, quiet), 2), 'nothing waiting, nothing consumed').toEqual([2, 2, 2, 2, 1]);
  });

  test('after a change it waits out the cooldown, then keeps scaling while the pressure lasts', () => {
    const samples = times(20, behind);
    const replicas = replay(samples, 1);
    const firstChange = replicas.indexOf(2);
    expect(firstChange, 'the first scale-up, after three samples behind').toBe(2);

    const cooldownEnds = firstChange + POLICY.cooldownMs / EVERY_MS;
    expect(replicas.slice(firstChange, cooldownEnds), `no change within the ${POLICY.cooldownMs / 1000} s cooldown`).toEqual(constant(cooldownEnds - firstChange, 2));
    const secondChange = replicas.indexOf(3);
    expect(
      secondChange,
      'the next scale-up comes at the first sample after the cooldown: the samples behind taken during the cooldown count toward the next run',
    ).toBe(cooldownEnds);
  });

  test('a change starts the run over: the samples before it judged the old replica count', () => {
    const noCooldown = { ...POLICY, cooldownMs: 0 };
    expect(
      replay(times(6, behind), 1, noCooldown),
      'with no cooldown, three samples behind add a consumer, and three more samples behind are needed for the next',
    ).toEqual([1, 1, 2, 2, 2, 3]);
    expect(replay(times(10, caughtUp), 4, noCooldown), 'the same on the way down: five idle samples per consumer removed').toEqual([4, 4, 4, 4, 3, 3, 3, 3, 3, 2]);
  });

  test('a scale-down is followed by the cooldown too', () => {
    const replicas = replay(times(12, caughtUp), 4);
    const firstChange = replicas.indexOf(3);
    expect(firstChange, 'the first scale-down, after five idle samples').toBe(4);
    const cooldownEnds = firstChange + POLICY.cooldownMs / EVERY_MS;
    expect(replicas.slice(firstChange, cooldownEnds), `no change within the ${POLICY.cooldownMs / 1000} s after a scale-down (a cooldown only after scale-ups lets the group shrink in a burst)`).toEqual(
      constant(cooldownEnds - firstChange, 3),
    );
    expect(replicas[cooldownEnds], 'and the next scale-down once it is over').toBe(2);
  });

  test('a change at time 0 starts a cooldown like any other (0 is a time, not "no change yet")', () => {
    const eager = { ...POLICY, upAfter: 1 };
    const replicas = replay(times(8, behind), 1, eager);
    expect(replicas[0], 'upAfter 1: the first sample behind, at time 0, adds a consumer').toBe(2);
    expect(replicas.slice(0, POLICY.cooldownMs / EVERY_MS), 'the change at time 0 is followed by the cooldown').toEqual(constant(POLICY.cooldownMs / EVERY_MS, 2));
  });

  test('moves one consumer at a time and stays between 1 and the partition count', () => {
    const growing = replay(times(60, behind), 1);
    const steps = growing.map((r, i) => r - (growing[i - 1] ?? 1));
    expect(steps.every((s) => s === 0 || s === 1), `replicas may only grow by one at a time: ${growing.join(', ')}`).toBe(true);
    expect(Math.max(...growing), 'more consumers than partitions would sit idle').toBe(PARTITIONS);

    expect(replay(times(30, behind), PARTITIONS), 'already one consumer per partition').toEqual(constant(30, PARTITIONS));
    expect(replay(times(30, caughtUp), 1), 'a group never scales to zero').toEqual(constant(30, 1));
  });

  test('a policy that would flap or a topic without partitions is refused with a clear error', () => {
    expect(() => createScaler({ ...POLICY, downBelowSeconds: 60 }, PARTITIONS), 'thresholds with no gap between them').toThrow(RangeError);
    expect(() => createScaler({ ...POLICY, downBelowSeconds: 90 }, PARTITIONS), 'the down threshold above the up threshold').toThrow(/downBelowSeconds/);
    expect(() => createScaler(POLICY, 0), 'a topic with no partitions').toThrow(/partitions/);
  });
});
