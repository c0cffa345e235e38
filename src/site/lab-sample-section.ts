/**
 * The "What it prints" section of a lab's page: the sample output recorded by running the lab
 * (`labs/<name>/sample-output.txt`, see src/labs/sample-output.ts), with the command that runs it.
 */
import type { LabInfo } from '../catalog/catalog.ts';
import { readSample, refreshCommand } from '../labs/sample-output.ts';
import { labCommand } from './shared.ts';

export function labSampleSection(lab: LabInfo, sample: string | undefined = readSample(lab.name)): string {
  const heading = ['', '## What it prints', ''];
  if (sample === undefined) {
    return [...heading, `No sample has been recorded for this lab yet: \`${labCommand(lab.name)}\` shows what it prints.`, ''].join('\n');
  }
  // A fence longer than any run of backticks in the sample, so the sample cannot close it.
  const longest = Math.max(2, ...(sample.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return [
    ...heading,
    `What one run of \`${labCommand(lab.name)}\` printed on the workbook's embedded broker. The numbers, timings and generated names are that run's and differ on every run and every machine; the story the lines tell does not.`,
    '',
    `${fence}text`,
    sample,
    fence,
    '',
    `The sample is recorded by running the lab (\`${refreshCommand(lab.name)}\`), and the lab's test fails when what the lab prints no longer has this shape.`,
    '',
  ].join('\n');
}
