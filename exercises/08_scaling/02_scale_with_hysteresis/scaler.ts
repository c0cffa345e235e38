/** One reading of a consumer group, taken by the one controller that scales it. */
export interface LagSample {
  /** Records the group still has to read, summed over its partitions. */
  lag: number;
  /** How many records per second the group consumed since the previous sample. */
  recordsPerSecond: number;
}

export interface ScalingPolicy {
  /** Behind: the backlog would take longer than this to drain at the current rate. */
  upAboveSeconds: number;
  /** Idle: the backlog would drain faster than this. Must be below upAboveSeconds. */
  downBelowSeconds: number;
  /** Samples in a row that must be behind before adding a consumer. */
  upAfter: number;
  /** Samples in a row that must be idle before removing one. */
  downAfter: number;
  /** After a change, no further change for this long: the rebalance it caused disturbs the lag. */
  cooldownMs: number;
}

/** Given a sample, the replicas running now and a monotonic clock in ms, the replicas wanted. */
export type Decide = (sample: LagSample, replicas: number, now: number) => number;

export function createScaler(policy: ScalingPolicy, partitions: number): Decide {
  // TODO: this is the rule of the guide's monitorAndScale: one sample, raw lag, two fixed
  // thresholds, no memory and no cooldown. Decide on time to drain, with hysteresis (runs of
  // samples in a row), a cooldown after each change, and bounds (1 to `partitions`).
  // Also refuse a policy whose thresholds leave no gap, and a partition count below 1.
  return (sample, replicas) => {
    if (sample.lag > 10_000) return replicas + 1;
    if (sample.lag < 100) return replicas - 1;
    return replicas;
  };
}
