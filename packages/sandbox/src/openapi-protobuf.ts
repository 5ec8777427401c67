// An OpenAPI v2 document as gnostic's `openapi.v2.Document` protobuf message, the form kubectl asks /openapi/v2 for
// (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`). Field numbers are those of
// github.com/google/gnostic openapiv2/OpenAPIv2.proto. Only what the sandbox's document uses is encoded; anything
// else is an error, so a schema keyword added later cannot silently vanish from the protobuf form.
//
// Vendor extensions (`x-…`) are NamedAny { 1: name, 2: Any { 2: yaml } }: kube-openapi reads them by parsing that
// YAML text, which is how kubectl finds x-kubernetes-group-version-kind and the patch strategies.

import { stringify as toYaml } from 'yaml';

/** A JSON Schema in OpenAPI v2 form: refs point at `#/definitions/`. */
export type OpenApiSchema = { [keyword: string]: unknown };

/** Protobuf wire encoding of the two kinds of field the document needs: length-delimited and varint (bool). */
class MessageWriter {
  private readonly chunks: Buffer[] = [];

  private varint(value: number): void {
    const bytes: number[] = [];
    while (value > 0x7f) {
      bytes.push((value & 0x7f) | 0x80);
      value = Math.floor(value / 128);
    }
    bytes.push(value);
    this.chunks.push(Buffer.from(bytes));
  }

  bytes(field: number, payload: Buffer): this {
    this.varint(field * 8 + 2);
    this.varint(payload.length);
    this.chunks.push(payload);
    return this;
  }

  string(field: number, value: string | undefined): this {
    return value === undefined || value === '' ? this : this.bytes(field, Buffer.from(value, 'utf8'));
  }

  strings(field: number, values: readonly string[] | undefined): this {
    for (const value of values ?? []) this.bytes(field, Buffer.from(value, 'utf8'));
    return this;
  }

  bool(field: number, value: boolean): this {
    if (!value) return this;
    this.varint(field * 8);
    this.varint(1);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Any { 2: yaml }. */
const anyMessage = (value: unknown) => new MessageWriter().string(2, toYaml(value)).finish();

/** NamedAny { 1: name, 2: Any }. */
const namedAny = (name: string, value: unknown) => new MessageWriter().string(1, name).bytes(2, anyMessage(value)).finish();

/** Named<T> { 1: name, 2: value }, gnostic's ordered map entry. */
const namedEntry = (name: string, value: Buffer) => new MessageWriter().string(1, name).bytes(2, value).finish();

const asStrings = (value: unknown, keyword: string): string[] => {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new Error(`openapi: ${keyword} must be a list of strings`);
  return value;
};

const asString = (value: unknown, keyword: string): string => {
  if (typeof value !== 'string') throw new Error(`openapi: ${keyword} must be a string`);
  return value;
};

const asSchema = (value: unknown, keyword: string): OpenApiSchema => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`openapi: ${keyword} must be a schema`);
  return value as OpenApiSchema;
};

/** Schema, with each keyword at its field number. */
export function encodeSchema(schema: OpenApiSchema): Buffer {
  const writer = new MessageWriter();
  const extensions: [string, unknown][] = [];
  // Fields go out in field-number order, as Go's proto.Marshal writes them.
  const order = ['$ref', 'format', 'title', 'description', 'default', 'uniqueItems', 'required', 'enum', 'additionalProperties', 'type', 'items', 'allOf', 'properties'];
  const keywords = Object.keys(schema).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const keyword of keywords) {
    const value = schema[keyword];
    switch (keyword) {
      case '$ref': writer.string(1, asString(value, keyword)); break;
      case 'format': writer.string(2, asString(value, keyword)); break;
      case 'title': writer.string(3, asString(value, keyword)); break;
      case 'description': writer.string(4, asString(value, keyword)); break;
      case 'default': writer.bytes(5, anyMessage(value)); break;
      case 'uniqueItems': writer.bool(16, value === true); break;
      case 'required': writer.strings(19, asStrings(value, keyword)); break;
      case 'enum': for (const item of value as unknown[]) writer.bytes(20, anyMessage(item)); break;
      case 'additionalProperties':
        // AdditionalPropertiesItem { oneof { 1: Schema, 2: bool } }
        writer.bytes(21, typeof value === 'boolean' ? new MessageWriter().bool(2, value).finish() : new MessageWriter().bytes(1, encodeSchema(asSchema(value, keyword))).finish());
        break;
      case 'type': writer.bytes(22, new MessageWriter().strings(1, [asString(value, keyword)]).finish()); break; // TypeItem { 1: repeated value }
      case 'items': writer.bytes(23, new MessageWriter().bytes(1, encodeSchema(asSchema(value, keyword))).finish()); break; // ItemsItem { 1: repeated Schema }
      case 'allOf': for (const item of value as unknown[]) writer.bytes(24, encodeSchema(asSchema(item, keyword))); break;
      case 'properties': {
        // Properties { 1: repeated NamedSchema }
        const properties = new MessageWriter();
        for (const [name, property] of Object.entries(asSchema(value, keyword))) properties.bytes(1, namedEntry(name, encodeSchema(asSchema(property, name))));
        writer.bytes(25, properties.finish());
        break;
      }
      default:
        if (!keyword.startsWith('x-')) throw new Error(`openapi: schema keyword ${keyword} has no protobuf encoding here`);
        extensions.push([keyword, value]);
    }
  }
  for (const [name, value] of extensions) writer.bytes(31, namedAny(name, value));
  return writer.finish();
}

export interface OpenApiV2Document {
  swagger: string;
  info: { title: string; version: string };
  paths: Record<string, never>;
  definitions: Record<string, OpenApiSchema>;
}

/** Document { 1: swagger, 2: Info { 1: title, 2: version }, 8: Paths, 9: Definitions { 1: repeated NamedSchema } }. */
export function encodeOpenApiV2Document(document: OpenApiV2Document): Buffer {
  const info = new MessageWriter().string(1, document.info.title).string(2, document.info.version).finish();
  const definitions = new MessageWriter();
  for (const [name, schema] of Object.entries(document.definitions)) definitions.bytes(1, namedEntry(name, encodeSchema(schema)));
  return new MessageWriter()
    .string(1, document.swagger)
    .bytes(2, info)
    .bytes(8, Buffer.alloc(0)) // no paths: present and empty, as the spec requires the object
    .bytes(9, definitions.finish())
    .finish();
}
