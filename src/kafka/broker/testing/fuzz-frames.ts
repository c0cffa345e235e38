/**
 * Frames for the broker fuzz test, from a seeded generator so any failure can be replayed.
 *
 * Most frames are well-formed requests of every advertised API and version, with hostile field
 * values (negative sizes, unknown topics, invalid names, corrupt batches): the broker must answer
 * each one. A connection ends with one frame meant to break it: random bytes, a valid header over a
 * garbage body, a truncated or byte-flipped request, a length prefix that lies, or an absurd length.
 */
import { SUPPORTED_VERSIONS } from '../api-versions.ts';
import { ApiKey } from '../protocol/api-keys.ts';
import type { Writer } from '../protocol/writer.ts';
import { encodeBatch } from '../record-batch.ts';
import { encodeRequest } from './raw-client.ts';

/** mulberry32: small, fast, good enough to spread choices. */
export class Random {
  constructor(private state: number) {}

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }
}

const TOPICS = ['fuzz-a', 'fuzz-b', 'fuzz-c', 'fuzz-d', '', '.', 'bad name', 'ü', 'x'.repeat(250)];
const GROUPS = ['fuzz-g1', 'fuzz-g2', 'fuzz-g3', ''];
const MEMBERS = ['', 'member-1', 'unknown'];
const INT32S = [0, 1, -1, 2, 3, 100, 2 ** 31 - 1, -(2 ** 31)];
const OFFSETS = [-1, -2, -3, 0, 1, 5, 1000, 2 ** 40];
const CONFIG_NAMES = ['retention.ms', 'retention.bytes', 'max.message.bytes', 'cleanup.policy', 'no.such.config'];

export interface FuzzRequest {
  frame: Buffer;
  /** False for Produce with acks=0, which is never answered. */
  answered: boolean;
}

export class FrameFactory {
  private correlationId = 0;

  constructor(private readonly random: Random) {}

  /** A well-formed request of a random API at a random advertised version. */
  request(): FuzzRequest {
    const range = this.random.pick(SUPPORTED_VERSIONS);
    const version = range.min + this.random.int(range.max - range.min + 1);
    let answered = true;
    const frame = encodeRequest(range.key, version, this.correlationId++, (w) => {
      answered = this.body(w, range.key, version);
    }, this.random.pick(['fuzzer', '', 'client-ü']));
    return { frame, answered };
  }

  /** A frame that should close the connection (or, rarely, happens to be valid). */
  breaker(): Buffer {
    const r = this.random;
    switch (r.int(7)) {
      case 0: {
        const body = r.bytes(r.int(120));
        return Buffer.concat([sizePrefix(body.length), body]);
      }
      case 1: {
        const range = r.pick(SUPPORTED_VERSIONS);
        const frame = encodeRequest(range.key, range.min + r.int(range.max - range.min + 1), this.correlationId++, (w) => w.raw(r.bytes(r.int(200))));
        return frame;
      }
      case 2: {
        const whole = this.request().frame;
        const cut = 14 + r.int(Math.max(1, whole.length - 14));
        const truncated = Buffer.from(whole.subarray(0, cut));
        truncated.writeInt32BE(cut - 4, 0);
        return truncated;
      }
      case 3: {
        // The prefix promises more than ever arrives: the broker waits, then sees the client hang up.
        const whole = Buffer.from(this.request().frame);
        whole.writeInt32BE(whole.length - 4 + 1 + r.int(1000), 0);
        return whole;
      }
      case 4:
        return sizePrefix(r.pick([2 ** 31 - 1, 100 * 1024 * 1024 + 1, -1, -(2 ** 31), 0, 3]));
      case 5: {
        // A few flipped bytes after the header: counts and lengths that lie from inside the body.
        const mutated = Buffer.from(this.request().frame);
        for (let i = 1 + r.int(4); i > 0 && mutated.length > 14; i--) {
          const at = 14 + r.int(mutated.length - 14);
          mutated.writeUInt8(r.pick([0x00, 0xff, 0x7f, 0x80, r.int(256)]), at);
        }
        return mutated;
      }
      default:
        return Buffer.alloc(0);
    }
  }

  /** Writes a body for `key` at `version`; answers whether the broker will respond. */
  private body(w: Writer, key: ApiKey, version: number): boolean {
    const r = this.random;
    const topic = (): string => r.pick(TOPICS);
    const group = (): string => r.pick(GROUPS);
    const int32 = (): number => r.pick(INT32S);
    const small = (max: number): number => r.int(max);
    const some = <T>(max: number, item: () => T): T[] => Array.from({ length: r.int(max + 1) }, item);
    switch (key) {
      case ApiKey.ApiVersions:
        return true;
      case ApiKey.Metadata: {
        const topics = some(3, topic);
        if (version >= 1 && r.chance(0.2)) w.int32(-1);
        else w.array(topics, (w, t) => w.string(t));
        if (version >= 4) w.bool(r.chance(0.5));
        if (version >= 8) w.bool(r.chance(0.5)).bool(r.chance(0.5));
        return true;
      }
      case ApiKey.Produce: {
        const acks = r.pick([-1, 1, 1, 0, 2]);
        w.nullableString(r.chance(0.9) ? null : 'txn').int16(acks).int32(int32());
        w.array(some(2, topic), (w, t) =>
          w.string(t).array(some(2, () => r.pick([0, 1, 2, -1, 7])), (w, p) => w.int32(p).nullableBytes(this.records())),
        );
        return acks !== 0;
      }
      case ApiKey.Fetch: {
        // Byte limits stay small: the point is parsing and error paths, not shipping megabytes around.
        const byteLimit = (): number => r.pick([0, 1, 100, 1000, -1, -(2 ** 31)]);
        w.int32(r.pick([-1, 0, 1])).int32(small(20)).int32(r.pick([0, 1, 1_000_000])).int32(byteLimit());
        w.int8(r.pick([0, 1, 7]));
        if (version >= 7) w.int32(r.pick([0, 0, 0, 5])).int32(r.pick([-1, 0, 3]));
        w.array(some(2, topic), (w, t) =>
          w.string(t).array(some(3, () => r.pick([0, 1, 2, -1])), (w, p) => {
            w.int32(p);
            if (version >= 9) w.int32(r.pick([-1, 0, 5]));
            w.int64(r.pick(OFFSETS));
            if (version >= 5) w.int64(-1);
            w.int32(byteLimit());
          }),
        );
        if (version >= 7) w.array(some(1, topic), (w, t) => w.string(t).int32Array(some(2, int32)));
        if (version >= 11) w.string(r.pick(['', 'rack-1']));
        return true;
      }
      case ApiKey.ListOffsets: {
        w.int32(-1);
        if (version >= 2) w.int8(r.pick([0, 1]));
        w.array(some(2, topic), (w, t) =>
          w.string(t).array(some(2, () => r.pick([0, 1, -1])), (w, p) => {
            w.int32(p);
            if (version >= 4) w.int32(r.pick([-1, 0, 3]));
            w.int64(r.pick([-1, -2, -3, 0, Date.now(), 2 ** 50]));
            if (version === 0) w.int32(r.pick([0, 1, 10]));
          }),
        );
        return true;
      }
      case ApiKey.OffsetCommit: {
        w.string(group());
        if (version >= 1) w.int32(r.pick([-1, 0, 1, 2])).string(r.pick(MEMBERS));
        if (version >= 7) w.nullableString(r.pick([null, 'instance-1']));
        if (version >= 2 && version <= 4) w.int64(r.pick([-1, 1000]));
        w.array(some(2, topic), (w, t) =>
          w.string(t).array(some(2, () => r.pick([0, 1, -1])), (w, p) => {
            w.int32(p).int64(r.pick(OFFSETS));
            if (version >= 6) w.int32(r.pick([-1, 0]));
            if (version === 1) w.int64(-1);
            w.nullableString(r.pick([null, '', 'meta', 'm'.repeat(5000)]));
          }),
        );
        return true;
      }
      case ApiKey.OffsetFetch: {
        w.string(group());
        if (version >= 2 && r.chance(0.3)) w.int32(-1);
        else w.array(some(2, topic), (w, t) => w.string(t).int32Array(some(3, () => r.pick([0, 1, -1]))));
        return true;
      }
      case ApiKey.FindCoordinator:
        w.string(group());
        if (version >= 1) w.int8(r.pick([0, 1, 2]));
        return true;
      case ApiKey.JoinGroup: {
        const session = r.pick([0, 10, 50, 100]);
        w.string(group()).int32(session);
        if (version >= 1) w.int32(r.pick([0, 10, 50]));
        w.string(r.pick(MEMBERS));
        if (version >= 5) w.nullableString(r.pick([null, 'instance-1']));
        w.string(r.pick(['consumer', 'consumer', '', 'connect']));
        w.array(some(2, () => r.pick(['range', 'roundrobin', ''])), (w, name) => w.string(name).bytes(r.bytes(small(40))));
        return true;
      }
      case ApiKey.SyncGroup: {
        w.string(group()).int32(r.pick([-1, 0, 1, 2])).string(r.pick(MEMBERS));
        if (version >= 3) w.nullableString(r.pick([null, 'instance-1']));
        w.array(some(2, () => r.pick(MEMBERS)), (w, m) => w.string(m).bytes(r.bytes(small(20))));
        return true;
      }
      case ApiKey.Heartbeat:
        w.string(group()).int32(r.pick([-1, 0, 1])).string(r.pick(MEMBERS));
        if (version >= 3) w.nullableString(r.pick([null, 'instance-1']));
        return true;
      case ApiKey.LeaveGroup:
        w.string(group());
        if (version >= 3) w.array(some(2, () => r.pick(MEMBERS)), (w, m) => w.string(m).nullableString(r.pick([null, 'instance-1'])));
        else w.string(r.pick(MEMBERS));
        return true;
      case ApiKey.DescribeGroups:
        w.array(some(3, group), (w, g) => w.string(g));
        if (version >= 3) w.bool(r.chance(0.5));
        return true;
      case ApiKey.OffsetDelete:
        w.string(group()).array(some(2, topic), (w, t) => w.string(t).int32Array(some(2, () => r.pick([0, 1, -1]))));
        return true;
      case ApiKey.ListGroups:
        return true;
      case ApiKey.DeleteGroups:
        w.array(some(2, group), (w, g) => w.string(g));
        return true;
      case ApiKey.CreateTopics: {
        w.array(some(2, topic), (w, t) => {
          const assigned = r.chance(0.2);
          w.string(t).int32(assigned ? -1 : r.pick([-1, 0, 1, 2, 3, 20_000])).int16(assigned ? -1 : r.pick([-1, 0, 1, 2]));
          w.array(assigned ? some(2, () => 0) : [], (w, _, ) => w.int32(r.pick([0, 1, 5])).int32Array(some(2, () => r.pick([0, 1, -1]))));
          w.array(some(2, () => r.pick(CONFIG_NAMES)), (w, name) => w.string(name).nullableString(r.pick([null, '1000', '-1', 'abc'])));
        });
        w.int32(1000);
        if (version >= 1) w.bool(r.chance(0.3));
        return true;
      }
      case ApiKey.DeleteTopics:
        w.array(some(2, topic), (w, t) => w.string(t)).int32(1000);
        return true;
      case ApiKey.CreatePartitions:
        w.array(some(2, topic), (w, t) => {
          w.string(t).int32(r.pick([-1, 0, 1, 2, 4, 20_000]));
          if (r.chance(0.5)) w.int32(-1);
          else w.array(some(2, () => 0), (w) => w.int32Array(some(2, () => r.pick([0, 1, -1]))));
        });
        w.int32(1000).bool(r.chance(0.3));
        return true;
      case ApiKey.DeleteRecords:
        w.array(some(2, topic), (w, t) => w.string(t).array(some(2, () => r.pick([0, 1, -1])), (w, p) => w.int32(p).int64(r.pick(OFFSETS))));
        w.int32(1000);
        return true;
      case ApiKey.InitProducerId:
        w.nullableString(r.pick([null, null, 'txn', ''])).int32(r.pick([int32(), 60_000]));
        return true;
      case ApiKey.AddPartitionsToTxn:
        w.string(r.pick(['txn', ''])).int64(r.pick([-1, 0, 1])).int16(r.pick([-1, 0, 1]));
        w.array(some(2, topic), (w, t) => w.string(t).int32Array(some(2, () => r.pick([0, 1, -1]))));
        return true;
      case ApiKey.AddOffsetsToTxn:
        w.string(r.pick(['txn', ''])).int64(r.pick([-1, 0, 1])).int16(r.pick([-1, 0, 1])).string(group());
        return true;
      case ApiKey.EndTxn:
        w.string(r.pick(['txn', ''])).int64(r.pick([-1, 0, 1])).int16(r.pick([-1, 0, 1])).bool(r.chance(0.5));
        return true;
      case ApiKey.TxnOffsetCommit:
        w.string(r.pick(['txn', ''])).string(group()).int64(r.pick([-1, 0, 1])).int16(r.pick([-1, 0, 1]));
        w.array(some(2, topic), (w, t) =>
          w.string(t).array(some(2, () => r.pick([0, 1, -1])), (w, p) => {
            w.int32(p).int64(r.pick(OFFSETS));
            if (version >= 2) w.int32(r.pick([-1, 0]));
            w.nullableString(r.pick([null, '', 'meta', 'm'.repeat(5000)]));
          }),
        );
        return true;
      case ApiKey.DescribeConfigs: {
        w.array(some(2, () => r.pick([2, 4, 8, 0])), (w, type) => {
          w.int8(type).string(type === 4 ? r.pick(['0', '', '7', 'x']) : topic());
          if (r.chance(0.5)) w.int32(-1);
          else w.array(some(2, () => r.pick(CONFIG_NAMES)), (w, name) => w.string(name));
        });
        if (version >= 1) w.bool(r.chance(0.5));
        if (version >= 3) w.bool(r.chance(0.5));
        return true;
      }
      case ApiKey.AlterConfigs:
      case ApiKey.IncrementalAlterConfigs: {
        w.array(some(2, () => r.pick([2, 4, 0])), (w, type) => {
          w.int8(type).string(type === 4 ? r.pick(['0', '']) : topic());
          w.array(some(2, () => r.pick([...CONFIG_NAMES, 'log.retention.ms', 'num.partitions'])), (w, name) => {
            w.string(name);
            if (key === ApiKey.IncrementalAlterConfigs) w.int8(r.pick([0, 1, 2, 3, 9]));
            w.nullableString(r.pick([null, '1000', '-1', 'abc', 'compact']));
          });
        });
        w.bool(r.chance(0.5));
        return true;
      }
    }
  }

  /** Record bytes for Produce: valid batches, corrupt ones, two at once, random bytes, or null. */
  private records(): Buffer | null {
    const r = this.random;
    const valid = (): Buffer => encodeBatch(Array.from({ length: 1 + r.int(3) }, () => ({ value: r.bytes(r.int(30)) })));
    switch (r.int(7)) {
      case 0:
        return null;
      case 1:
        return r.bytes(r.int(100));
      case 2: {
        const corrupt = valid();
        const at = r.int(corrupt.length);
        corrupt.writeUInt8(corrupt.readUInt8(at) ^ (1 + r.int(255)), at);
        return corrupt;
      }
      case 3:
        return Buffer.concat([valid(), valid()]);
      case 4: {
        // Transactional (and now and then control) batches from producers that may or may not exist.
        const attributes = r.pick([0x10, 0x10, 0x30]);
        return encodeBatch([{ value: r.bytes(r.int(30)) }], { producerId: r.pick([0, 1, 7]), producerEpoch: r.pick([0, 1]), baseSequence: r.pick([0, 1]), attributes });
      }
      default:
        return valid();
    }
  }
}

function sizePrefix(size: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(size);
  return prefix;
}
