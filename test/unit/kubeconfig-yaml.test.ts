// How a kubeconfig file's YAML is read: the YAML 1.2 core schema (as the yaml library read it before), with what
// kubectl tolerates tolerated.
import { describe, expect, it } from 'vitest';
import { parseKubeconfigYaml } from '../../src/kube/kubeconfig-yaml.js';

describe('parseKubeconfigYaml', () => {
  it('reads the core schema: booleans are true and false only, timestamps stay strings', () => {
    expect(parseKubeconfigYaml('a: true\nb: yes\nc: 2024-01-02T03:04:05Z\nd: 0x10\ne: ~\nf: "1"\n')).toEqual({
      a: true,
      b: 'yes',
      c: '2024-01-02T03:04:05Z',
      d: 16,
      e: null,
      f: '1',
    });
  });

  it('reads a tag nobody defines as its plain value, for scalars, sequences and maps', () => {
    expect(parseKubeconfigYaml('a: !custom x\nb: !custom [1]\nc: !custom {k: v}\nd: !custom\n')).toEqual({ a: 'x', b: [1], c: { k: 'v' }, d: null });
  });

  it('takes the last value of a key given twice, as kubectl does', () => {
    expect(parseKubeconfigYaml('current-context: a\ncurrent-context: b\n')).toEqual({ 'current-context': 'b' });
  });

  it('reads an empty file as nothing, and JSON as it is', () => {
    expect(parseKubeconfigYaml('')).toBeUndefined();
    expect(parseKubeconfigYaml('{"clusters": [{"name": "c"}]}')).toEqual({ clusters: [{ name: 'c' }] });
  });

  it('names the problem and its place in the first line of its error', () => {
    expect(() => parseKubeconfigYaml('clusters: [\n')).toThrow(/^unexpected end of the stream within a flow collection \(2:1\)\n/);
  });
});
