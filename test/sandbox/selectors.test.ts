import { describe, expect, it } from 'vitest';
import { matchesFieldSelector, parseFieldSelector } from '../../packages/sandbox/src/field-selector.js';
import { matchesLabelSelector, parseLabelSelector } from '../../packages/sandbox/src/label-selector.js';

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('label selector parser', () => {
  it.each([
    ['', []],
    ['a=b', [{ key: 'a', operator: '=', values: ['b'] }]],
    ['a==b', [{ key: 'a', operator: '==', values: ['b'] }]],
    ['a!=b', [{ key: 'a', operator: '!=', values: ['b'] }]],
    ['a in (y,x)', [{ key: 'a', operator: 'in', values: ['x', 'y'] }]],
    ['a notin (x)', [{ key: 'a', operator: 'notin', values: ['x'] }]],
    ['a', [{ key: 'a', operator: 'exists', values: [] }]],
    ['!a', [{ key: 'a', operator: '!', values: [] }]],
    ['a>1', [{ key: 'a', operator: 'gt', values: ['1'] }]],
    ['a<1', [{ key: 'a', operator: 'lt', values: ['1'] }]],
    ['a=', [{ key: 'a', operator: '=', values: [''] }]],
    ['a in ()', [{ key: 'a', operator: 'in', values: [''] }]],
    ['a in (,x)', [{ key: 'a', operator: 'in', values: ['', 'x'] }]],
    ['in in (in)', [{ key: 'in', operator: 'in', values: ['in'] }]],
    [' app = web , tier!=db,  example.com/x ', [
      { key: 'app', operator: '=', values: ['web'] },
      { key: 'tier', operator: '!=', values: ['db'] },
      { key: 'example.com/x', operator: 'exists', values: [] },
    ]],
  ])('parses %j', (selector, expected) => {
    expect(parseLabelSelector(selector)).toEqual(expected);
  });

  // RegexError really puts two spaces before each " or " in its examples.
  it.each([
    ['a b c', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (x', "unable to parse requirement: found ''\, expected: ',' or ')'"],
    ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['a>x', "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"],
    ['a=b@c', "unable to parse requirement: values[0][a]: Invalid value: \"b@c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
    ['-a=b', "unable to parse requirement: <nil>: Invalid value: \"-a\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"],
    ['a=>b', "unable to parse requirement: found '>', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
  ])('rejects %j', (selector, message) => {
    expect(errorOf(() => parseLabelSelector(selector))).toBe(message);
  });

  it('matches like apimachinery', () => {
    const labels = { app: 'web', tier: 'front', n: '5' };
    const cases: [string, boolean][] = [
      ['app=web', true], ['app==web', true], ['app=db', false], ['app!=db', true], ['missing!=x', true],
      ['app in (db,web)', true], ['app notin (web)', false], ['missing notin (x)', true], ['app', true], ['!app', false],
      ['!missing', true], ['n>4', true], ['n>5', false], ['n<6', true], ['app>1', false], ['missing<1', false],
      ['app=web,tier=front', true], ['app=web,tier=back', false],
    ];
    for (const [selector, expected] of cases) expect([selector, matchesLabelSelector(parseLabelSelector(selector), labels)]).toEqual([selector, expected]);
    expect(matchesLabelSelector(parseLabelSelector('!a'), undefined)).toBe(true);
  });
});

describe('field selector parser', () => {
  it('accepts metadata.name and metadata.namespace with =, == and !=', () => {
    const selector = parseFieldSelector('metadata.name=a,metadata.namespace!=kube-system');
    expect(matchesFieldSelector(selector, { name: 'a', namespace: 'default' })).toBe(true);
    expect(matchesFieldSelector(selector, { name: 'a', namespace: 'kube-system' })).toBe(false);
    expect(matchesFieldSelector(parseFieldSelector('metadata.name==b'), { name: 'a', namespace: 'x' })).toBe(false);
    expect(parseFieldSelector('')).toEqual([]);
  });

  it('names the unsupported field', () => {
    expect(errorOf(() => parseFieldSelector('spec.holderIdentity=x'))).toBe('"spec.holderIdentity" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  it('rejects terms without an operator and bad escapes', () => {
    expect(errorOf(() => parseFieldSelector('metadata.name'))).toBe("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
    expect(errorOf(() => parseFieldSelector('metadata.name=a\\b'))).toBe('invalid field selector: invalid escape sequence: \\b');
    expect(parseFieldSelector('metadata.name=a\\,b')).toEqual([{ field: 'metadata.name', equal: true, value: 'a,b' }]);
  });
});
