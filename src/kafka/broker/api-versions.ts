/**
 * The versions this broker advertises in ApiVersions: each API up to its highest non-flexible
 * version (flexible versions carry tagged fields, which this broker does not parse). Clients that
 * know newer versions (the Java client, librdkafka) settle on these.
 */
import { ApiKey } from './protocol/api-keys.ts';

export interface VersionRange {
  key: ApiKey;
  min: number;
  max: number;
}

export const SUPPORTED_VERSIONS: readonly VersionRange[] = [
  // Produce v3 is the first to carry record batches (magic v2), the only format stored here.
  { key: ApiKey.Produce, min: 3, max: 8 },
  // Fetch v4 is the first whose clients must read magic v2 batches.
  { key: ApiKey.Fetch, min: 4, max: 11 },
  { key: ApiKey.ListOffsets, min: 0, max: 5 },
  { key: ApiKey.Metadata, min: 0, max: 8 },
  { key: ApiKey.OffsetCommit, min: 0, max: 7 },
  { key: ApiKey.OffsetFetch, min: 0, max: 5 },
  { key: ApiKey.FindCoordinator, min: 0, max: 2 },
  { key: ApiKey.JoinGroup, min: 0, max: 5 },
  { key: ApiKey.Heartbeat, min: 0, max: 3 },
  { key: ApiKey.LeaveGroup, min: 0, max: 3 },
  { key: ApiKey.SyncGroup, min: 0, max: 3 },
  { key: ApiKey.DescribeGroups, min: 0, max: 4 },
  { key: ApiKey.ListGroups, min: 0, max: 2 },
  { key: ApiKey.ApiVersions, min: 0, max: 2 },
  { key: ApiKey.CreateTopics, min: 0, max: 4 },
  { key: ApiKey.DeleteTopics, min: 0, max: 3 },
  { key: ApiKey.DeleteRecords, min: 0, max: 1 },
  { key: ApiKey.InitProducerId, min: 0, max: 1 },
  { key: ApiKey.AddPartitionsToTxn, min: 0, max: 2 },
  { key: ApiKey.AddOffsetsToTxn, min: 0, max: 2 },
  { key: ApiKey.EndTxn, min: 0, max: 2 },
  { key: ApiKey.TxnOffsetCommit, min: 0, max: 2 },
  { key: ApiKey.CreatePartitions, min: 0, max: 1 },
  { key: ApiKey.DeleteGroups, min: 0, max: 1 },
  { key: ApiKey.DescribeConfigs, min: 0, max: 3 },
  { key: ApiKey.AlterConfigs, min: 0, max: 1 },
  { key: ApiKey.IncrementalAlterConfigs, min: 0, max: 0 },
  { key: ApiKey.OffsetDelete, min: 0, max: 0 },
];

const byKey = new Map<number, VersionRange>(SUPPORTED_VERSIONS.map((range) => [range.key, range]));

export function versionRange(key: number): VersionRange | undefined {
  return byKey.get(key);
}
