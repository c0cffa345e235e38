/**
 * Verdicts in plain words: which expectation failed, what was expected and what happened, and the
 * line of the learner's file involved — no stack traces.
 */
import { readFileSync } from 'node:fs';
import type { Exercise } from '../catalog/catalog.ts';
import { displayPath } from '../catalog/paths.ts';
import type { TypeProblem } from './typecheck.ts';
import type { Failure, Location, Verdict } from './verdict.ts';
import { accent, bad, bold, dim, ok } from './style.ts';

export function renderVerdict(exercise: Exercise, verdict: Verdict): string {
  const files = exercise.files.map((f) => `exercises/${exercise.id}/${f}`).join(', ');
  switch (verdict.kind) {
    case 'syntax-error': {
      const { problem } = verdict;
      return [
        bad(`✗ ${displayPath(problem.file)} line ${problem.line}, column ${problem.column}: ${problem.message}`),
        '',
        indent(problem.frame, 4),
        '',
        dim('  The file cannot be read as TypeScript yet; fix this line (or the one before it) and save.'),
      ].join('\n');
    }
    case 'broken':
      return [
        bad(`✗ The tests could not run: ${verdict.message}`),
        ...(verdict.inLearnerFile ? ['', sourceLine(verdict.inLearnerFile)] : []),
        '',
        dim(
          verdict.inLearnerFile
            ? `  ${files} throws as soon as it is loaded: fix the line above and save.`
            : `  The test file stopped before any test ran. If the message names your code, look there; otherwise press r to try again.`,
        ),
      ].join('\n');
    case 'timed-out': {
      const seconds = Math.round(verdict.deadlineMs / 1000);
      const lines = [
        bad(
          verdict.runningTest
            ? `✗ "${verdict.runningTest}" never finished: the run was stopped after ${seconds} s.`
            : `✗ The tests never got going: the run was stopped after ${seconds} s while ${files} was loading.`,
        ),
        `      Your code is stuck: a loop that never ends, or a promise that never settles (a missing resolve(), an await on something that never happens).`,
      ];
      for (const test of verdict.tests) lines.push(`  ${test.passed ? ok('✓') : bad('✗')} ${test.name}`);
      lines.push('', dim('  Save a fix and the tests run again at once.'));
      return lines.join('\n');
    }
    case 'passed':
      return [
        ok(`✓ All ${verdict.tests.length} checks pass`) + dim(` (${verdict.durationMs} ms)`),
        ...verdict.tests.map((t) => `  ${ok('✓')} ${t.name}`),
      ].join('\n');
    case 'failed': {
      const failing = verdict.tests.filter((t) => !t.passed && !t.skipped);
      const outside = verdict.outsideTests ?? [];
      const headline =
        failing.length > 0
          ? `✗ ${failing.length} of ${verdict.tests.length} checks fail`
          : `✗ Every check passes, but an error was thrown outside them`;
      const lines = [bad(headline) + dim(` (${verdict.durationMs} ms)`)];
      // Failing checks first, so the first one stays on screen however long the verdict is.
      for (const test of failing) {
        lines.push(`  ${bad('✗')} ${bold(test.name)}`);
        if (test.failure) lines.push(...explain(test.failure));
      }
      for (const failure of outside) {
        lines.push(`  ${bad('✗')} ${bold('outside any check')} ${dim('(a hook, a timer or a promise nobody awaited)')}`);
        lines.push(...explain(failure));
      }
      for (const test of verdict.tests) {
        if (test.passed) lines.push(`  ${ok('✓')} ${test.name}`);
        else if (test.skipped) lines.push(`  ${dim(`- ${test.name} (not run)`)}`);
      }
      return lines.join('\n');
    }
  }
}

/** Type errors in the learner's files, each with its line, shown above the tests' verdict. */
export function renderTypeProblems(problems: TypeProblem[]): string {
  const lines = [bad(`✗ ${problems.length === 1 ? 'A type error' : `${problems.length} type errors`}: the exercise is not done until ${problems.length === 1 ? 'it is' : 'they are'} fixed`)];
  for (const problem of problems.slice(0, 5)) {
    lines.push(`      ${accent(`${displayPath(problem.file)}:${problem.line}:${problem.column}`)} ${problem.message}`);
    if (problem.code) lines.push(dim(`        ${problem.code}`));
  }
  if (problems.length > 5) lines.push(dim(`      … and ${problems.length - 5} more (\`npm run typecheck\` lists them all)`));
  return lines.join('\n');
}

function explain(failure: Failure): string[] {
  const out: string[] = [];
  const todo = /^(?:Error: )?TODO\b:?\s*/.exec(failure.message);
  if (todo) {
    out.push(`      not written yet: ${failure.message.slice(todo[0].length)}`);
  } else {
    const { reason, detail } = splitMessage(failure.message);
    out.push(`      ${reason}`);
    if (failure.expected !== undefined && failure.actual !== undefined) {
      out.push(`        expected: ${oneLine(failure.expected)}`);
      out.push(`        got:      ${oneLine(failure.actual)}`);
    } else if (detail) {
      out.push(`        ${detail}`);
    }
  }
  if (failure.inLearnerFile) out.push(sourceLine(failure.inLearnerFile));
  else if (failure.inTest) out.push(dim(`      (checked at ${displayPath(failure.inTest.file)}:${failure.inTest.line})`));
  return out;
}

/** "the handler should get it: expected [] to deeply equal [ 'x' ]" → reason + the matcher's sentence. */
function splitMessage(message: string): { reason: string; detail?: string } {
  const plain = message.replace(/^(?:\w*Error|Error): /, '');
  // "expected" as a word: "Unexpected token" is not where the matcher sentence starts.
  const at = plain.search(/:? ?\bexpected /);
  if (at <= 0) return { reason: plain.split('\n')[0] ?? plain };
  return { reason: plain.slice(0, at).replace(/:$/, ''), detail: plain.slice(at).replace(/^: /, '').replace(/ deeply /, ' ') };
}

function sourceLine(location: Location): string {
  let code = '';
  try {
    code = readFileSync(location.file, 'utf8').split(/\r?\n/)[location.line - 1]?.trim() ?? '';
  } catch {
    // The file moved since the run: the location alone still helps.
  }
  return `      ${accent(`at ${displayPath(location.file)}:${location.line}`)}${code ? dim(`   ${code}`) : ''}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

function indent(text: string, by: number): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(by) + l)
    .join('\n');
}
