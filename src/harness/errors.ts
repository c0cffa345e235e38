/**
 * An error meant for the learner's eyes: one line that says what went wrong and what to do.
 * Entry points print `message` without a stack trace; anything else that escapes is a bug.
 */
export class WorkbookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkbookError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A broker an exercise, lab or test needs cannot be had on this machine right now (not installed,
 * could not be fetched, a configured server does not answer). Not a bug in the workbook: the loop
 * shows `message` (what is missing) and `fix` (the one command that brings it), then carries on
 * with everything that does not need this broker.
 */
export class BrokerUnavailableError extends WorkbookError {
  constructor(
    readonly broker: 'redis' | 'kafka' | 'sns',
    message: string,
    /** The one command (or setting) that makes the broker available, e.g. `apt-get install redis-server`. */
    readonly fix: string,
  ) {
    super(`${message} ${fix.startsWith('set ') || fix.startsWith('unset ') ? fix.charAt(0).toUpperCase() + fix.slice(1) : `Run \`${fix}\``}.`.replace(/\.\.$/, '.'));
    this.name = 'BrokerUnavailableError';
  }
}
