import { describe, expect, it } from 'vitest';
import { kafkaListingOrder } from './partition-order.ts';

const singleBroker = (count: number, nodeId: number) =>
  Array.from({ length: count }, (_, partition) => ({ partition, leader: nodeId, replicas: [nodeId] }));

describe('kafkaListingOrder', () => {
  it('matches what Apache Kafka 3.9 listed for 4 partitions on node 1 (1,3,2,0)', () => {
    expect(kafkaListingOrder(singleBroker(4, 1)).map((p) => p.partition)).toEqual([1, 3, 2, 0]);
  });

  it('is not sorted on the embedded broker (node 0) either, and lists every partition once', () => {
    for (const count of [4, 6, 12, 40]) {
      const listed = kafkaListingOrder(singleBroker(count, 0)).map((p) => p.partition);
      expect(listed).not.toEqual([...listed].sort((a, b) => a - b));
      expect([...listed].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    }
  });
});
