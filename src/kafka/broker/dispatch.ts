import type { Handler } from './context.ts';
import { handleApiVersions } from './handlers/api-versions.ts';
import { handleAlterConfigs, handleDescribeConfigs, handleIncrementalAlterConfigs } from './handlers/configs.ts';
import { handleDeleteRecords } from './handlers/delete-records.ts';
import { handleFetch } from './handlers/fetch.ts';
import { handleFindCoordinator } from './handlers/find-coordinator.ts';
import { handleDeleteGroups, handleDescribeGroups, handleListGroups } from './handlers/group-admin.ts';
import { handleHeartbeat, handleJoinGroup, handleLeaveGroup, handleSyncGroup } from './handlers/group-membership.ts';
import { handleInitProducerId } from './handlers/init-producer-id.ts';
import { handleListOffsets } from './handlers/list-offsets.ts';
import { handleMetadata } from './handlers/metadata.ts';
import { handleOffsetCommit, handleOffsetDelete, handleOffsetFetch } from './handlers/offsets.ts';
import { handleProduce } from './handlers/produce.ts';
import { handleCreatePartitions, handleCreateTopics, handleDeleteTopics } from './handlers/topics.ts';
import { handleAddOffsetsToTxn, handleAddPartitionsToTxn, handleEndTxn, handleTxnOffsetCommit } from './handlers/transactions.ts';
import { ApiKey } from './protocol/api-keys.ts';

/** One handler per advertised API (api-versions.ts lists the versions). */
export const HANDLERS: Readonly<Record<ApiKey, Handler>> = {
  [ApiKey.Produce]: handleProduce,
  [ApiKey.Fetch]: handleFetch,
  [ApiKey.ListOffsets]: handleListOffsets,
  [ApiKey.Metadata]: handleMetadata,
  [ApiKey.OffsetCommit]: handleOffsetCommit,
  [ApiKey.OffsetFetch]: handleOffsetFetch,
  [ApiKey.FindCoordinator]: handleFindCoordinator,
  [ApiKey.JoinGroup]: handleJoinGroup,
  [ApiKey.Heartbeat]: handleHeartbeat,
  [ApiKey.LeaveGroup]: handleLeaveGroup,
  [ApiKey.SyncGroup]: handleSyncGroup,
  [ApiKey.DescribeGroups]: handleDescribeGroups,
  [ApiKey.ListGroups]: handleListGroups,
  [ApiKey.ApiVersions]: handleApiVersions,
  [ApiKey.CreateTopics]: handleCreateTopics,
  [ApiKey.DeleteTopics]: handleDeleteTopics,
  [ApiKey.DeleteRecords]: handleDeleteRecords,
  [ApiKey.InitProducerId]: handleInitProducerId,
  [ApiKey.AddPartitionsToTxn]: handleAddPartitionsToTxn,
  [ApiKey.AddOffsetsToTxn]: handleAddOffsetsToTxn,
  [ApiKey.EndTxn]: handleEndTxn,
  [ApiKey.TxnOffsetCommit]: handleTxnOffsetCommit,
  [ApiKey.CreatePartitions]: handleCreatePartitions,
  [ApiKey.DeleteGroups]: handleDeleteGroups,
  [ApiKey.DescribeConfigs]: handleDescribeConfigs,
  [ApiKey.AlterConfigs]: handleAlterConfigs,
  [ApiKey.IncrementalAlterConfigs]: handleIncrementalAlterConfigs,
  [ApiKey.OffsetDelete]: handleOffsetDelete,
};
