/** Growable big-endian encoder for responses (and for requests in tests). */
export class Writer {
  private buffer: Buffer;
  private length = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  get size(): number {
    return this.length;
  }

  int8(value: number): this {
    this.reserve(1).writeInt8(value, this.length);
    this.length += 1;
    return this;
  }

  int16(value: number): this {
    this.reserve(2).writeInt16BE(value, this.length);
    this.length += 2;
    return this;
  }

  int32(value: number): this {
    this.reserve(4).writeInt32BE(value, this.length);
    this.length += 4;
    return this;
  }

  int64(value: number | bigint): this {
    this.reserve(8).writeBigInt64BE(BigInt(value), this.length);
    this.length += 8;
    return this;
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  string(value: string): this {
    const bytes = Buffer.byteLength(value, 'utf8');
    this.int16(bytes);
    this.reserve(bytes).write(value, this.length, 'utf8');
    this.length += bytes;
    return this;
  }

  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  bytes(value: Uint8Array): this {
    this.int32(value.length);
    return this.raw(value);
  }

  nullableBytes(value: Uint8Array | null): this {
    return value === null ? this.int32(-1) : this.bytes(value);
  }

  array<T>(items: readonly T[], item: (writer: this, value: T) => void): this {
    this.int32(items.length);
    for (const value of items) item(this, value);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, item: (writer: this, value: T) => void): this {
    return items === null ? this.int32(-1) : this.array(items, item);
  }

  int32Array(items: readonly number[]): this {
    return this.array(items, (w, v) => w.int32(v));
  }

  raw(value: Uint8Array): this {
    this.reserve(value.length).set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** Overwrites an int32 already written, e.g. a size prefix known only at the end. */
  patchInt32(at: number, value: number): this {
    this.buffer.writeInt32BE(value, at);
    return this;
  }

  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(bytes: number): Buffer {
    if (this.length + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    return this.buffer;
  }
}
