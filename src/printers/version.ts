// `version`'s output, as `kubectl version` prints it: one line per component, or the same report as -o json|yaml.
import type { ClientVersionInfo } from '../version.js';
import type { OutputStream } from '../context.js';
import { escapeTerminal } from './terminal.js';

/**
 * kubectl's version.Version: clientVersion, then (where kubectl has its embedded kustomize) the client-node release
 * leasectl is built on, whose minor tracks the Kubernetes API it speaks; serverVersion as the server sent it.
 */
export interface VersionReport {
  clientVersion: ClientVersionInfo;
  clientNodeVersion: string;
  serverVersion?: Record<string, unknown>;
}

export type VersionFormat = 'json' | 'yaml';

export async function printVersion(out: OutputStream, report: VersionReport, format: VersionFormat | undefined): Promise<void> {
  if (format === 'json') {
    // kubectl indents this report by two spaces and keeps the fields in their declared order (json.MarshalIndent).
    out.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  if (format === 'yaml') {
    const { toKubectlYaml } = await import('./yaml.js');
    out.write(toKubectlYaml(report));
    return;
  }
  const lines = [`Client Version: ${report.clientVersion.gitVersion}`, `Client-Node Version: v${report.clientNodeVersion}`];
  const serverVersion = report.serverVersion?.gitVersion;
  // The server's words reach the terminal: escaped like every server string.
  if (report.serverVersion) lines.push(`Server Version: ${escapeTerminal(typeof serverVersion === 'string' ? serverVersion : 'unknown')}`);
  out.write(`${lines.join('\n')}\n`);
}
