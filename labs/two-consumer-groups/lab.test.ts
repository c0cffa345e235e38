import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('each group gets every entry, consumers of one group share them, and each group keeps its own pending list and lag', async () => {
  const { findings, output } = await runLabForTest(lab);
  const { orders, received } = findings;
  const billing = [...(received['billing-1'] ?? []), ...(received['billing-2'] ?? [])];

  expect(received['emails-1'], 'the emails group received every order').toEqual(orders);
  expect([...billing].sort(), 'billing-1 and billing-2 together received every order').toEqual([...orders].sort());
  expect(new Set(billing).size, 'no order went to both billing consumers').toBe(orders.length);
  expect(received['billing-1'], 'taking turns, each billing consumer got half').toHaveLength(3);

  const afterAcks = Object.fromEntries(findings.afterAcks.map((g) => [g.name, g]));
  expect(afterAcks.billing, 'billing acknowledged everything').toMatchObject({ consumers: 2, pending: 0, lag: 0, lastDeliveredId: orders.at(-1) });
  expect(afterAcks.emails, 'emails still has 4 pending, whatever billing did').toMatchObject({ consumers: 1, pending: 4, lag: 0, lastDeliveredId: orders.at(-1) });

  const afterNew = Object.fromEntries(findings.afterNewEntries.map((g) => [g.name, g]));
  expect(afterNew.billing?.lag, 'two new entries nobody has read').toBe(2);
  expect(afterNew.emails?.lag).toBe(2);

  expect(output, 'the story prints who received what').toContain('billing-1 received 3: A-1, A-3, A-5');
  expect(output).toContain('billing-2 received 3: A-2, A-4, A-6');
  expect(output).toContain('emails-1  received 6: A-1, A-2, A-3, A-4, A-5, A-6');
  expect(output, 'and the XINFO GROUPS lines it measured').toContain(`emails   consumers 1  pending 4  last-delivered ${orders.at(-1)}  lag 0`);
  expect(output).toContain(`billing  consumers 2  pending 0  last-delivered ${orders.at(-1)}  lag 2`);
});
