/**
 * The numbers chapters, cards and exercise statements share (limits, defaults, timeouts), kept in
 * one table, docs/reference/numbers.yaml, and a scanner that finds where a text states one of them.
 *
 * The rule is deliberately narrow, so that it stays quiet on prose it does not understand: after
 * each mention of an entry's keyword, it takes the FIRST quantity of the entry's kind in the same
 * sentence (at most WINDOW characters on, not past ". ", ";" or the next table row). If the words
 * between keyword and quantity contain a word such as "to", "raise" or "before", the quantity is a
 * recommendation or a history, not the claim, and the mention is skipped. Anything else must be one
 * of the entry's allowed values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ROOT } from '../catalog/paths.ts';

export const NUMBERS_FILE = join(ROOT, 'docs', 'reference', 'numbers.yaml');

export const QUANTITY_KINDS = ['size', 'duration', 'count'] as const;
export type QuantityKind = (typeof QUANTITY_KINDS)[number];

const text = z.string().trim().min(1);

const entrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase slug'),
    label: text,
    /** The fact as a reader should learn it, in words. */
    value: text,
    /** Where it comes from: vendor documentation or a KIP, named. */
    source: text,
    asOf: text,
    check: z
      .object({
        kind: z.enum(QUANTITY_KINDS),
        /** A regular expression (source text, case-sensitive) for the keyword a claim follows. */
        near: text,
        /** For counts: the noun that must follow the number ("retries"); without it, a bare number. */
        noun: text.optional(),
        /** The values a text may state after the keyword, written like the text writes them ("256 KiB", "45 s", "500"). */
        allowed: z.array(text).min(1),
      })
      .strict(),
  })
  .strict();
export type SharedNumber = z.infer<typeof entrySchema>;

const fileSchema = z.array(entrySchema).min(1);

/** Reads and validates docs/reference/numbers.yaml; throws one line naming what is wrong. */
export function loadSharedNumbers(file = NUMBERS_FILE): SharedNumber[] {
  const result = fileSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const entry of result.data) {
    if (ids.has(entry.id)) throw new Error(`${file}: id ${entry.id} is used twice`);
    ids.add(entry.id);
    for (const value of entry.check.allowed) {
      if (parseQuantity(entry.check.kind, value, entry.check.noun) === undefined) {
        throw new Error(`${file}: ${entry.id}: allowed value "${value}" is not a ${entry.check.kind}`);
      }
    }
  }
  return result.data;
}

// ---------------------------------------------------------------------------------------------
// Quantities

const NUMBER = String.raw`(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)`;
const SIZE_UNITS: Record<string, number> = { b: 1, byte: 1, bytes: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };
const DURATION_UNITS: Record<string, number> = {
  ms: 0.001, millisecond: 0.001, milliseconds: 0.001,
  s: 1, sec: 1, second: 1, seconds: 1,
  min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hour: 3600, hours: 3600,
  day: 86_400, days: 86_400,
};
const SIZE = new RegExp(String.raw`(?<![\w.,-])${NUMBER}\s*(bytes|byte|B|KiB|KB|kB|kb|MiB|MB|mb|GiB|GB)(?![\w-])`, 'g');
const DURATION = new RegExp(String.raw`(?<![\w.,-])${NUMBER}\s*(milliseconds?|ms|seconds?|sec|s|minutes?|mins?|hours?|h|days?)(?![\w-])`, 'g');
const BARE = new RegExp(String.raw`(?<![\w.,-])${NUMBER}(?![\w.-]|,\d)`, 'g');

const toNumber = (digits: string): number => Number(digits.replaceAll(',', ''));

function quantityPattern(kind: QuantityKind, noun?: string): RegExp {
  if (kind === 'size') return new RegExp(SIZE.source, 'g');
  if (kind === 'duration') return new RegExp(DURATION.source, 'g');
  return noun === undefined ? new RegExp(BARE.source, 'g') : new RegExp(String.raw`(?<![\w.,-])${NUMBER}\s+(?:${noun})\b`, 'g');
}

function valueOf(kind: QuantityKind, match: RegExpExecArray): number {
  const amount = toNumber(match[1]!);
  if (kind === 'size') return amount * SIZE_UNITS[match[2]!.toLowerCase()]!;
  if (kind === 'duration') return amount * DURATION_UNITS[match[2]!.toLowerCase()]!;
  return amount;
}

/** "256 KiB" → 262144, "5 minutes" → 300, "500" → 500; undefined when the text is not one. */
export function parseQuantity(kind: QuantityKind, written: string, noun?: string): number | undefined {
  const match = quantityPattern(kind, noun).exec(written.trim());
  return match === null ? undefined : valueOf(kind, match);
}

/** Documentation writes "1 MB" for 1,048,588 bytes: equal within 1 %. */
const same = (a: number, b: number): boolean => Math.abs(a - b) <= 0.01 * Math.max(Math.abs(a), Math.abs(b));

// ---------------------------------------------------------------------------------------------
// Scanning

/** How far after the keyword a claim may be. */
export const WINDOW = 100;
/** Words between keyword and number that make the number something other than the claim. */
const NOT_THE_CLAIM = /\b(?:to|raise[sd]?|raising|lower(?:s|ed)?|set|above|below|than|before|until|over|under|from|after|per|each|every|beyond|past|instead)\b/i;
/** Where a claim ends: a sentence, a clause ("; " or ", Kafka ..."), or the next table row. */
const CLAIM_END = /\.(?:\s|$)|;|\n\s*\||,\s+(?=[A-Z])/;

export interface Mention {
  id: string;
  file: string;
  line: number;
  /** The words from the keyword to the quantity, as written. */
  text: string;
  stated: string;
  ok: boolean;
}

/** Every claim of every entry in one text. */
export function findMentions(entries: SharedNumber[], file: string, content: string): Mention[] {
  const mentions: Mention[] = [];
  for (const entry of entries) {
    const { kind, noun, near, allowed } = entry.check;
    const allowedValues = allowed.map((a) => parseQuantity(kind, a, noun)!);
    const keyword = new RegExp(near, 'g');
    for (let hit = keyword.exec(content); hit !== null; hit = keyword.exec(content)) {
      if (hit[0].length === 0) { keyword.lastIndex++; continue; }
      const start = hit.index + hit[0].length;
      let after = content.slice(start, start + WINDOW);
      const end = CLAIM_END.exec(after);
      if (end !== null) after = after.slice(0, end.index);
      const quantity = quantityPattern(kind, noun).exec(after);
      if (quantity === null) continue;
      const gap = after.slice(0, quantity.index);
      if (NOT_THE_CLAIM.test(gap)) continue;
      const stated = valueOf(kind, quantity);
      mentions.push({
        id: entry.id,
        file,
        line: content.slice(0, hit.index).split('\n').length,
        text: (hit[0] + gap + quantity[0]).replace(/\s+/g, ' '),
        stated: quantity[0],
        ok: allowedValues.some((v) => same(v, stated)),
      });
    }
  }
  return mentions;
}
