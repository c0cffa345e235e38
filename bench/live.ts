/**
 * What an open live page costs the learner's loop (issue 16, item 5: save → verdict may grow by at
 * most 10 % with the page open). Runs the real `npm start` in a sandbox copy of the workbook and
 * times save → verdict in blocks of saves with no live page, then with one open (the events
 * stream, as /broker/ holds it), alternating so the machine's drift hits both alike, after a
 * block of warm-up saves that count for neither (the first runs are the slowest).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../src/catalog/paths.ts';
import { percentile } from '../src/labs/lab.ts';
import { openEvents, type EventsClient } from '../src/live/live-test-kit.ts';
import { LIVE_TOKEN_META } from '../src/live/protocol.ts';
import { CliProcess, createSandbox } from '../src/testing/sandbox.ts';

const BLOCKS = Number(process.env.BENCH_LIVE_BLOCKS ?? 3);
const SAVES_PER_BLOCK = 5;
const EXERCISE = '01_redis_pubsub/01_separate_connections';

export interface LiveCostResult {
  saves: number;
  closedMedianMs: number;
  openMedianMs: number;
  /** open / closed − 1, in percent. */
  growthPercent: number;
  snapshotsWhileOpen: number;
}

export async function benchLiveCost(): Promise<LiveCostResult> {
  const sandbox = createSandbox();
  cpSync(join(ROOT, 'docs'), join(sandbox.root, 'docs'), { recursive: true, filter: (source) => !/[\\/]\.vitepress[\\/](cache|dist)([\\/]|$)/.test(source) });
  const start = new CliProcess(sandbox, ['src/cli/start.ts', '--port', '0']);
  try {
    const [, url = '', port = ''] = await start.expect(/Site: (http:\/\/127\.0\.0\.1:(\d+)\/)/, 60_000, 'the site address');
    await start.expect(/verdict: \w+/, 120_000, 'the first verdict');
    const page = await (await fetch(new URL('/exercises/', url))).text();
    const token = new RegExp(`<meta name="${LIVE_TOKEN_META}" content="([\\w-]+)"`).exec(page)?.[1];
    if (!token) throw new Error('the served page carries no live token');

    const file = join(sandbox.root, 'exercises', EXERCISE, 'bus.ts');
    const versions = [readFileSync(join(sandbox.root, 'solutions', EXERCISE, 'bus.ts'), 'utf8'), readFileSync(file, 'utf8')];
    const closed: number[] = [];
    const open: number[] = [];
    let saves = 0;
    let snapshots = 0;
    // Each save alternates the two versions, so every save changes the file.
    for (let i = 0; i < SAVES_PER_BLOCK; i++) {
      writeFileSync(file, versions[saves++ % 2] as string);
      await start.expect(/verdict: \w+ in \d+ ms/, 30_000, `the verdict after warm-up save ${saves}`);
    }
    for (let block = 0; block < BLOCKS * 2; block++) {
      const withPage = block % 2 === 1;
      let live: EventsClient | undefined;
      if (withPage) {
        live = await openEvents(Number(port), token);
        await live.events.waitUntil((e) => e.type === 'snapshot' && e.data.redis.state === 'ready' && e.data.kafka.state === 'ready', 15_000, 'a first snapshot');
      }
      for (let i = 0; i < SAVES_PER_BLOCK; i++) {
        const started = performance.now();
        writeFileSync(file, versions[saves++ % 2] as string);
        await start.expect(/verdict: \w+ in \d+ ms/, 30_000, `the verdict after save ${saves}`);
        (withPage ? open : closed).push(performance.now() - started);
      }
      if (live) {
        snapshots += live.events.items.filter((e) => e.type === 'snapshot').length;
        live.close();
      }
    }
    start.send('q');
    await start.exited;
    const median = (values: number[]): number => Math.round(percentile([...values].sort((a, b) => a - b), 50));
    const closedMedianMs = median(closed);
    const openMedianMs = median(open);
    return { saves: closed.length + open.length, closedMedianMs, openMedianMs, growthPercent: Math.round((openMedianMs / closedMedianMs - 1) * 1000) / 10, snapshotsWhileOpen: snapshots };
  } finally {
    start.child.kill('SIGKILL');
    sandbox.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchLiveCost();
  console.log(`save → verdict under npm start over ${r.saves} saves: median ${r.closedMedianMs} ms with no live page, ${r.openMedianMs} ms with one open (${r.growthPercent >= 0 ? '+' : ''}${r.growthPercent} %; ${r.snapshotsWhileOpen} snapshots received)`);
}
