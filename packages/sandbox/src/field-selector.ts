// Field selectors (k8s.io/apimachinery/pkg/fields/selector.go) restricted to the two fields every resource
// supports through DefaultMetaV1FieldSelectorConversion.

export class FieldSelectorError extends Error {}

export interface FieldRequirement {
  /** Only `metadata.name` or `metadata.namespace` once parseFieldSelector has returned. */
  field: string;
  equal: boolean;
  value: string;
}

/** Splits on commas that are not escaped with a backslash. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    if (escaped) escaped = false;
    else if (selector[i] === '\\') escaped = true;
    else if (selector[i] === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function unescapeValue(value: string): string {
  let result = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      result += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c}`);
    } else {
      result += c;
    }
  }
  if (escaped) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return result;
}

const termOperators = ['!=', '==', '='];

export function parseFieldSelector(selector: string): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  // The real parser sorts the terms before converting them, so the first unknown field in sort order is reported.
  for (const term of splitTerms(selector).sort()) {
    if (term === '') continue;
    let split: { field: string; operator: string; value: string } | undefined;
    for (let i = 0; i < term.length && !split; i++) {
      const operator = termOperators.find((op) => term.startsWith(op, i));
      if (operator) split = { field: term.slice(0, i), operator, value: term.slice(i + operator.length) };
    }
    if (!split) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const value = unescapeValue(split.value);
    requirements.push({ field: split.field, equal: split.operator !== '!=', value });
  }
  for (const requirement of requirements) {
    if (requirement.field !== 'metadata.name' && requirement.field !== 'metadata.namespace') {
      throw new FieldSelectorError(`"${requirement.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
  }
  return requirements;
}

export function matchesFieldSelector(requirements: FieldRequirement[], object: { name: string; namespace: string }): boolean {
  return requirements.every((r) => {
    const actual = r.field === 'metadata.name' ? object.name : object.namespace;
    return (actual === r.value) === r.equal;
  });
}
