/**
 * The learner's state folder (.workbook/) cannot be written: a read-only checkout, a full disk,
 * wrong owner. That is the environment, not a bug: one line saying what to do.
 */
import { dirname } from 'node:path';
import { displayPath } from '../catalog/paths.ts';
import { WorkbookError } from '../harness/errors.ts';

const ENVIRONMENT_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EISDIR']);

export function isEnvironmentError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && ENVIRONMENT_CODES.has((error as NodeJS.ErrnoException).code ?? '');
}

export function stateFolderError(error: unknown, file: string): Error {
  if (!isEnvironmentError(error)) return error instanceof Error ? error : new Error(String(error));
  const where = displayPath(dirname(file));
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
  };
  return new WorkbookError(
    `Cannot write ${displayPath(file)}: ${why[error.code ?? ''] ?? 'permission denied'}. The workbook keeps your progress in ${where}/: make it writable (e.g. \`chmod -R u+w ${where}\`) and try again.`,
  );
}
