import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('a crash between saving and publishing loses events; with an outbox nothing is lost', async () => {
  const { findings, output } = await runLabForTest(lab, { ordersBeforeCrash: 500, concurrency: 50 });
  const { naive, outbox } = findings;

  expect(naive.orders, 'the naive service saved orders before it was killed').toBeGreaterThanOrEqual(500);
  expect(naive.lost, 'orders saved whose OrderCreated never reached the broker').toBeGreaterThan(0);
  expect(naive.lost).toBe(naive.orders - naive.events + naive.ghosts);
  expect(outbox.orders).toBeGreaterThanOrEqual(500);
  expect(outbox.lost, 'with the outbox every saved order has its event').toBe(0);
  expect(outbox.ghosts, 'and no event speaks of an order that was not saved').toBe(0);
  expect(outbox.events).toBe(outbox.orders);
  expect(output, 'the lab prints what it counted').toContain(`${naive.lost} orders no other service will ever hear about`);
  expect(output).toContain(`${outbox.lost} lost, ${outbox.ghosts} ghosts`);
});
