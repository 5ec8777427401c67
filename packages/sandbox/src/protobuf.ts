// Just enough of Kubernetes' protobuf encoding to read a Namespace: kubectl's typed clients (`kubectl create
// namespace`) send core objects as protobuf and do not fall back to JSON.
//
// Envelope: "k8s\0" + runtime.Unknown { 1: typeMeta { 1: apiVersion, 2: kind }, 2: raw, 3: contentEncoding, 4: contentType },
// raw: Namespace { 1: metadata: ObjectMeta { 1: name, 11: labels, 12: annotations (map entries { 1: key, 2: value }) }, ... }.

export class ProtobufError extends Error {}

const envelopeMagic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface ProtobufField {
  number: number;
  /** Length-delimited payload; undefined for varint and fixed-width fields, which nothing here needs. */
  bytes?: Buffer;
}

function readVarint(buffer: Buffer, offset: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (offset >= buffer.length) throw new ProtobufError('truncated varint');
    const byte = buffer[offset++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, offset];
    shift += 7;
  }
}

function fields(buffer: Buffer): ProtobufField[] {
  const result: ProtobufField[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [key, afterKey] = readVarint(buffer, offset);
    const number = Math.floor(key / 8);
    const wireType = key & 7;
    offset = afterKey;
    if (wireType === 0) {
      offset = readVarint(buffer, offset)[1];
      result.push({ number });
    } else if (wireType === 2) {
      const [length, afterLength] = readVarint(buffer, offset);
      if (afterLength + length > buffer.length) throw new ProtobufError('truncated field');
      result.push({ number, bytes: buffer.subarray(afterLength, afterLength + length) });
      offset = afterLength + length;
    } else if (wireType === 1 || wireType === 5) {
      offset += wireType === 1 ? 8 : 4;
      result.push({ number });
    } else {
      throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }
  return result;
}

const text = (field: ProtobufField | undefined) => field?.bytes?.toString('utf8') ?? '';

function stringMap(entries: ProtobufField[]): Record<string, string> | undefined {
  if (entries.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const parts = fields(entry.bytes ?? Buffer.alloc(0));
    map[text(parts.find((p) => p.number === 1))] = text(parts.find((p) => p.number === 2));
  }
  return map;
}

export interface DecodedNamespace {
  kind: string;
  apiVersion: string;
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function decodeNamespaceProtobuf(body: Buffer): DecodedNamespace {
  if (!body.subarray(0, 4).equals(envelopeMagic)) throw new ProtobufError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(unknown.find((f) => f.number === 1)?.bytes ?? Buffer.alloc(0));
  const raw = fields(unknown.find((f) => f.number === 2)?.bytes ?? Buffer.alloc(0));
  const meta = fields(raw.find((f) => f.number === 1)?.bytes ?? Buffer.alloc(0));
  const labels = stringMap(meta.filter((f) => f.number === 11));
  const annotations = stringMap(meta.filter((f) => f.number === 12));
  return {
    apiVersion: text(typeMeta.find((f) => f.number === 1)),
    kind: text(typeMeta.find((f) => f.number === 2)),
    name: text(meta.find((f) => f.number === 1)),
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  };
}
