import { defineConfig } from 'vitest/config';
import { exerciseTarget } from './src/testing/exercise-target.ts';
import LongFirstSequencer from './src/testing/long-first-sequencer.ts';

/**
 * Projects:
 *   unit       – the workbook's own code (src/, scripts/)
 *   kafka-conformance – kafkajs scenarios against the embedded broker and a real Kafka
 *   kafka-java-tools  – Kafka's Java tools and client against both (needs Java)
 *   kafka-kcat        – kcat/librdkafka against both (needs kcat)
 *   docs       – the site's sources (coverage of the guides, front matter, links)
 *   browser    – the built site in a real Chromium
 *   labs       – each lab's test asserts that what the lab shows really happened
 *   solutions  – every exercise's tests, importing the reference solution (all must pass)
 *   exercises  – every exercise's tests, importing the learner's file (the learner's loop)
 *   starters   – the same, importing the starting version (all must fail; see scripts/test.ts)
 *   mistakes   – the same, importing one known-wrong solution per exercise, chosen per run by
 *                scripts/mistakes.ts (each must fail its `Caught by` test); it has no files of its
 *                own: run it with `npm run test:mistakes [-- <exercise>…]`
 * `npm test` runs them all and checks the contract; run one with `npx vitest run --project unit`.
 */
const exerciseTests = ['exercises/**/*.test.ts'];
const JAVA_TOOLS = 'src/kafka/conformance/java-tools.test.ts';
const KCAT = 'src/kafka/conformance/kcat.test.ts';
/** Lets the learner's loop name the test that was running when it stopped a run at its deadline. */
const CURRENT_TEST = 'src/testing/current-test.ts';

export default defineConfig({
  test: {
    globalSetup: ['src/testing/global-setup.ts'],
    // The longest files start first, across projects, so that none runs alone at the end.
    sequence: { sequencer: LongFirstSequencer },
    testTimeout: 15_000,
    hookTimeout: 15_000,
    teardownTimeout: 5_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'], exclude: ['src/kafka/conformance/**', 'scripts/fixtures/**'] },
      },
      // The site's sources: chapter front matter, guide coverage, links (fast, no browser).
      { extends: true, test: { name: 'docs', include: ['docs/**/*.test.ts'], exclude: ['docs/**/*.browser.test.ts', 'docs/.vitepress/cache/**', 'docs/.vitepress/dist/**'] } },
      // The built site in a real Chromium (needs `npm run docs:build` first; scripts/test.ts does it).
      { extends: true, test: { name: 'browser', include: ['docs/**/*.browser.test.ts'], testTimeout: 120_000 } },
      // The same kafkajs scenarios against the embedded broker and a real Apache Kafka (see ARCHITECTURE.md).
      { extends: true, test: { name: 'kafka-conformance', include: ['src/kafka/conformance/**/*.test.ts'], exclude: [JAVA_TOOLS, KCAT] } },
      // Kafka's own Java command-line tools against both brokers: needs a Java runtime even for the embedded half.
      { extends: true, test: { name: 'kafka-java-tools', include: [JAVA_TOOLS] } },
      // kcat (librdkafka) against both brokers: needs Debian's kcat, so it can be left out as a whole.
      { extends: true, test: { name: 'kafka-kcat', include: [KCAT] } },
      { extends: true, test: { name: 'labs', include: ['labs/**/*.test.ts'] } },
      { extends: true, plugins: [exerciseTarget('solutions')], test: { name: 'solutions', include: exerciseTests, setupFiles: [CURRENT_TEST], provide: { exerciseTarget: 'solutions' } } },
      { extends: true, plugins: [exerciseTarget('exercises')], test: { name: 'exercises', include: exerciseTests, setupFiles: [CURRENT_TEST], provide: { exerciseTarget: 'exercises' } } },
      // A stand-in that never returns, for proving the loop stops runaway code (scripts/loop-contract.ts).
      // Only in the loop's runner process, which kills it at its deadline: a plain `vitest run` would hang on it.
      ...(process.env.WORKBOOK_RUNNER_TARGET === 'runaway'
        ? [{ extends: true as const, plugins: [exerciseTarget('runaway')], test: { name: 'runaway', include: exerciseTests, setupFiles: [CURRENT_TEST], provide: { exerciseTarget: 'runaway' as const } } }]
        : []),
      { extends: true, plugins: [exerciseTarget('starters')], test: { name: 'starters', include: exerciseTests, setupFiles: [CURRENT_TEST], provide: { exerciseTarget: 'starters' } } },
      { extends: true, plugins: [exerciseTarget('mistakes')], test: { name: 'mistakes', include: [], provide: { exerciseTarget: 'mistakes', mistakeSelection: {} } } },
    ],
  },
});
