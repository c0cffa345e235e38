/**
 * The mock interview in progress, kept in localStorage so that a reload or a closed tab does not
 * lose the session or the answer being typed. Only the finished session joins the learner's
 * progress (flashcards-store.ts); this draft is dropped when the learner starts over.
 */
import { z } from 'zod';
import { CHAPTER_IDS } from '../../../../src/catalog/chapters.ts';
import { LEVELS, interviewAnswerSchema } from '../../../../src/flashcards/index.ts';

export const INTERVIEW_DRAFT_KEY = 'pubsub-workbook/interview-draft';

const draftSchema = z.object({
  phase: z.enum(['setup', 'asking', 'answered', 'done']),
  level: z.union([z.enum(LEVELS), z.literal('')]),
  chapter: z.union([z.enum(CHAPTER_IDS), z.literal('')]),
  questionIds: z.array(z.string()),
  index: z.number().int().min(0),
  answerText: z.string(),
  typed: z.array(z.string()),
  ticked: z.array(z.number().int().min(0)),
  answers: z.array(interviewAnswerSchema),
  elapsed: z.number().min(0),
  startedAt: z.string(),
});
export type InterviewDraft = z.infer<typeof draftSchema>;

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The saved interview, or undefined when there is none or it cannot be read (then it is dropped). */
export function loadInterviewDraft(): InterviewDraft | undefined {
  const text = storage()?.getItem(INTERVIEW_DRAFT_KEY);
  if (!text) return undefined;
  try {
    const parsed = draftSchema.safeParse(JSON.parse(text));
    if (parsed.success && parsed.data.index < Math.max(parsed.data.questionIds.length, 1)) return parsed.data;
  } catch {
    // not JSON: dropped below
  }
  clearInterviewDraft();
  return undefined;
}

export function saveInterviewDraft(draft: InterviewDraft): void {
  try {
    storage()?.setItem(INTERVIEW_DRAFT_KEY, JSON.stringify(draft));
  } catch {
    // Storage full or blocked: the interview goes on, it just will not survive a reload.
  }
}

export function clearInterviewDraft(): void {
  try {
    storage()?.removeItem(INTERVIEW_DRAFT_KEY);
  } catch {
    // nothing to clear
  }
}
