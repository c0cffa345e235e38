/**
 * The Markdown of the generated pages: one per exercise (/exercises/<track>/<name>) and one per lab
 * (/labs/<name>). VitePress dynamic routes (docs/exercises/[track]/[name].paths.ts,
 * docs/labs/[name].paths.ts) render it; the text comes from the exercise's and lab's own README, so
 * there is one source and no copy to keep in step.
 *
 * No solution code is ever put on a page: the learner's loop shows it once the exercise passes.
 */
import { existsSync } from 'node:fs';
import type { Exercise, LabInfo, Track } from '../catalog/catalog.ts';
import { chapterTitle, type ChapterId } from '../catalog/chapters.ts';
import { chapterFile } from './paths.ts';
import { labSampleSection } from './lab-sample-section.ts';
import { BROKER_LABELS, chapterUrl, labCommand, trackUrl } from './shared.ts';

export interface GeneratedPage<P extends Record<string, string>> {
  params: P;
  content: string;
}

type ChapterExists = (id: ChapterId) => boolean;
const chapterFileExists: ChapterExists = (id) => existsSync(chapterFile(id));

export function exercisePages(tracks: Track[], chapterExists = chapterFileExists): Array<GeneratedPage<{ track: string; name: string }>> {
  return tracks.flatMap((track) =>
    track.exercises.map((exercise, index) => ({
      params: { track: track.id, name: exercise.name },
      content: exercisePage(exercise, { track, index, chapterExists }),
    })),
  );
}

export function labPages(labs: LabInfo[], chapterExists = chapterFileExists): Array<GeneratedPage<{ name: string }>> {
  return labs.map((lab) => ({ params: { name: lab.name }, content: labPage(lab, chapterExists) + labSampleSection(lab) }));
}

export function exercisePage(exercise: Exercise, where: { track: Track; index: number; chapterExists: ChapterExists }): string {
  const { track, index, chapterExists } = where;
  const folder = `exercises/${exercise.id}`;
  return [
    `# ${inline(exercise.title)}`,
    '',
    `<ExerciseStatus exercise="${exercise.id}" />`,
    '',
    `- **Chapter:** ${chapterLink(exercise.chapter, chapterExists)}`,
    `- **Track:** [${inline(track.title)}](${trackUrl(track.id)}), exercise ${index + 1} of ${track.exercises.length}`,
    `- **Difficulty:** ${exercise.difficulty} · **Broker:** ${BROKER_LABELS[exercise.broker]}`,
    ...(exercise.kind === 'review' ? ["- **Kind:** review the guide's code — the starting file follows the guide, bugs and all"] : []),
    `- **From the guides:** ${inline(exercise.guide)}`,
    '',
    '## The task',
    '',
    verbatim(exercise.statement),
    '',
    '## Work on it',
    '',
    `Edit ${exercise.files.map((f) => `\`${folder}/${f}\``).join(', ')}. The tests in ${exercise.tests.map((t) => `\`${t}\``).join(', ')} say what must hold.`,
    '',
    '```sh',
    '# make it the current exercise, then run its tests on every save (with this site alongside)',
    `npm run learn -- go ${exercise.name}`,
    'npm start',
    '```',
    '',
    'Every time you save, the loop reruns the tests against a real broker and says in plain words which expectation failed.',
    '',
    '## Hints',
    '',
    'Open them one at a time: each hint holds the next one. The loop reveals the same hints with `h`.',
    '',
    nestedHints(exercise.hints),
    '',
    '## The reference solution',
    '',
    'It is not on this site, on purpose. Once your version passes, the loop offers it: press `s` in `npm start`, or run',
    `\`npm run learn -- solution ${exercise.name}\`. Compare the two; the chapter explains why the solution does what it does.`,
    '',
  ].join('\n');
}

export function labPage(lab: LabInfo, chapterExists: ChapterExists = chapterFileExists): string {
  return [
    `# ${inline(lab.title)}`,
    '',
    `- **Chapter:** ${chapterLink(lab.chapter, chapterExists)}`,
    `- **Broker:** ${BROKER_LABELS[lab.broker]}`,
    '',
    `_${inline(lab.summary)}_`,
    '',
    '## What it shows',
    '',
    verbatim(lab.description),
    '',
    '## Run it',
    '',
    '```sh',
    labCommand(lab.name),
    '```',
    '',
    `It starts the broker it needs (or uses the one your environment names), prints what happened with measured numbers, and stops everything it started. The code is \`labs/${lab.name}/lab.ts\`; \`labs/${lab.name}/lab.test.ts\` checks that what it shows really happens.`,
    '',
    // Under \`npm start\`: a Run button, the output streamed into the page and the broker live beside it.
    `<LabRun lab="${lab.name}" broker="${lab.broker}" />`,
    '',
  ].join('\n');
}

function chapterLink(id: ChapterId, chapterExists: ChapterExists): string {
  const title = inline(chapterTitle(id));
  return chapterExists(id) ? `[${title}](${chapterUrl(id)})` : `${title} (chapter being written)`;
}

/** Hint 1 holds hint 2, which holds hint 3: each opens only after the one before. */
function nestedHints(hints: string[]): string {
  const total = hints.length;
  const open = hints.map((hint, i) => {
    const fence = ':'.repeat(3 + total - 1 - i);
    return `${fence} details Hint ${i + 1} of ${total}\n${verbatim(hint)}\n`;
  });
  const close = hints.map((_, i) => ':'.repeat(3 + i)).join('\n');
  return `${open.join('\n')}\n${close}`;
}

/**
 * README text rendered as Markdown on the site. READMEs are written for the terminal too, so a `<`
 * in prose (`XTRIM MINID <id>`) is text, never HTML; and Vue must not read `{{ }}` in them.
 */
function verbatim(markdown: string): string {
  return `<div v-pre>\n\n${escapeHtmlOutsideCode(markdown.trim())}\n\n</div>`;
}

/** `<` becomes `&lt;` except in fenced code blocks and `code spans`, which Markdown already keeps literal. */
export function escapeHtmlOutsideCode(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence !== undefined) {
        if (marker?.startsWith(fence) && line.trim() === marker) fence = undefined;
        return line;
      }
      if (marker) {
        fence = marker;
        return line;
      }
      // Odd pieces of a split on backtick runs are code spans (a run opens one, the same run closes it).
      return line
        .split(/(`+[^`]*?`+)/)
        .map((piece, i) => (i % 2 === 1 ? piece : piece.replace(/</g, '&lt;')))
        .join('');
    })
    .join('\n');
}

/** Text from front matter, safe inside a Markdown line. */
function inline(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}
