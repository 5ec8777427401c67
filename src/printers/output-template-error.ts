// Apart from the template printers, so that the error edge can name it without loading them.

/** A template kubectl would refuse, or one that fails on the objects: exit 1, `error: <message>`, as in kubectl. */
export class OutputTemplateError extends Error {
  /** What kubectl had already written to stdout when it failed (custom-columns prints its header first). */
  readonly output: string;

  constructor(message: string, output = '') {
    super(message);
    this.name = 'OutputTemplateError';
    this.output = output;
  }
}
