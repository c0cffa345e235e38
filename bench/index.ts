/**
 * `npm run bench`: every benchmark, each reporting ratios measured in the same run. Numbers are
 * printed and written to artifacts/; nothing here asserts a threshold (the machines are noisy).
 *   npm run bench -- learn-loop     only one of them
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../src/catalog/paths.ts';
import { benchLearnLoop } from './learn-loop.ts';
import { benchLiveCost } from './live.ts';

const wanted = process.argv.slice(2);
const run = (name: string): boolean => wanted.length === 0 || wanted.includes(name);

if (run('learn-loop')) {
  console.log('== learner loop: save → verdict in watch mode ==');
  const result = await benchLearnLoop();
  console.log(`median ${result.medianMs} ms, p90 ${result.p90Ms} ms over ${result.saves} saves (min ${result.minMs}, max ${result.maxMs})`);
  mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
  writeFileSync(join(ROOT, 'artifacts', 'bench-learn-loop.json'), `${JSON.stringify(result, null, 2)}\n`);
}

if (run('live')) {
  console.log('\n== live view: save → verdict under npm start, with and without a live page open ==');
  const result = await benchLiveCost();
  console.log(`median ${result.closedMedianMs} ms without, ${result.openMedianMs} ms with a page open (${result.growthPercent} %) over ${result.saves} saves`);
  mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
  writeFileSync(join(ROOT, 'artifacts', 'bench-live.json'), `${JSON.stringify(result, null, 2)}\n`);
}

// The Kafka and site benchmarks start brokers, JVMs and browsers of their own: separate processes.
for (const [name, script] of [
  ['kafka', 'bench/kafka.ts'],
  ['site', 'bench/site.ts'],
] as const) {
  if (!run(name) || !existsSync(join(ROOT, script))) continue;
  console.log(`\n== ${name} ==`);
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, script)], { stdio: 'inherit', cwd: ROOT });
  if (result.status !== 0) process.exitCode = 1;
}
