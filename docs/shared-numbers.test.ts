/**
 * The shared-numbers check: chapters, flashcards and exercise and lab statements must not contradict
 * docs/reference/numbers.yaml (limits, defaults, timeouts). See src/site/shared-numbers.ts for the rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../src/catalog/paths.ts';
import { findMentions, loadSharedNumbers, parseQuantity, type Mention, type SharedNumber } from '../src/site/shared-numbers.ts';

const entries = loadSharedNumbers();

/** Every text a learner reads: chapters, cards, exercise and lab READMEs (statements and hints). */
function sources(): Array<{ file: string; content: string }> {
  const files = [
    ...readdirSync(join(ROOT, 'docs', 'chapters')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', 'chapters', f)),
    ...readdirSync(join(ROOT, 'deck', 'cards')).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, 'deck', 'cards', f)),
    ...(['exercises', 'labs'] as const).flatMap((dir) =>
      readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('README.md'))
        .map((f) => join(ROOT, dir, f))),
  ];
  return files.map((file) => ({ file: relative(ROOT, file), content: readFileSync(file, 'utf8') }));
}

const mentions: Mention[] = sources().flatMap(({ file, content }) => findMentions(entries, file, content));
const byId = (id: string): SharedNumber => entries.find((e) => e.id === id)!;

describe('docs/reference/numbers.yaml', () => {
  test('parses: every entry names its value, source and date, and its allowed values are quantities of its kind', () => {
    expect(entries.length).toBeGreaterThan(10);
    for (const entry of entries) {
      for (const value of entry.check.allowed) expect(parseQuantity(entry.check.kind, value, entry.check.noun), `${entry.id}: ${value}`).toBeDefined();
    }
  });

  test('every entry is stated somewhere, so the check for it is alive', () => {
    const silent = entries.filter((e) => !mentions.some((m) => m.id === e.id)).map((e) => e.id);
    expect(silent, 'entries no chapter, card or statement states: reword the text or drop the entry').toEqual([]);
  });
});

describe('chapters, cards and statements agree with docs/reference/numbers.yaml', () => {
  test('no text states another value after the keyword', () => {
    const contradictions = mentions
      .filter((m) => !m.ok)
      .map((m) => `${m.file}:${m.line}: "${m.text}" says ${m.stated}; numbers.yaml (${m.id}) says ${byId(m.id).value} (${byId(m.id).source})`);
    expect(contradictions, 'fix the text, or, if the vendor changed the number, numbers.yaml first').toEqual([]);
  });
});

describe('the scanner', () => {
  const sns = [byId('sns-message-size')];
  const statedIn = (text: string, list = sns) => findMentions(list, 'x.md', text).map((m) => [m.stated, m.ok]);

  test('a contradiction is reported with the value it states', () => {
    expect(statedIn('SNS messages are capped at 64 KB, like SQS.')).toEqual([['64 KB', false]]);
    expect(statedIn('SNS accepts 256 KiB by default and 1 MiB at most.')).toEqual([['256 KiB', true]]);
  });

  test('KB and KiB, MB and MiB and exact bytes are the same quantity within 1 %', () => {
    expect(statedIn('SNS takes 262,144 bytes.')).toEqual([['262,144 bytes', true]]);
    expect(findMentions([byId('kafka-message-max-bytes')], 'x.md', 'message.max.bytes is about 1 MB.').map((m) => m.ok)).toEqual([true]);
  });

  test('a recommendation or a history is not the claim', () => {
    expect(statedIn('Raise the SNS limit to 2 MB and it refuses.')).toEqual([]);
    expect(findMentions([byId('kafka-linger-ms')], 'x.md', 'raise linger.ms to 5 to 20 ms').length).toBe(0);
  });

  test('the claim ends with its sentence, its clause or its table row, and a table cell is read', () => {
    expect(statedIn('Fan-out through SNS. Kafka takes 1,048,588 bytes.')).toEqual([]);
    expect(statedIn('| SNS | fan-out |\n| Kafka | 2 GB |')).toEqual([]);
    const session = [byId('kafka-session-timeout')];
    expect(findMentions(session, 'x.md', '| `session.timeout.ms` | 10 s | liveness |').map((m) => m.ok)).toEqual([false]);
  });
});
