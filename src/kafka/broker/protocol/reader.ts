/**
 * Bounds-checked reading of a Kafka request body. Every length prefix is checked against the bytes
 * that are really left before anything is sliced or allocated, so a lying frame costs nothing.
 */

/** The request cannot be decoded; the connection that sent it is closed. */
export class MalformedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedRequestError';
  }
}

export class Reader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  int8(): number {
    this.need(1, 'int8');
    const value = this.buffer.readInt8(this.offset);
    this.offset += 1;
    return value;
  }

  int16(): number {
    this.need(2, 'int16');
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'int32');
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** Offsets and timestamps stay well inside 2^53 in practice; larger values lose precision, never crash. */
  int64(): number {
    this.need(8, 'int64');
    const value = Number(this.buffer.readBigInt64BE(this.offset));
    this.offset += 8;
    return value;
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new MalformedRequestError(`null string at byte ${this.offset - 2}`);
    return value;
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    if (length < -1) throw new MalformedRequestError(`string length ${length} at byte ${this.offset - 2}`);
    this.need(length, 'string');
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  bytes(): Buffer {
    const value = this.nullableBytes();
    if (value === null) throw new MalformedRequestError(`null bytes at byte ${this.offset - 4}`);
    return value;
  }

  /** A view into the request frame: copy it before keeping it beyond the request. */
  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < -1) throw new MalformedRequestError(`bytes length ${length} at byte ${this.offset - 4}`);
    this.need(length, 'bytes');
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** `minItemBytes` is the smallest encoding of one item, so a count that cannot fit is refused up front. */
  array<T>(minItemBytes: number, item: (reader: Reader) => T): T[] {
    const items = this.nullableArray(minItemBytes, item);
    if (items === null) throw new MalformedRequestError(`null array at byte ${this.offset - 4}`);
    return items;
  }

  nullableArray<T>(minItemBytes: number, item: (reader: Reader) => T): T[] | null {
    const count = this.int32();
    if (count === -1) return null;
    if (count < -1 || count * minItemBytes > this.remaining) {
      throw new MalformedRequestError(`array of ${count} items with ${this.remaining} bytes left at byte ${this.offset - 4}`);
    }
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(item(this));
    return items;
  }

  int32Array(): number[] {
    return this.array(4, (r) => r.int32());
  }

  stringArray(): string[] {
    return this.array(2, (r) => r.string());
  }

  /** Requests must be consumed exactly: trailing bytes mean the sender and we disagree on the schema. */
  end(): void {
    if (this.remaining !== 0) throw new MalformedRequestError(`${this.remaining} unexpected trailing bytes`);
  }

  private need(bytes: number, what: string): void {
    if (bytes > this.remaining) {
      throw new MalformedRequestError(`${what} of ${bytes} bytes at byte ${this.offset} runs past the end (${this.buffer.length} bytes)`);
    }
  }
}
