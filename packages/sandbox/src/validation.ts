// Name and label rules with apimachinery's messages (k8s.io/apimachinery/pkg/util/validation).

import { type FieldError, goQuote } from './status.js';

function regexError(message: string, format: string, examples: string[]): string {
  // Reproduces RegexError's concatenation, including the double space before " or " it produces.
  let text = message + ' (e.g. ';
  examples.forEach((example, i) => {
    if (i > 0) text += ' or ';
    text += `'${example}', `;
  });
  return text + `regex used for validation is '${format}')`;
}

const maxLengthError = (length: number) => `must be no more than ${length} characters`;

const dns1123LabelFormat = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFormat = `${dns1123LabelFormat}(\\.${dns1123LabelFormat})*`;
const dns1123SubdomainPattern = new RegExp(`^${dns1123SubdomainFormat}$`);
const dns1123LabelPattern = new RegExp(`^${dns1123LabelFormat}$`);
const qualifiedNameFormat = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNamePattern = new RegExp(`^${qualifiedNameFormat}$`);
const labelValueFormat = `(${qualifiedNameFormat})?`;
const labelValuePattern = new RegExp(`^${labelValueFormat}$`);

const qualifiedNameMessage = 'must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character';

export function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 253) errors.push(maxLengthError(253));
  if (!dns1123SubdomainPattern.test(value)) {
    errors.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", dns1123SubdomainFormat, ['example.com']));
  }
  return errors;
}

export function dns1123LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push(maxLengthError(63));
  if (!dns1123LabelPattern.test(value)) {
    errors.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", dns1123LabelFormat, ['my-name', '123-abc']));
  }
  return errors;
}

/** IsQualifiedName: `[prefix/]name`, the rule for label keys, annotation keys and custom lease strategies. */
export function qualifiedNameErrors(value: string): string[] {
  const errors: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...dns1123SubdomainErrors(prefix).map((m) => 'prefix part ' + m));
  } else {
    return [
      'a qualified name ' + regexError(qualifiedNameMessage, qualifiedNameFormat, ['MyName', 'my.name', '123-abc']) +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push('name part ' + maxLengthError(63));
  if (!qualifiedNamePattern.test(name)) {
    errors.push('name part ' + regexError(qualifiedNameMessage, qualifiedNameFormat, ['MyName', 'my.name', '123-abc']));
  }
  return errors;
}

export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push(maxLengthError(63));
  if (!labelValuePattern.test(value)) {
    errors.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", labelValueFormat, ['MyValue', 'my_value', '12345']));
  }
  return errors;
}

const invalidField = (field: string, value: string, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value: goQuote(value), detail });

/** ValidateAnnotationsSize's limit on all keys and values together. */
const totalAnnotationSizeLimitBytes = 256 * 1024;

/** ValidateObjectMeta's name/labels/annotations checks; `nameErrors` is the resource's name rule. */
export function objectMetaErrors(
  meta: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> },
  nameErrors: (name: string) => string[],
): FieldError[] {
  const errors: FieldError[] = [];
  const name = meta.name ?? '';
  if (name === '') {
    errors.push({ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' });
  } else {
    for (const message of nameErrors(name)) errors.push(invalidField('metadata.name', name, message));
  }
  // Go walks maps in random order; sorted keys make the sandbox's messages stable.
  for (const [key, value] of Object.entries(meta.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const message of qualifiedNameErrors(key)) errors.push(invalidField('metadata.labels', key, message));
    for (const message of labelValueErrors(value)) errors.push(invalidField('metadata.labels', value, message));
  }
  for (const key of Object.keys(meta.annotations ?? {}).sort()) {
    for (const message of qualifiedNameErrors(key.toLowerCase())) errors.push(invalidField('metadata.annotations', key, message));
  }
  const annotationBytes = Object.entries(meta.annotations ?? {}).reduce((total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
  if (annotationBytes > totalAnnotationSizeLimitBytes) {
    errors.push({ type: 'FieldValueTooLong', field: 'metadata.annotations', detail: `must have at most ${totalAnnotationSizeLimitBytes} bytes` });
  }
  return errors;
}
