// -o yaml writes each string as go-yaml v2 does (sigs.k8s.io/yaml, what kubectl prints): checked against kubectl
// itself, which prints a local object without a cluster (`kubectl annotate --local -f - -o yaml`).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { toKubectlYaml } from '../../src/printers/yaml.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

function kubectlYaml(object: unknown): string {
  const result = spawnSync('kubectl', ['annotate', '--local', '-f', '-', 'x=y', '--overwrite', '-o', 'yaml'], { input: JSON.stringify(object), encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

function leaseWith(holderIdentity: string, annotations: Record<string, string>, finalizers: string[] = []) {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'probe', namespace: 'default', annotations: { ...annotations, x: 'y' }, ...(finalizers.length ? { finalizers } : {}) },
    spec: { holderIdentity, leaseDurationSeconds: 15 },
  };
}

const words = (word: string, count: number) => Array.from({ length: count }, () => word).join(' ');

/** Strings whose YAML style or bytes differ between a naive emitter and go-yaml. */
const STRINGS: Record<string, string> = {
  crlf: 'host\r\nsecond line',
  tab: 'host\tid',
  emoji: 'me 🙂',
  escape: 'a\u001b]0;title\u0007b',
  // kubectl's YAML reader of local files refuses C1 controls and DEL and folds NEL: test/e2e/yaml-strings.test.ts
  // compares those, as the server sends them.
  nbspBomNul: 'nbsp\u00a0 bom\ufeff nul\u0000',
  separators: 'ls\u2028ps\u2029',
  literal: 'line1\nline2',
  literalKeep: 'line1\nline2\n\n',
  literalClip: 'line1\nline2\n',
  literalIndented: '  indented\nnext',
  literalLeadingBreak: '\nafter a break',
  dot: '.',
  nan: '.nan',
  merge: '<<',
  bang: '!!int 5',
  float: '1e3',
  // Too large for a float64: Go's ParseFloat fails, so go-yaml keeps these plain strings (a random hex label can be one).
  overflowingFloat: '1e999',
  hexLikeOverflow: '5145273e0338',
  inf: '.inf',
  negativeInf: '-.Inf',
  literalLongLine: `first\n${words('long', 40)}`,
  spaceBeforeBreak: 'a \nb',
  spaceAfterBreak: 'a\n b',
  trailingSpace: 'line1\nline2 ',
  leadingSpace: ' leading',
  trailingSpacePlain: 'trailing ',
  dash: '- item',
  colonSpace: 'a: b',
  hash: 'a #b',
  leadingHash: '#x',
  quote: "it's",
  doubleQuote: 'say "hi"',
  backslash: 'back\\slash',
  boolish: 'yes',
  octalish: '0123',
  sexagesimal: '1:20',
  tilde: '~',
  empty: '',
  date: '2026-11-23',
  unicode: 'café 名前',
  foldedPlain: words('word', 40),
  foldedSingle: ` ${words('word', 40)}`,
  foldedDouble: `\t${words('word', 40)}`,
  foldedDoubleSpaces: `\t${words('ab ', 40)}`,
  longWordNoSpaces: 'x'.repeat(200),
};

describe('-o yaml strings', () => {
  it.skipIf(!hasKubectl)("every string style and escape is byte-for-byte what kubectl prints (needs kubectl)", () => {
    const object = leaseWith(STRINGS.crlf!, STRINGS, Object.values(STRINGS).slice(0, 12));
    expect(toKubectlYaml(object)).toBe(kubectlYaml(object));
  });

  it.skipIf(!hasKubectl)('a holder with CR/LF and a non-BMP character is one double-quoted line with \\r\\n and \\U0001F642, as kubectl prints', () => {
    const object = leaseWith('evil\u001b]0;x\u0007\r\nline2 🙂\tend', {});
    const yaml = toKubectlYaml(object);
    expect(yaml).toContain('  holderIdentity: "evil\\e]0;x\\a\\r\\nline2 \\U0001F642\\tend"\n');
    expect(yaml).toBe(kubectlYaml(object));
  });

  it.skipIf(!hasKubectl)('a key longer than 128 bytes is written as ? key / : value, as kubectl prints', () => {
    const object = leaseWith('me', { [`example.com/${'k'.repeat(140)}`]: 'v', 'a10': '1', 'a2': '2' });
    expect(toKubectlYaml(object)).toBe(kubectlYaml(object));
  });

  it('without kubectl still writes the escapes go-yaml writes', () => {
    expect(toKubectlYaml({ s: 'a\r\n🙂\t\u0085' })).toBe('s: "a\\r\\n\\U0001F642\\t\\N"\n');
    expect(toKubectlYaml({ s: 'one\ntwo\n\n' })).toBe('s: |+\n  one\n  two\n\n...\n');
  });
});
