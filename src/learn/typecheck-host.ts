/**
 * The child process that type-checks the learner's files for the loop (see typecheck.ts), with one
 * TypeScript language service kept warm: the first check loads the libraries' types (seconds), each
 * later check only what changed (tens of milliseconds). A child process, so that neither a slow
 * first check nor anything else here can freeze the loop's keys.
 *
 * In:  { id, files }            Out: { id, problems }
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../catalog/paths.ts';
import type { TypeProblem } from './typecheck.ts';

export interface CheckRequest {
  id: number;
  files: string[];
}
export interface CheckResult {
  id: number;
  problems: TypeProblem[];
}

const configPath = join(ROOT, 'tsconfig.json');
const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, (p) => ts.sys.readFile(p)).config, ts.sys, ROOT);
let roots: string[] = [];

const host: ts.LanguageServiceHost = {
  getScriptFileNames: () => roots,
  // mtime and size stand for the content: the service re-reads a file only when they change.
  getScriptVersion: (file) => {
    try {
      const stat = statSync(file);
      return `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return 'missing';
    }
  },
  getScriptSnapshot: (file) => {
    try {
      return ts.ScriptSnapshot.fromString(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  },
  getCurrentDirectory: () => ROOT,
  getCompilationSettings: () => config.options,
  getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
  fileExists: ts.sys.fileExists,
  readFile: ts.sys.readFile,
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
};
const service = ts.createLanguageService(host, ts.createDocumentRegistry());

function check(files: string[]): TypeProblem[] {
  roots = files;
  const problems: TypeProblem[] = [];
  for (const file of files) {
    const diagnostics = [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)];
    for (const d of diagnostics) {
      if (d.category !== ts.DiagnosticCategory.Error || !d.file || d.start === undefined) continue;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      problems.push({
        file,
        line: line + 1,
        column: character + 1,
        message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
        code: d.file.text.split(/\r?\n/)[line]?.trim() ?? '',
      });
    }
  }
  return problems;
}

process.on('message', (request: CheckRequest) => {
  let problems: TypeProblem[];
  try {
    problems = check(request.files);
  } catch (error) {
    // The checker itself failed (a compiler bug, a file vanished mid-check): report nothing rather than a false error.
    process.stderr.write(`type check skipped: ${error instanceof Error ? error.message : String(error)}\n`);
    problems = [];
  }
  process.send?.({ id: request.id, problems } satisfies CheckResult);
});
process.on('disconnect', () => process.exit(0));
for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});
