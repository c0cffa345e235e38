/**
 * ARCHITECTURE.md lists the versions the embedded broker advertises; this keeps that list true by
 * asking the broker itself (ApiVersions v2 on the wire) and comparing, API by API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROOT } from '../../catalog/paths.ts';
import { startEmbeddedKafka, type EmbeddedKafka } from './index.ts';
import { ApiKey, apiName } from './protocol/api-keys.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { RawClient } from './testing/raw-client.ts';

let broker: EmbeddedKafka;
let client: RawClient;

beforeAll(async () => {
  broker = await startEmbeddedKafka({ log: () => {} });
  client = await RawClient.connect(broker.bootstrap);
});

afterAll(async () => {
  client.close();
  await broker.stop();
});

/** "Produce 3-8, Fetch 4-11, ..., OffsetDelete 0": the sentence after "highest **non-flexible** version". */
function documentedVersions(): Map<string, string> {
  const text = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const match = /not parse\): ([\s\S]+?)\. Differences/.exec(text);
  if (!match?.[1]) throw new Error('ARCHITECTURE.md no longer has the list of advertised versions ("...which it does not parse): Produce 3-8, ...")');
  return new Map(match[1].split(',').map((entry) => entry.trim().split(/\s+/) as [string, string]));
}

test('ARCHITECTURE.md lists exactly the API versions the broker advertises in ApiVersions', async () => {
  const body = await client.request(ApiKey.ApiVersions, 2, () => {});
  expect(body.int16()).toBe(ErrorCode.NONE);
  const advertised = new Map(
    body.array(6, (r) => {
      const [key, min, max] = [r.int16(), r.int16(), r.int16()];
      return [apiName(key), min === max ? String(min) : `${min}-${max}`] as const;
    }),
  );
  expect(documentedVersions()).toEqual(advertised);
});
