/**
 * Lab sample outputs (issue 13, item 5): every lab has one, its page shows it with the command
 * that runs it, and the shape check lets numbers vary but not what the lines say.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadLabs } from '../src/catalog/catalog.ts';
import { checkSample, lineShape, outputShape, readSample } from '../src/labs/sample-output.ts';
import { labPages } from '../src/site/catalog-pages.ts';
import { isCatalogReadme } from '../src/site/catalog-reload-plugin.ts';
import { labSampleSection } from '../src/site/lab-sample-section.ts';

const labs = loadLabs();

describe('lab sample outputs', () => {
  test.each(labs.map((l) => [l.name]))('%s has a recorded sample, shown on its page under the command that runs it', (name) => {
    const sample = readSample(name);
    expect(sample, `labs/${name}/sample-output.txt is missing: npm run labs:samples -- ${name}`).toBeTruthy();
    const page = labPages(labs, () => true).find((p) => p.params.name === name)?.content ?? '';
    expect(page).toContain('## What it prints');
    expect(page).toContain(`npm run lab -- ${name}`);
    expect(page).toContain(sample?.split('\n')[0]);
    expect(page).toMatch(/one run/);
  });

  test('a sample holding backticks gets a longer fence, so it cannot end the code block early', () => {
    const lab = labs[0]!;
    const section = labSampleSection(lab, 'a ``` b');
    expect(section).toContain('````text\na ``` b\n````');
  });

  test('numbers, ids and generated names do not count; words do', () => {
    expect(lineShape('  PUBLISH lab:late:4f1f00e8 m1  →  0 receivers')).toBe('PUBLISH lab:late:# # → # receiver');
    expect(lineShape('p50 1,234.5 µs, took 12:30:01')).toBe('# # µs, took #');
    expect(lineShape('received: m4, m5, m6, m7')).toBe(lineShape('received: m4, m5'));
    expect(lineShape('id 0b6c2a52-83c5-4c38-9a0e-3f1f6e3c1d2a done')).toBe('id # done');
    expect(lineShape('→ 0 receivers')).toBe(lineShape('→ 1 receiver'));
    expect(lineShape('1 receiver')).not.toBe(lineShape('1 subscriber'));
  });

  test('a run of lines of the same shape counts once (a line per message, however many messages)', () => {
    expect(outputShape('start\n  sent m1\n  sent m2\n  sent m3\nend')).toEqual(['start', 'sent #', 'end']);
  });

  test('a lab whose output changed fails its check, naming the command that refreshes the sample', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-samples-'));
    mkdirSync(join(dir, 'demo'));
    writeFileSync(join(dir, 'demo', 'sample-output.txt'), 'Published 3 messages\nThe subscriber received 2\n');
    expect(() => checkSample('demo', 'Published 7 messages\nThe subscriber received 7', dir)).not.toThrow();
    expect(() => checkSample('demo', 'Published 7 messages\nThe consumer received 7', dir)).toThrow(
      /labs\/demo\/sample-output\.txt no longer matches.*"The subscriber received #".*"The consumer received #".*npm run labs:samples -- demo/,
    );
    expect(() => checkSample('demo', 'Published 7 messages', dir)).toThrow(/this run printed nothing more/);
    expect(() => checkSample('absent', 'x', dir)).toThrow(/labs\/absent\/sample-output\.txt is missing.*npm run labs:samples -- absent/);
  });

  test('the dev server rebuilds a lab page when its sample is refreshed', () => {
    const lab = labs[0]!;
    expect(isCatalogReadme(join(lab.dir, 'sample-output.txt'))).toBe(true);
    expect(isCatalogReadme(join(lab.dir, 'lab.ts'))).toBe(false);
  });
});
