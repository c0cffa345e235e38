/**
 * The site's sources, without a browser: pages generated from the catalog, the mermaid fence, the
 * progress the dev server reports, and the static server's clean URLs.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMarkdownRenderer, type MarkdownEnv } from 'vitepress';
import { compileTemplate } from 'vue/compiler-sfc';
import { afterAll, describe, expect, test } from 'vitest';
import { loadLabs, loadTracks } from '../src/catalog/catalog.ts';
import { CHAPTER_IDS, chapterTitle, type ChapterId } from '../src/catalog/chapters.ts';
import { escapeHtmlOutsideCode, exercisePages, labPages } from '../src/site/catalog-pages.ts';
import { isCatalogReadme } from '../src/site/catalog-reload-plugin.ts';
import { buildCatalogView } from '../src/site/catalog-view.ts';
import { countMermaidBlocks } from '../src/site/chapter-pages.ts';
import { firstLine } from '../src/site/dev-server.ts';
import { DOCS_DIR, chapterFile } from '../src/site/paths.ts';
import { readSiteProgress } from '../src/site/progress-plugin.ts';
import { resolveStaticPath } from '../src/site/static-server.ts';
import { linksToUnwrittenChapters } from './.vitepress/unwritten-chapters.ts';
import { mermaidFence } from './.vitepress/mermaid-fence.ts';
import { pageKind, renderForSearch, searchSections } from './.vitepress/search.ts';

const tracks = loadTracks();
const exercises = tracks.flatMap((t) => t.exercises);
const labs = loadLabs();
const scratch = mkdtempSync(join(tmpdir(), 'site-sources-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('exercise pages, generated from each exercise README', () => {
  const pages = exercisePages(tracks, () => true);

  test('one page per exercise, at /exercises/<track>/<name>', () => {
    expect(pages.map((p) => `${p.params.track}/${p.params.name}`)).toEqual(exercises.map((e) => e.id));
  });

  test.each(exercises.map((e, i) => [e.id, e, pages[i]?.content ?? ''] as const))('%s: title, facts, statement, files, command, hints', (_, exercise, page) => {
    expect(page.startsWith(`# ${exercise.title.replace(/([\\`*_[\]<>|])/g, '\\$1')}\n`), 'the title is the page heading').toBe(true);
    expect(page).toContain(`**Chapter:** [${chapterTitle(exercise.chapter)}](/chapters/${exercise.chapter})`);
    expect(page).toContain(`**Difficulty:** ${exercise.difficulty}`);
    expect(page).toContain(escapeHtmlOutsideCode(exercise.statement.trim()));
    for (const file of exercise.files) expect(page).toContain(`\`exercises/${exercise.id}/${file}\``);
    expect(page).toContain(`npm run learn -- go ${exercise.name}`);
    expect(page).toContain('npm start');
    expect(page).toContain(`<ExerciseStatus exercise="${exercise.id}" />`);
    // Hint n sits inside hint n-1: its container opens after the previous one's and closes before it.
    const opens = exercise.hints.map((_, i) => page.indexOf(`details Hint ${i + 1} of ${exercise.hints.length}`));
    expect(opens.every((at, i) => at > (opens[i - 1] ?? -1)), 'hints open in order').toBe(true);
    exercise.hints.forEach((hint, i) => expect(page.indexOf(escapeHtmlOutsideCode(hint)), `hint ${i + 1} follows its summary`).toBeGreaterThan(opens[i] ?? Infinity));
  });

  test.each(exercises.map((e, i) => [e.id, e, pages[i]?.content ?? ''] as const))('%s: no line of the reference solution is on the page', (_, exercise, page) => {
    for (const file of exercise.files) {
      const starter = new Set(readFileSync(join(exercise.dir, file), 'utf8').split('\n').map((l) => l.trim()));
      const solutionOnly = readFileSync(join(exercise.solutionDir, file), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length > 25 && !starter.has(l));
      expect(solutionOnly.length, `${file}: the solution differs from the starting file`).toBeGreaterThan(0);
      for (const line of solutionOnly) expect(page, `solution line leaked: ${line}`).not.toContain(line);
    }
  });

  test('a chapter not written yet is named, not linked (the link would be dead)', () => {
    const exercise = exercises[0];
    const track = tracks[0];
    if (!exercise || !track) throw new Error('the workbook has no exercise');
    const [page] = exercisePages([{ ...track, exercises: [exercise] }], () => false);
    expect(page?.content).toContain('(chapter being written)');
    expect(page?.content).not.toContain('/chapters/');
  });
});

describe('every generated page is valid for Vue', () => {
  const generated = [
    ...exercisePages(tracks).map((p) => [`exercises/${p.params.track}/${p.params.name}`, p.content] as const),
    ...labPages(labs).map((p) => [`labs/${p.params.name}`, p.content] as const),
  ];

  // VitePress compiles each page's HTML as a Vue template: a stray tag in a README breaks the build.
  test.each(generated)('%s compiles', async (name, content) => {
    const md = await createMarkdownRenderer(DOCS_DIR, { config: mermaidFence });
    const html = md.render(content, { path: join(DOCS_DIR, `${name}.md`), relativePath: `${name}.md`, cleanUrls: true });
    const { errors } = compileTemplate({ source: `<div>${html}</div>`, filename: `${name}.md`, id: name });
    expect(errors.map(String)).toEqual([]);
  });

  test('a < in README prose is text, and code keeps its own', () => {
    const readme = ['Trim with `XTRIM s MINID <id>` below <id>.', '```ts', 'if (a < b) {}', '```', 'Then ``a<b`` and <b>.'].join('\n');
    expect(escapeHtmlOutsideCode(readme)).toBe(
      ['Trim with `XTRIM s MINID <id>` below &lt;id>.', '```ts', 'if (a < b) {}', '```', 'Then ``a<b`` and &lt;b>.'].join('\n'),
    );
  });
});

describe('lab pages', () => {
  test.each(labPages(labs, () => true).map((p, i) => [p.params.name, p.content, labs[i]] as const))('%s: title, summary, README body, run command', (name, page, lab) => {
    expect(page).toContain(`npm run lab -- ${name}`);
    expect(page).toContain(escapeHtmlOutsideCode(lab?.description.trim().split('\n')[0] ?? ''));
    expect(page).toContain('/chapters/');
  });
});

describe('the catalog the components receive', () => {
  const view = buildCatalogView(tracks, labs);

  test('lists every chapter in order, with a URL only for written ones', () => {
    expect(view.chapters.map((c) => c.id)).toEqual(CHAPTER_IDS);
    for (const chapter of view.chapters) expect(chapter.url === undefined, chapter.id).toBe(!readChapterExists(chapter.id as ChapterId));
  });

  test('links each exercise and lab to its generated page', () => {
    expect(view.tracks.flatMap((t) => t.exercises.map((e) => e.url))).toEqual(exercises.map((e) => `/exercises/${e.id}`));
    expect(view.labs.map((l) => [l.url, l.command])).toEqual(labs.map((l) => [`/labs/${l.name}`, `npm run lab -- ${l.name}`]));
  });

  test('carries no statement or hint text to the browser', () => {
    const json = JSON.stringify(view);
    for (const exercise of exercises) for (const hint of exercise.hints) expect(json).not.toContain(hint);
  });

  test('links to unwritten chapters do not fail the build, others still do', () => {
    const ignore = linksToUnwrittenChapters();
    const unwritten = CHAPTER_IDS.filter((id) => !readChapterExists(id));
    for (const id of unwritten) expect(ignore(`./${id}`) && ignore(`/chapters/${id}`), id).toBe(true);
    expect(ignore('./no-such-chapter')).toBe(false);
    expect(ignore('/exercises/nowhere')).toBe(false);
  });
});

describe('the dev server reloads generated pages', () => {
  test('when an exercise or lab README changes, not when the learner saves their code', () => {
    const exercise = exercises[0];
    const lab = labs[0];
    if (!exercise || !lab) throw new Error('the workbook needs an exercise and a lab');
    expect(isCatalogReadme(join(exercise.dir, 'README.md'))).toBe(true);
    expect(isCatalogReadme(join(exercise.dir, '..', 'README.md')), 'a track README').toBe(true);
    expect(isCatalogReadme(join(lab.dir, 'README.md'))).toBe(true);
    for (const file of exercise.files) expect(isCatalogReadme(join(exercise.dir, file)), file).toBe(false);
    expect(isCatalogReadme(join(DOCS_DIR, 'README.md'))).toBe(false);
  });
});

describe('local search', () => {
  test('indexes a generated exercise page, whose .md file does not exist, from the catalog', async () => {
    const exercise = exercises[0];
    if (!exercise) throw new Error('the workbook has no exercise');
    const sections = await searchSections(join(DOCS_DIR, 'exercises', `${exercise.id}.md`), '');
    expect(sections[0]?.titles, 'the kind of page leads the breadcrumb').toEqual(['Exercise', exercise.title]);
    expect(sections.map((s) => s.anchor)).toEqual(expect.arrayContaining(['the-task', 'work-on-it', 'hints']));
    const task = sections.find((s) => s.anchor === 'the-task');
    expect(task?.titles).toEqual(['Exercise', exercise.title, 'The task']);
    expect(task?.text).toContain(exercise.statement.split('\n')[0]?.replace(/[`*]/g, '').slice(0, 30));
  });

  test('indexes code as plain text (no highlighting), and skips pages with search: false', async () => {
    const md = await createMarkdownRenderer(DOCS_DIR);
    const env = (): MarkdownEnv => ({ path: join(DOCS_DIR, 'x.md'), relativePath: 'x.md', cleanUrls: true });
    const html = renderForSearch('## Read\n\n```ts\nawait redis.xreadgroup("GROUP", g);\n```\n', env(), md);
    expect(html).toContain('xreadgroup');
    expect(html, 'the block is indexed as plain text, not highlighted as TypeScript').toContain('language-txt');
    expect(renderForSearch('---\nsearch: false\n---\n## Hidden\n\ntext\n', env(), md)).toBe('');
  });

  test('splits a written page one entry per heading, with the headings above it', async () => {
    const md = await createMarkdownRenderer(DOCS_DIR);
    const html = md.render('# Kafka\n\nIntro.\n\n## Topics\n\nLogs.\n\n### Partitions\n\nOrdered.\n\n## Groups\n\nShare.\n', {});
    expect(await searchSections(join(DOCS_DIR, 'chapters', 'kafka.md'), html)).toEqual([
      { anchor: 'kafka', titles: ['Chapter', 'Kafka'], text: expect.stringContaining('Intro.') },
      { anchor: 'topics', titles: ['Chapter', 'Kafka', 'Topics'], text: expect.stringContaining('Logs.') },
      { anchor: 'partitions', titles: ['Chapter', 'Kafka', 'Topics', 'Partitions'], text: expect.stringContaining('Ordered.') },
      { anchor: 'groups', titles: ['Chapter', 'Kafka', 'Groups'], text: expect.stringContaining('Share.') },
    ]);
    expect(['chapters/kafka.md', 'exercises/04_kafka/01_x.md', 'labs/kafka-rebalance.md', 'labs/index.md', 'index.md'].map(pageKind)).toEqual(['Chapter', 'Exercise', 'Lab', undefined, undefined]);
  });
});

describe('mermaid fences', () => {
  test('become <MermaidDiagram> with the source URI-encoded (drawn in the page when no drawing is cached); other fences stay code', async () => {
    const md = await createMarkdownRenderer(DOCS_DIR, { config: mermaidFence });
    const source = 'flowchart LR\n  P["Publisher"] -->|"{{ x }}"| S\n';
    const html = md.render(`\`\`\`mermaid\n${source}\`\`\`\n\n\`\`\`ts\nconst a = 1;\n\`\`\`\n`, {});
    const code = /<MermaidDiagram code="([^"]+)" diagram-key="[0-9a-f]{16}" \/>/.exec(html)?.[1];
    expect(code && decodeURIComponent(code)).toBe(source);
    expect(html).toContain('language-ts');
    expect(html).not.toContain('{{');
  });

  test('are counted, also with longer fences, and not inside other fences', () => {
    expect(countMermaidBlocks('```mermaid\na\n```\n````md\n```mermaid\nb\n```\n````\n~~~mermaid\nc\n~~~\n')).toBe(2);
  });
});

describe('the progress the dev server reports', () => {
  const file = join(scratch, 'progress.json');

  test('lists the exercises done and the current one', () => {
    writeFileSync(file, JSON.stringify({ version: 1, current: 'b', exercises: { a: { done: true, hintsShown: 1 }, b: { done: false, hintsShown: 0 } } }));
    expect(readSiteProgress(file)).toEqual({ done: ['a'], current: 'b' });
  });

  test('is empty, not an error, when the file is missing or damaged', () => {
    expect(readSiteProgress(join(scratch, 'none.json'))).toEqual({ done: [] });
    writeFileSync(file, '{ not json');
    expect(readSiteProgress(file)).toEqual({ done: [] });
  });
});

describe('npm start when the site cannot start', () => {
  test('reports the error in one line, with the location when the first line only announces it', () => {
    expect(firstLine('Build failed with 1 error:\ndocs/.vitepress/config.ts:58:22: ERROR: Unexpected ";"\n  58 | export const broken = ;')).toBe(
      'Build failed with 1 error: docs/.vitepress/config.ts:58:22: ERROR: Unexpected ";"',
    );
    expect(firstLine('exercises/01_t/README.md is missing.\n    at readMarkdown')).toBe('exercises/01_t/README.md is missing.');
  });
});

describe('the static server used by the browser test and the budget', () => {
  const root = join(scratch, 'dist');
  mkdirSync(join(root, 'chapters'), { recursive: true });
  mkdirSync(join(root, 'labs'), { recursive: true });
  for (const f of ['index.html', 'chapters/kafka.html', 'labs/index.html']) writeFileSync(join(root, f), f);

  test.each([
    ['/', 'index.html'],
    ['/chapters/kafka', 'chapters/kafka.html'],
    ['/chapters/kafka.html', 'chapters/kafka.html'],
    ['/chapters/kafka?x=1#part', 'chapters/kafka.html'],
    ['/labs/', 'labs/index.html'],
    ['/labs', 'labs/index.html'],
  ])('%s → %s', (url, file) => {
    expect(resolveStaticPath(root, url)).toBe(join(root, file));
  });

  test.each(['/nowhere', '/../package.json', '/%2e%2e/package.json', '/%E0%A4%A'])('%s → 404', (url) => {
    expect(resolveStaticPath(root, url)).toBeUndefined();
  });
});

const readChapterExists = (id: ChapterId): boolean => existsSync(chapterFile(id));
