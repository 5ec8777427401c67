// Go's words for a file that cannot be read, as kubectl prints them (`open /x: no such file or directory`).

/** Node says `ENOENT: no such file or directory, open '/x'`; Go, and so kubectl, `open /x: no such file or directory`. */
export function openFailure(path: string, error: unknown): string {
  const words: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
  };
  const reason = words[(error as NodeJS.ErrnoException).code ?? ''];
  return reason ? `open ${path}: ${reason}` : (error as Error).message;
}
