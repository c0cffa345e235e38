// Mistake: the guide's high − committed with no special case: a group with no commit reports offset -1 and a lag one larger than the partition holds.
// Caught by: a group that has committed nothing will read everything (reset: earliest)
import type { Admin } from 'kafkajs';

export interface PartitionLag {
  partition: number;
  /** The group's committed offset, or null when it has committed nothing on this partition. */
  committed: number | null;
  /** The high watermark: the offset the next message appended to this partition will get. */
  end: number;
  /** Messages the group still has to read on this partition. */
  lag: number;
}

/** Where a consumer with no committed offset starts: Kafka's auto.offset.reset / kafkajs's fromBeginning. */
export type ResetPolicy = 'earliest' | 'latest';

export async function consumerLag(admin: Admin, groupId: string, topic: string, reset: ResetPolicy = 'earliest'): Promise<PartitionLag[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });

  return ends.map((end) => {
    const mine = committed?.partitions.find((p) => p.partition === end.partition);
    const offset = parseInt(mine?.offset ?? '0');
    return { partition: end.partition, committed: offset, end: parseInt(end.offset), lag: parseInt(end.offset) - offset };
  });
}
