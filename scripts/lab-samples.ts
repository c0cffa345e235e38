/**
 * `npm run labs:samples [-- <name>...]` runs each lab (all of them, or those named) the way
 * `npm run lab` does, against its embedded broker, and writes what it printed to
 * `labs/<name>/sample-output.txt`: the sample its page shows and its test checks the shape of.
 */
import { loadLabs } from '../src/catalog/catalog.ts';
import { main } from '../src/cli/main.ts';
import { WorkbookError } from '../src/harness/errors.ts';
import { runLab } from '../src/labs/run-lab.ts';
import { writeSample } from '../src/labs/sample-output.ts';
import { dim } from '../src/learn/style.ts';

main(async () => {
  const labs = loadLabs();
  const names = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = names.filter((n) => !labs.some((l) => l.name === n));
  if (unknown.length > 0) throw new WorkbookError(`No lab called ${unknown.map((n) => `"${n}"`).join(', ')}. \`npm run lab -- --list\` shows them.`);
  const chosen = names.length > 0 ? labs.filter((l) => names.includes(l.name)) : labs;
  for (const lab of chosen) {
    const lines: string[] = [];
    const started = performance.now();
    await runLab(lab, (line) => lines.push(line), (line) => process.stderr.write(`${line}\n`));
    writeSample(lab.name, lines.join('\n'));
    console.log(`labs/${lab.name}/sample-output.txt  ${dim(`${lines.length} lines, ${((performance.now() - started) / 1000).toFixed(1)} s`)}`);
  }
  return 0;
});
