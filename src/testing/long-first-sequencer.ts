/**
 * The order phase 1 of `npm test` starts its test files in: the longest first, whatever their
 * project. Vitest's own order runs the projects one after another (browser, docs, …, unit) and,
 * without timings from an earlier run (a fresh clone has none), the largest file of each first:
 * on 2 workers the loop's 67 s journey test started last and ran alone at the end.
 *
 * A file's weight is its duration in this machine's last run when Vitest remembers one, else the
 * seconds below, measured in CI (a 2-core machine, two workers). They only order the start; a
 * stale number costs a little time, never a result.
 */
import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';
import { relative } from 'node:path';

const MEASURED_SECONDS: Record<string, number> = {
  'docs/site.browser.test.ts': 90,
  'src/cli/journey.test.ts': 67,
  'docs/performance.browser.test.ts': 57,
  'docs/broker-live.browser.test.ts': 43,
  'docs/a11y.browser.test.ts': 42,
  'src/kafka/conformance/java-tools.test.ts': 35,
  'docs/diagrams.browser.test.ts': 30,
  'docs/dev-server.browser.test.ts': 27,
  'src/cli/learn.test.ts': 23,
  'src/kafka/conformance/conformance.test.ts': 23,
  'docs/flashcards.browser.test.ts': 17,
  'src/site/start.test.ts': 13,
  'src/kafka/conformance/kcat.test.ts': 12,
  'src/kafka/conformance/transactions.test.ts': 11,
  'src/live/latency.test.ts': 10,
};

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const weight = (spec: TestSpecification): number => {
      const path = relative(this.ctx.config.root, spec.moduleId).split('\\').join('/');
      const remembered = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`)?.duration;
      return remembered !== undefined ? remembered / 1000 : (MEASURED_SECONDS[path] ?? 0);
    };
    // Array.prototype.sort is stable: files of equal weight keep Vitest's order.
    return sorted.sort((a, b) => weight(b) - weight(a));
  }
}
