/**
 * What a flashcard is. The deck (deck/cards/<chapter>.yaml) is validated against this schema when
 * it is loaded, in the terminal trainer and in the browser alike. Browser-safe: no Node imports.
 */
import { z } from 'zod';
import { CHAPTER_IDS } from '../catalog/chapters.ts';

export const LEVELS = ['basic', 'intermediate', 'advanced'] as const;
export type Level = (typeof LEVELS)[number];

/** What kind of knowledge a card asks for; the trainers may show it as a tag. */
export const KINDS = ['question', 'term', 'number', 'comparison', 'selection', 'checklist', 'convention'] as const;
export type Kind = (typeof KINDS)[number];

/** The two source guides, by the keys src/site/guides.ts gives them. */
export const GUIDE_KEYS = ['part7', 'complete'] as const;
export type GuideKey = (typeof GUIDE_KEYS)[number];

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const text = z.string().trim().min(1, 'must not be empty');

export const sourceSchema = z
  .object({
    guide: z.enum(GUIDE_KEYS),
    /** The guide's ## or ### heading, as chapters' `covers:` write it. */
    section: text,
    /** The exact text of the guide item this card answers (question, term, table row...), if it is one. */
    item: text.optional(),
  })
  .strict();
export type CardSource = z.infer<typeof sourceSchema>;

export const correctionSchema = z
  .object({
    /** What the guide says, quoted or closely paraphrased. */
    guideSays: text,
    /** Why that is wrong or too simple, and what holds instead. */
    why: text,
  })
  .strict();
export type Correction = z.infer<typeof correctionSchema>;

/** A card as written in a deck file: its chapter may be left to the file's name. */
export const cardInputSchema = z
  .object({
    id: z.string().regex(SLUG, 'must be a lowercase slug such as "kafka-consumer-groups"'),
    question: text,
    /** Our own words; Markdown allowed. */
    answer: text,
    chapter: z.enum(CHAPTER_IDS).optional(),
    /** A heading id on the chapter's page (VitePress slug rules), e.g. "rapid-fire". */
    anchor: z.string().regex(/^[a-z0-9_][a-z0-9_-]*$/, 'must be a heading id such as "choosing-a-system"').optional(),
    level: z.enum(LEVELS),
    kind: z.enum(KINDS),
    source: z.array(sourceSchema).min(1, 'name at least one guide section the card comes from'),
    /** The key points a good answer contains: the mock interview's checklist. */
    rubric: z.array(text).min(3, 'needs 3 to 6 key points').max(6, 'needs 3 to 6 key points'),
    correction: correctionSchema.optional(),
    /** For numbers: the version or date the number holds for (numbers go stale). */
    asOf: text.optional(),
  })
  .strict()
  .superRefine((card, context) => {
    if (card.kind === 'number' && card.asOf === undefined) {
      context.addIssue({ code: 'custom', path: ['asOf'], message: 'a number card needs asOf: the version or date the number holds for' });
    }
  });

export type Card = z.infer<typeof cardInputSchema> & { chapter: (typeof CHAPTER_IDS)[number] };
