/**
 * `npm run lab -- <name>` runs a lab; `npm run lab -- --list` lists them.
 */
import { parseArgs } from 'node:util';
import { loadLabs } from '../catalog/catalog.ts';
import { chapterTitle } from '../catalog/chapters.ts';
import { WorkbookError } from '../harness/errors.ts';
import { runLab } from '../labs/run-lab.ts';
import { accent, bold, dim } from '../learn/style.ts';
import { main } from './main.ts';

main(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { list: { type: 'boolean', short: 'l' } } });
  const labs = loadLabs();
  const [name] = positionals;
  if (values.list || !name) {
    const width = Math.max(...labs.map((l) => l.name.length));
    console.log(bold('Labs') + dim(' — run one with `npm run lab -- <name>`\n'));
    for (const lab of labs) console.log(`  ${accent(lab.name.padEnd(width))}  ${lab.summary} ${dim(`[${lab.broker} · ${chapterTitle(lab.chapter)}]`)}`);
    return 0;
  }
  const lab = labs.find((l) => l.name === name);
  if (!lab) throw new WorkbookError(`No lab called "${name}". \`npm run lab -- --list\` shows them.`);
  console.log(`${bold(lab.title)}\n${dim(lab.summary)}\n`);
  await runLab(lab, (line) => console.log(line));
  return 0;
});
