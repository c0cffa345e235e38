/**
 * Finds a syntax error in a learner's file before the tests run, so the learner reads "bus.ts line
 * 12: ';' expected" with the line itself, instead of a transform error from deep in the test runner.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

export interface SyntaxProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  /** The offending line and a caret under the column. */
  frame: string;
}

export function findSyntaxError(file: string, text = readFileSync(file, 'utf8')): SyntaxProblem | undefined {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  // parseDiagnostics is where the parser records what it could not read; it is not in the public typings.
  const diagnostics = (source as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const first = diagnostics[0];
  if (!first) return undefined;
  const { line, character } = source.getLineAndCharacterOfPosition(first.start);
  const lines = text.split(/\r?\n/);
  const gutter = String(line + 1).length;
  const frameLines: string[] = [];
  for (let i = Math.max(0, line - 1); i <= line; i++) {
    frameLines.push(`${String(i + 1).padStart(gutter)} | ${lines[i] ?? ''}`);
  }
  frameLines.push(`${' '.repeat(gutter)} | ${' '.repeat(character)}^`);
  return {
    file,
    line: line + 1,
    column: character + 1,
    message: ts.flattenDiagnosticMessageText(first.messageText, ' '),
    frame: frameLines.join('\n'),
  };
}
