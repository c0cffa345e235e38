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
 * shows the message (what is missing, then what to do) and carries on with everything that does
 * not need this broker.
 */
export class BrokerUnavailableError extends WorkbookError {
  constructor(
    readonly broker: 'redis' | 'kafka' | 'sns',
    /** What is missing, e.g. "No redis-server on this machine, and none could be fetched (offline?)." */
    readonly what: string,
    /** What to do, one sentence naming the command, e.g. "Install one: `apt-get install redis-server`." */
    readonly fix: string,
  ) {
    super(`${what} ${fix}`);
    this.name = 'BrokerUnavailableError';
  }
}
