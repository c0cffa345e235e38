/**
 * Reads one file out of a zip archive (a Python wheel is one): the central directory names every
 * entry and where its data starts; the data is stored or deflated (node:zlib inflates it). Enough
 * for wheels (no zip64, no encryption); anything else is refused in words.
 */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

export function readZipEntry(archive: string, entryName: string): Buffer {
  const zip = readFileSync(archive);
  const end = findEndOfCentralDirectory(zip);
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_ENTRY) throw new Error(`${archive}: damaged zip (central directory entry ${i})`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name !== entryName) continue;

    if (zip.readUInt32LE(localHeader) !== LOCAL_HEADER) throw new Error(`${archive}: damaged zip (local header of ${name})`);
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    const content = method === 0 ? Buffer.from(data) : method === 8 ? inflateRawSync(data) : undefined;
    if (!content) throw new Error(`${archive}: ${name} uses compression method ${method}, which this reader does not know`);
    if (content.length !== size) throw new Error(`${archive}: ${name} inflated to ${content.length} bytes, expected ${size}`);
    return content;
  }
  throw new Error(`${archive} has no ${entryName}`);
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 64 KiB, at the very end.
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new Error('not a zip archive (no end of central directory)');
}
