import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** One file inside a zip, as its central directory declares it. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  offset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class ZipError extends Error {}

const EOCD_SIZE = 22;

/**
 * The entries of a zip's central directory; throws ZipError when the file is cut short, not a zip,
 * or shaped so that another reader could see other entries: more than one end record in the
 * region readers search, bytes after the end record's comment, a directory that does not end
 * where the end record begins, split archives, ZIP64 (a workbook under 200 MB never needs it)
 * or two entries with one name.
 */
export function zipEntries(buf: Uint8Array): ZipEntry[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const ends: number[] = [];
  for (let i = buf.length - 4; i >= Math.max(0, buf.length - EOCD_SIZE - 0xffff); i--) {
    if (v.getUint32(i, true) === EOCD) ends.push(i);
  }
  const eocd = ends.find((i) => i + EOCD_SIZE <= buf.length) ?? -1;
  if (eocd < 0) throw new ZipError('找不到压缩包目录(文件不完整)');
  if (ends.length > 1) throw new ZipError('压缩包带有多个目录(文件被改动过),已拒绝');
  if (eocd + EOCD_SIZE + v.getUint16(eocd + 20, true) !== buf.length) throw new ZipError('压缩包目录之后还有多余的数据(文件被改动过),已拒绝');
  const count = v.getUint16(eocd + 10, true);
  const dirSize = v.getUint32(eocd + 12, true);
  let p = v.getUint32(eocd + 16, true);
  if (v.getUint16(eocd + 4, true) !== 0 || v.getUint16(eocd + 6, true) !== 0 || v.getUint16(eocd + 8, true) !== count) throw new ZipError('不支持分卷压缩包');
  if (count === 0xffff || dirSize === 0xffffffff || p === 0xffffffff) throw new ZipError('不支持 ZIP64 格式的压缩包');
  if (p + dirSize !== eocd) throw new ZipError('压缩包目录已损坏(目录与结束标记不相接)');
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || v.getUint32(p, true) !== CENTRAL) throw new ZipError('压缩包目录已损坏(文件不完整)');
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const e: ZipEntry = {
      name: decoder.decode(buf.subarray(p + 46, p + 46 + nameLen)),
      method: v.getUint16(p + 10, true),
      compressedSize: v.getUint32(p + 20, true),
      size: v.getUint32(p + 24, true),
      offset: v.getUint32(p + 42, true),
    };
    const key = e.name.toLowerCase();
    if (names.has(key)) throw new ZipError(`压缩包中有两个「${e.name}」(文件被改动过),已拒绝`);
    names.add(key);
    entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (p !== eocd) throw new ZipError('压缩包目录已损坏(目录中有多余的数据)');
  return entries;
}

/** An entry's bytes, never inflating past `limit` bytes (a zip bomb stops here, whatever its header claims). */
export function readEntry(buf: Uint8Array, e: ZipEntry, limit: number): Buffer {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (e.offset + 30 > buf.length || v.getUint32(e.offset, true) !== LOCAL) throw new ZipError(`压缩包中的「${e.name}」已损坏(文件不完整)`);
  const start = e.offset + 30 + v.getUint16(e.offset + 26, true) + v.getUint16(e.offset + 28, true);
  if (start + e.compressedSize > buf.length) throw new ZipError(`压缩包中的「${e.name}」不完整(文件被截断)`);
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return Buffer.from(data);
  if (e.method !== 8) throw new ZipError(`压缩包中的「${e.name}」使用了不支持的压缩方式`);
  try {
    return inflateRawSync(data, { maxOutputLength: limit });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw new ZipError(`压缩包中的「${e.name}」解压后超过 ${Math.round(limit / 1024 / 1024)} MB`);
    throw new ZipError(`压缩包中的「${e.name}」已损坏:${(err as Error).message}`);
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip of the given files, in order: deflated, or stored as they are (`store`) when it is only read back at once. */
export function writeZip(files: { name: string; data: Uint8Array }[], options: { store?: boolean } = {}): Buffer {
  const method = options.store ? 0 : 8;
  const parts: Uint8Array[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const packed = options.store ? f.data : deflateRawSync(f.data, { level: 6 });
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(CENTRAL, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(method, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(f.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, packed);
    central.push(dir, name);
    offset += 30 + name.length + packed.length;
  }
  const dirSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}
