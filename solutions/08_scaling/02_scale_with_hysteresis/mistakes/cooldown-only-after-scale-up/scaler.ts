// Mistake: starts the cooldown only after a scale-up, so after a scale-down the group keeps shrinking one consumer per run without waiting for the rebalance to settle.
// Caught by: a scale-down is followed by the cooldown too
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
  validate(policy, partitions);
  let behindInARow = 0;
  let idleInARow = 0;
  // No change yet, so no cooldown yet: a clock that starts near 0 must not hold the first decision.
  let lastChange: number | undefined;

  return (sample, replicas, now) => {
    const drainSeconds = timeToDrain(sample);
    // Hysteresis: only an unbroken run of samples on one side counts; anything else starts over.
    behindInARow = drainSeconds > policy.upAboveSeconds ? behindInARow + 1 : 0;
    idleInARow = drainSeconds < policy.downBelowSeconds ? idleInARow + 1 : 0;
    if (lastChange !== undefined && now - lastChange < policy.cooldownMs) return replicas;

    let wanted = replicas;
    if (behindInARow >= policy.upAfter) wanted = Math.min(replicas + 1, partitions);
    else if (idleInARow >= policy.downAfter) wanted = Math.max(replicas - 1, 1);
    if (wanted > replicas) lastChange = now;
    if (wanted !== replicas) {
      behindInARow = 0;
      idleInARow = 0;
    }
    return wanted;
  };
}

/** Seconds the backlog would take to drain at the current rate; a backlog nobody consumes never drains. */
function timeToDrain({ lag, recordsPerSecond }: LagSample): number {
  if (recordsPerSecond > 0) return lag / recordsPerSecond;
  return lag > 0 ? Number.POSITIVE_INFINITY : 0;
}

function validate(policy: ScalingPolicy, partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a whole number of at least 1, not ${partitions}`);
  }
  if (!(policy.downBelowSeconds < policy.upAboveSeconds)) {
    throw new RangeError(
      `downBelowSeconds (${policy.downBelowSeconds}) must be below upAboveSeconds (${policy.upAboveSeconds}): without a gap between them the scaler flaps`,
    );
  }
  for (const key of ['upAfter', 'downAfter'] as const) {
    if (!Number.isInteger(policy[key]) || policy[key] < 1) throw new RangeError(`${key} must be a whole number of samples, at least 1, not ${policy[key]}`);
  }
  if (!(policy.cooldownMs >= 0)) throw new RangeError(`cooldownMs must be 0 or more, not ${policy.cooldownMs}`);
}
