// The patch formats the apiserver accepts for a Lease. A Lease has no list fields with merge keys, so a strategic
// merge patch is applied like a JSON merge patch (RFC 7386).

import { badRequest, patchRejected } from './status.js';

export const mergePatchType = 'application/merge-patch+json';
export const strategicMergePatchType = 'application/strategic-merge-patch+json';
export const jsonPatchType = 'application/json-patch+json';
export const supportedPatchTypes = [jsonPatchType, mergePatchType, strategicMergePatchType];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPlainObject = (value: unknown): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, Json> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key] ?? null, value);
  }
  return result;
}

interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

class PatchApplyError extends Error {}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchApplyError(`invalid JSON pointer ${pointer}`);
  return pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: Json | undefined): Json | undefined {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v) as Json);
  if (isPlainObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k]) as Json]));
  return value;
}

/** The container holding the last path segment, and that segment. */
function locate(document: Json, parts: string[]): { parent: Json; key: string } {
  let node = document;
  for (const part of parts.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(node) ? node[Number(part)] : isPlainObject(node) ? node[part] : undefined;
    if (next === undefined) throw new PatchApplyError(`path does not exist: ${part}`);
    node = next;
  }
  return { parent: node, key: parts[parts.length - 1]! };
}

function getValue(document: Json, pointer: string): Json | undefined {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return document;
  const { parent, key } = locate(document, parts);
  if (Array.isArray(parent)) return parent[Number(key)];
  return isPlainObject(parent) ? parent[key] : undefined;
}

function arrayIndex(array: Json[], key: string, allowEnd: boolean): number {
  if (key === '-' && allowEnd) return array.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new PatchApplyError(`invalid array index ${key}`);
  const index = Number(key);
  if (index > array.length || (!allowEnd && index === array.length)) throw new PatchApplyError(`index out of range ${key}`);
  return index;
}

function addValue(document: Json, pointer: string, value: Json): Json {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return value;
  const { parent, key } = locate(document, parts);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else if (isPlainObject(parent)) parent[key] = value;
  else throw new PatchApplyError(`cannot add to ${pointer}`);
  return document;
}

function removeValue(document: Json, pointer: string): Json {
  const parts = parsePointer(pointer);
  const { parent, key } = locate(document, parts);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else if (isPlainObject(parent) && key in parent) delete parent[key];
  else throw new PatchApplyError(`unable to remove nonexistent key: ${key}`);
  return document;
}

/** Applies an RFC 6902 patch; malformed patches are 400s, operations that fail are the apiserver's generic 422. */
export function applyJsonPatch(target: Json, patchBody: unknown): Json {
  if (!Array.isArray(patchBody)) throw badRequest(`json: cannot unmarshal ${typeof patchBody === 'object' ? 'object' : typeof patchBody} into Go value of type jsonpatch.Patch`);
  let document = structuredClone(target);
  try {
    for (const raw of patchBody as JsonPatchOperation[]) {
      if (!isPlainObject(raw as unknown) || typeof raw.path !== 'string') throw new PatchApplyError('missing path');
      switch (raw.op) {
        case 'add':
          document = addValue(document, raw.path, structuredClone(raw.value ?? null));
          break;
        case 'remove':
          document = removeValue(document, raw.path);
          break;
        case 'replace':
          if (getValue(document, raw.path) === undefined) throw new PatchApplyError(`replace operation does not apply: doc is missing key: ${raw.path}`);
          document = addValue(removeValue(document, raw.path), raw.path, structuredClone(raw.value ?? null));
          break;
        case 'move':
        case 'copy': {
          const value = getValue(document, raw.from ?? '');
          if (value === undefined) throw new PatchApplyError(`${raw.op} operation does not apply: doc is missing from path: ${raw.from}`);
          if (raw.op === 'move') document = removeValue(document, raw.from ?? '');
          document = addValue(document, raw.path, structuredClone(value));
          break;
        }
        case 'test':
          if (!deepEqual(getValue(document, raw.path), raw.value ?? null)) throw new PatchApplyError(`testing value ${raw.path} failed: test failed`);
          break;
        default:
          throw new PatchApplyError(`Unexpected kind: ${raw.op}`);
      }
    }
  } catch (error) {
    if (error instanceof PatchApplyError) throw patchRejected();
    throw error;
  }
  return document;
}

export type { Json };
