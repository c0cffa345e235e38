/**
 * A lab's sample output: what one run of the lab printed, kept in `labs/<name>/sample-output.txt`,
 * shown on the lab's page, refreshed by `npm run labs:samples -- <name>` and checked by the lab's
 * test. Numbers, ids and timings differ from run to run, so the check compares shapes: the same
 * lines with every token that holds a digit normalised.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABS_DIR } from '../catalog/paths.ts';
import { WorkbookError } from '../harness/errors.ts';

export const SAMPLE_FILE = 'sample-output.txt';

export function samplePath(labName: string, labsDir = LABS_DIR): string {
  return join(labsDir, labName, SAMPLE_FILE);
}

export function refreshCommand(labName: string): string {
  return `npm run labs:samples -- ${labName}`;
}

export function readSample(labName: string, labsDir = LABS_DIR): string | undefined {
  const path = samplePath(labName, labsDir);
  return existsSync(path) ? readFileSync(path, 'utf8').replace(/\n$/, '') : undefined;
}

export function writeSample(labName: string, output: string, labsDir = LABS_DIR): void {
  writeFileSync(samplePath(labName, labsDir), `${stripAnsi(output).replace(/\n+$/, '')}\n`);
}

const ANSI = /\x1b\[[0-9;]*m/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
/** Any word that holds a digit: a count, a duration, an offset, `m3`, `worker-2`, a generated name. */
const WORD_WITH_DIGIT = /[\p{L}\p{N}_-]*\p{N}[\p{L}\p{N}_-]*/gu;

function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** One line as the check sees it: numbers and ids become `#`, lists of them one `#`, spacing one space. */
export function lineShape(line: string): string {
  return stripAnsi(line)
    .replace(UUID, '#')
    .replace(WORD_WITH_DIGIT, '#')
    .replace(/#(?:[.,:/]#)+/g, '#') // 1,234.5 · 12:30:01 · 3/4
    .replace(/#(?:,\s*#)+/g, '#') // m1, m2, m3: a list whose length follows the options
    .replace(/# (\p{L}{2,}?)s\b/gu, '# $1') // 1 receiver, 2 receivers
    .replace(/\s+/g, ' ')
    .trim();
}

/** The output's shape: line shapes, with a run of identical ones (a line per message) kept once. */
export function outputShape(output: string): string[] {
  const shapes = stripAnsi(output).replace(/\n+$/, '').split('\n').map(lineShape);
  return shapes.filter((shape, i) => i === 0 || shape !== shapes[i - 1]);
}

/**
 * Throws, naming the command that refreshes it, when the sample on disk is missing or no longer
 * has the shape of what the lab printed in this run.
 */
export function checkSample(labName: string, output: string, labsDir = LABS_DIR): void {
  const file = `labs/${labName}/${SAMPLE_FILE}`;
  const sample = readSample(labName, labsDir);
  if (sample === undefined) {
    throw new WorkbookError(`${file} is missing: the lab's page shows it. Create it with \`${refreshCommand(labName)}\`.`);
  }
  const expected = outputShape(sample);
  const actual = outputShape(output);
  const length = Math.max(expected.length, actual.length);
  for (let i = 0; i < length; i++) {
    if (expected[i] !== actual[i]) {
      throw new WorkbookError(
        `${file} no longer matches what the lab prints (first difference, numbers as #: the sample has ` +
          `${describe(expected[i])}, this run printed ${describe(actual[i])}). ` +
          `If the lab's output changed on purpose, refresh the sample: \`${refreshCommand(labName)}\`.`,
      );
    }
  }
}

function describe(shape: string | undefined): string {
  return shape === undefined ? 'nothing more' : `"${shape}"`;
}
