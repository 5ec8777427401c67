// apimachinery's rules for label and annotation keys and values (validation.IsQualifiedName, IsValidLabelValue,
// ValidateAnnotations), worded as the apiserver words them, so that a bad one is refused before anything is sent.

const QUALIFIED_NAME_MAX_LENGTH = 63;
const LABEL_VALUE_MAX_LENGTH = 63;
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
/** apimachinery's TotalAnnotationSizeLimitB: keys and values together. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const NAME_RULE = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** What is wrong with a label or annotation key (`prefix/name` or `name`); undefined when the apiserver accepts it. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `a qualified name ${NAME_RULE}, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`;
  const name = parts.at(-1) ?? '';
  const prefix = parts.length === 2 ? parts[0] ?? '' : undefined;
  if (prefix !== undefined) {
    if (prefix === '') return 'prefix part must be non-empty';
    if (prefix.length > DNS1123_SUBDOMAIN_MAX_LENGTH) return `prefix part must be no more than ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`;
    if (!DNS1123_SUBDOMAIN.test(prefix)) {
      return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
    }
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > QUALIFIED_NAME_MAX_LENGTH) return `name part must be no more than ${QUALIFIED_NAME_MAX_LENGTH} characters`;
  if (!QUALIFIED_NAME.test(name)) return `name part ${NAME_RULE} (e.g. 'MyName', or 'my.name', or '123-abc')`;
  return undefined;
}

/** What is wrong with a label value (it may be empty); undefined when the apiserver accepts it. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > LABEL_VALUE_MAX_LENGTH) return `must be no more than ${LABEL_VALUE_MAX_LENGTH} characters`;
  if (!LABEL_VALUE.test(value)) return `a valid label ${NAME_RULE} (e.g. 'MyValue', or 'my_value', or '12345')`;
  return undefined;
}

/** What is wrong with annotations as a whole (any value is allowed, but their size is bounded). */
export function annotationsSizeProblem(annotations: Record<string, string>): string | undefined {
  const size = Object.entries(annotations).reduce((total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
  return size > TOTAL_ANNOTATION_SIZE_LIMIT ? `may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes (got ${size})` : undefined;
}
