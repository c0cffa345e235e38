import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../src/catalog/paths.ts';

/**
 * The known-wrong-solutions check end to end, on a fixture tree (scripts/fixtures/mistakes): one
 * mistake its tests catch, one they pass green, one that fails only on another test. Run as
 * `npm run test:mistakes -- --root <fixture>` in a child process, as npm test runs it.
 */
describe('the known-wrong-solutions check', () => {
  test('reports a mistake that passes green and one that fails on the wrong test, and accepts one that is caught', async () => {
    const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/test-mistakes.ts', '--root', 'scripts/fixtures/mistakes'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    }).then(
      (done) => ({ code: 0, out: done.stdout }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? -1, out: error.stdout ?? '' }),
    );

    expect(run.out, 'the check reports the fixture exercise').toContain('01_t/01_add 1/3 known-wrong solutions rejected');
    expect(run.out).toContain('mistake passes-green (none at all: the tests cannot catch it, which the check must report.) passed green: "adds two numbers" must fail');
    expect(run.out).toContain('mistake fails-elsewhere (drops the sign of the first number.) failed only on "adds negative numbers", not on "adds two numbers"');
    expect(run.out, 'a caught mistake is not reported').not.toContain('mistake off-by-one');
    expect(run.code, 'the check fails').toBe(1);
  }, 180_000);
});
