import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('partition leaders are spread over the brokers, and the client sends each request to the leader', async () => {
  const { findings, output } = await runLabForTest(lab);
  const leaderAddresses = new Set(Object.values(findings.leaders).map((node) => findings.addresses[node]));

  expect(Object.keys(findings.leaders)).toHaveLength(6);
  if (findings.brokers.length >= 3) expect(leaderAddresses.size, 'leaders on every broker').toBe(3);
  // Produce and Fetch went exactly to the brokers that lead something.
  expect(new Set(Object.keys(findings.produceRequests))).toEqual(leaderAddresses);
  expect(new Set(Object.keys(findings.fetchRequests))).toEqual(leaderAddresses);
  for (const [partition, node] of Object.entries(findings.leaders)) {
    expect(output).toContain(`partition ${partition}  leader node ${node}`);
  }
}, 60_000);
