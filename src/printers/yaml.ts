// `kubectl get -o yaml`: sigs.k8s.io/yaml goes through JSON to go-yaml v2, so keys are sorted, sequences are not
// indented, and strings a YAML 1.1 reader would take for something else are double-quoted. Imported lazily
// (serialize.ts): the yaml library is start-up time that other output formats never need.
import YAML, { Scalar } from 'yaml';

/** go-yaml v2 orders map keys with digit runs compared as numbers (a2 < a10). */
function compareKeysLikeGoYaml(a: string, b: string): number {
  const runs = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const left = runs(a);
  const right = runs(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    if (bothDigits && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

/** A string a YAML 1.1 or 1.2 reader would take for something else (yes, 0123, a timestamp) must be quoted. */
function readsAsSomethingElse(text: string): boolean {
  try {
    return (
      YAML.parse(text, { logLevel: 'silent' }) !== text ||
      YAML.parse(text, { version: '1.1', logLevel: 'silent' }) !== text
    );
  } catch {
    return false;
  }
}

export function toKubectlYaml(object: unknown): string {
  const document = new YAML.Document(object, { version: '1.1', sortMapEntries: (a, b) => compareKeysLikeGoYaml(String(a.key), String(b.key)) });
  YAML.visit(document, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && !node.value.includes('\n') && readsAsSomethingElse(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return document.toString({ indentSeq: false });
}
