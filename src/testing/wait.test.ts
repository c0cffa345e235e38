import { describe, expect, test } from 'vitest';
import { FailedFastError, Inbox, TimeoutError, within } from './wait.ts';

const never = new Promise<never>(() => {});

describe('a wait with failWhen', () => {
  test('fails with the reason as soon as it holds, long before the deadline', async () => {
    const inbox = new Inbox<string>();
    const started = performance.now();
    const waiting = inbox.waitUntil((v) => v === 'done', 10_000, '"done" arriving', {
      failWhen: () => inbox.items.includes('poison') && 'the poison message was handled: skip it',
    });
    setTimeout(() => inbox.push('poison'), 20);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FailedFastError);
    expect((error as Error).message).toBe('the poison message was handled: skip it (seen while waiting for "done" arriving)');
    expect(performance.now() - started, 'ms until it failed').toBeLessThan(5_000);
  });

  test('lets an outcome that has already arrived win over a reason that also holds', async () => {
    await expect(within(Promise.resolve('here'), 1_000, 'the value', { failWhen: () => 'too late' })).resolves.toBe('here');
  });

  test('still fails by its deadline while the reason never holds', async () => {
    await expect(within(never, 30, 'the value', { failWhen: () => undefined })).rejects.toThrow(TimeoutError);
  });
});
