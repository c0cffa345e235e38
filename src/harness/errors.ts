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
