/**
 * Whether an exercise's tests caught one of its known-wrong solutions, from what the run observed.
 * Pure, so that the rule is unit-tested apart from Vitest (scripts/mistake-verdict.test.ts).
 */
import type { Mistake } from '../src/catalog/mistakes.ts';

export interface TestOutcome {
  /** The `it(...)` title, without describe prefixes. */
  name: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** First line of the first error, when it failed. */
  message?: string;
}

export interface MistakeObservation {
  /** Set when a test file did not load (the mistake does not compile, lacks an export, throws at import). */
  loadError?: string;
  tests: TestOutcome[];
}

export type MistakeVerdict =
  | { caught: true; slow: boolean }
  | { caught: false; problem: string; /** whether a full run of every test would explain it better */ rerunAll: boolean };

const TIMEOUT = /timed out/i;

export function judgeMistake(mistake: Pick<Mistake, 'caughtBy'>, observed: MistakeObservation): MistakeVerdict {
  if (observed.loadError) return { caught: false, problem: `could not load: ${observed.loadError}`, rerunAll: false };
  const names = new Set(observed.tests.map((t) => t.name));
  const unknown = mistake.caughtBy.filter((title) => !names.has(title));
  if (unknown.length > 0) {
    return { caught: false, problem: `its Caught by names no test of the exercise: ${unknown.map(quote).join(', ')}`, rerunAll: false };
  }
  const caught = observed.tests.filter((t) => t.state === 'failed' && mistake.caughtBy.includes(t.name));
  if (caught.length > 0) return { caught: true, slow: caught.every((t) => TIMEOUT.test(t.message ?? '')) };
  const others = observed.tests.filter((t) => t.state === 'failed');
  const ran = observed.tests.some((t) => t.state === 'passed' || t.state === 'failed');
  if (others.length > 0) {
    return { caught: false, problem: `failed only on ${others.map((t) => quote(t.name)).join(', ')}, not on ${mistake.caughtBy.map(quote).join(' / ')}`, rerunAll: false };
  }
  if (!ran) return { caught: false, problem: 'none of its tests ran', rerunAll: true };
  return { caught: false, problem: `passed green: ${mistake.caughtBy.map(quote).join(' / ')} must fail`, rerunAll: true };
}

function quote(name: string): string {
  return `"${name}"`;
}
