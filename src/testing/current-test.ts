/**
 * Setup file of the exercise projects: when the learner's loop runs the tests, it writes the name
 * of each test to a file as the test starts, synchronously. A learner's `while (true) {}` freezes
 * the worker before any message could leave it, so this file is how the loop, stopping a run at
 * its deadline, can say which test never finished. Without WORKBOOK_TEST_STATUS it does nothing.
 */
import { writeFileSync } from 'node:fs';
import { beforeEach } from 'vitest';

const statusFile = process.env.WORKBOOK_TEST_STATUS;
if (statusFile) {
  beforeEach((context) => {
    writeFileSync(statusFile, context.task.name);
  });
}
