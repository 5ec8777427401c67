import { describe, expect, it } from 'vitest';
import { printVersion, type VersionReport } from '../../src/printers/version.js';
import { textCapture } from '../support/streams.js';

const clientVersion = { major: '0', minor: '1', gitVersion: 'v0.1.0', nodeVersion: 'v22.0.0', platform: 'linux/x64' };

async function printed(report: VersionReport, format?: 'json' | 'yaml'): Promise<string> {
  const out = textCapture();
  await printVersion(out, report, format);
  return out.text;
}

describe('version printer', () => {
  it('prints Server Version only when the server was asked', async () => {
    expect(await printed({ clientVersion, clientNodeVersion: '1.4.0' })).toBe('Client Version: v0.1.0\nClient-Node Version: v1.4.0\n');
    expect(await printed({ clientVersion, clientNodeVersion: '1.4.0', serverVersion: { gitVersion: 'v1.26.1' } })).toBe(
      'Client Version: v0.1.0\nClient-Node Version: v1.4.0\nServer Version: v1.26.1\n',
    );
  });

  it("escapes control characters in the server's gitVersion, which the server chose", async () => {
    const text = await printed({ clientVersion, clientNodeVersion: '1.4.0', serverVersion: { gitVersion: 'v1.26.1\u001b]0;owned\u0007\r\nfake' } });
    expect(text.split('\n').at(-2)).toBe('Server Version: v1.26.1^[]0;owned^G^M^Jfake');
  });

  it('a server answer without a string gitVersion is printed as unknown', async () => {
    expect(await printed({ clientVersion, clientNodeVersion: '1.4.0', serverVersion: { gitVersion: 126 } })).toContain('Server Version: unknown\n');
  });

  it('-o json keeps what the server sent, as it sent it', async () => {
    const serverVersion = { major: '1', minor: '26', gitVersion: 'v1.26.1', extra: { nested: true } };
    expect(JSON.parse(await printed({ clientVersion, clientNodeVersion: '1.4.0', serverVersion }, 'json'))).toEqual({ clientVersion, clientNodeVersion: '1.4.0', serverVersion });
  });
});
