/**
 * Runs a CLI entry point: a WorkbookError becomes one line on stderr and exit code 1, never a stack
 * trace; anything else is a bug in the workbook and says so.
 */
import { WorkbookError, describeError } from '../harness/errors.ts';
import { shutdownAll } from '../harness/shutdown.ts';
import { isEnvironmentError } from '../learn/state-errors.ts';
import { bad } from '../learn/style.ts';

export function main(run: () => Promise<number | void>): void {
  run().then(
    async (code) => {
      await shutdownAll();
      // Exit now: a handle some library left open must not keep the learner's terminal waiting.
      process.exit(code ?? 0);
    },
    async (error: unknown) => {
      await shutdownAll();
      if (error instanceof WorkbookError) {
        process.stderr.write(`${bad('✗')} ${error.message}\n`);
      } else if (isEnvironmentError(error)) {
        // A file the workbook needs cannot be read or written: the machine's doing, not a bug.
        process.stderr.write(`${bad('✗')} ${error.message}. Check the permissions and free space of this folder, then try again.\n`);
      } else {
        process.stderr.write(`${bad('✗')} Unexpected error: ${describeError(error)}\n  This is a bug in the workbook; please report it with the command you ran.\n`);
        if (process.env.WORKBOOK_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
      }
      process.exit(1);
    },
  );
}
