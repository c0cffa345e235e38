import { describe, expect, test } from 'vitest';
import { findSyntaxError } from './syntax.ts';

describe('findSyntaxError', () => {
  test('points at the line and column, with the line itself', () => {
    const problem = findSyntaxError('bus.ts', 'const a = 1;\nconst b = {;\nexport { a, b };\n');
    expect(problem).toMatchObject({ file: 'bus.ts', line: 2, column: 12 });
    expect(problem?.message).toBeTruthy();
    expect(problem?.frame).toContain('2 | const b = {;');
    expect(problem?.frame.split('\n').at(-1)).toMatch(/^\s+\|\s+\^$/);
  });

  test('valid TypeScript (types, generics, async) has no syntax error', () => {
    expect(findSyntaxError('ok.ts', 'export async function f<T extends object>(x: T): Promise<T> { return x; }\n')).toBeUndefined();
  });

  test('a type error is not a syntax error (the tests report those)', () => {
    expect(findSyntaxError('types.ts', 'const n: number = "text";\n')).toBeUndefined();
  });
});
