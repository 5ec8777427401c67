// Output streams for running commands in-process: what a command writes is kept as text to assert on.
import { Writable } from 'node:stream';

export type TextCapture = Writable & { text: string; isTTY: boolean };

/** A writable that appends everything written to `text`; isTTY says whether it poses as a terminal. */
export function textCapture(isTTY = false): TextCapture {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      stream.text += String(chunk);
      done();
    },
  }) as TextCapture;
  stream.text = '';
  stream.isTTY = isTTY;
  return stream;
}
