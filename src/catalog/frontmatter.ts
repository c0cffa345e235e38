import { parse } from 'yaml';
import { WorkbookError, describeError } from '../harness/errors.ts';

export interface Document {
  data: unknown;
  body: string;
}

/** Splits a Markdown file into its YAML front matter and body. */
export function parseFrontmatter(text: string, where: string): Document {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw new WorkbookError(`${where}: expected YAML front matter between --- lines at the top.`);
  try {
    return { data: parse(match[1] ?? ''), body: (match[2] ?? '').trim() };
  } catch (error) {
    throw new WorkbookError(`${where}: front matter is not valid YAML (${describeError(error).split('\n')[0]}).`);
  }
}
