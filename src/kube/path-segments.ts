// A namespace or lease name becomes one segment of a request path. client-go refuses, in these words, any that
// could leave its segment (rest.IsValidPathSegmentName): `.` and `..` are resolved away by URL parsers and servers,
// `/` starts another segment, and `%` would be decoded into one of those.

const NAME_MAY_NOT_BE = ['.', '..'];
const NAME_MAY_NOT_CONTAIN = ['/', '%'];

/** client-go's list of what is wrong with a path segment; empty when it is safe. */
function pathSegmentProblems(segment: string): string[] {
  if (NAME_MAY_NOT_BE.includes(segment)) return [`may not be '${segment}'`];
  return NAME_MAY_NOT_CONTAIN.filter((part) => segment.includes(part)).map((part) => `may not contain '${part}'`);
}

/** Go's %v of a []string: `[may not contain '/' may not contain '%']`. */
function goList(problems: string[]): string {
  return `[${problems.join(' ')}]`;
}

/** `invalid namespace "..": [may not be '..']`, as kubectl says it; undefined for a namespace that stays in its segment. */
export function namespaceSegmentProblem(namespace: string): string | undefined {
  // client-go treats an empty namespace as none at all, which would widen a request to every namespace.
  const problems = namespace === '' ? ['may not be empty'] : pathSegmentProblems(namespace);
  return problems.length > 0 ? `invalid namespace ${JSON.stringify(namespace)}: ${goList(problems)}` : undefined;
}

/** `resource name may not be empty` or `invalid resource name "..": [may not be '..']`, as kubectl says them. */
export function nameSegmentProblem(name: string): string | undefined {
  if (name === '') return 'resource name may not be empty';
  const problems = pathSegmentProblems(name);
  return problems.length > 0 ? `invalid resource name ${JSON.stringify(name)}: ${goList(problems)}` : undefined;
}
