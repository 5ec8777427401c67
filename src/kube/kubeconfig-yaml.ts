// Kubeconfig files are read with js-yaml (what client-node reads them with) rather than the yaml library: on the
// path of every cluster command, its first parse of a kubeconfig takes about 3 ms where yaml's takes 10, on Node
// 20 and 22 alike (docs/performance.md). The yaml library stays for what only it does: go-yaml's scalar rules
// in `-o yaml`.
import { CORE_SCHEMA, load, Type } from 'js-yaml';

// The YAML 1.2 core schema, as the yaml library read kubeconfigs before. A tag nobody defines (`!custom`) is read
// as its plain value, as kubectl reads it, instead of failing the file.
const KUBECONFIG_SCHEMA = CORE_SCHEMA.extend(
  (['scalar', 'sequence', 'mapping'] as const).map((kind) => new Type('!', { kind, multi: true, construct: (data: unknown) => data })),
);

/**
 * A kubeconfig file's text as plain data; throws js-yaml's error (its first line names the problem and where). A key
 * given twice takes its last value, as kubectl's YAML-to-JSON reads it, rather than failing the file.
 */
export function parseKubeconfigYaml(text: string): unknown {
  return load(text, { schema: KUBECONFIG_SCHEMA, json: true });
}
