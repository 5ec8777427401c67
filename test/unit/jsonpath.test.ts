// The JSONPath port against what kubectl 1.32 prints for the same template and object (the expected texts were
// taken from `kubectl create --dry-run=client -o jsonpath=...` on test/fixtures/jsonpath-object.json), and cases
// ported from client-go's util/jsonpath/jsonpath_test.go that apply to decoded JSON.
import { OutputTemplateError } from '../../src/printers/output-template-error.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/error-message.js';
import { columnsFromSpec, columnsFromTemplate, printCustomColumns, tabwrite } from '../../src/printers/custom-columns.js';
import { formatGoFloat, goJsonMarshal, goQuote, goSprint } from '../../src/printers/go-format.js';
import { JsonPath } from '../../src/printers/jsonpath.js';
import { createTemplatePrinter, templateFormatOf, writeTemplated, type TemplateOptions } from '../../src/printers/output-templates.js';

const object = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/jsonpath-object.json'), 'utf8')) as unknown;

const options: TemplateOptions = { allowMissingKeys: true, noHeaders: false, readFile: () => '' };

/** What leasectl prints for one object, or `error: ...` as the edge would print it. */
function jsonpath(template: string, input: unknown = object, allowMissingKeys = true): string {
  try {
    return createTemplatePrinter('jsonpath', template, { ...options, allowMissingKeys }).print([input], true);
  } catch (error) {
    if (error instanceof OutputTemplateError) return `error: ${error.message}`;
    throw error;
  }
}

describe('jsonpath prints what kubectl prints', () => {
  it.each([
    ['{.metadata.name}', 'g'],
    ['{.spec.list[*]}', '1 2 3 4 5 6 7'],
    ['{.spec.list[1:4]}', '2 3 4'],
    ['{.spec.list[-2:]}', '6 7'],
    ['{.spec.list[::2]}', '1 3 5 7'],
    ['{.spec.list[1:6:2]}', '2 4 6'],
    ['{.spec.list[-1]}', '7'],
    ['{.spec.list[0,2,4]}', '1 3 5'],
    ['{.spec.list[9:9]}', ''],
    ['{.spec.list[::100]}|{.spec.list[1::9223372036854775807]}|{.spec.list[-3::2]}', '1|2|5 7'],
    ['{.spec.list[]}', '1'],
    ['{.spec.nested[*][0]}', '1 3'],
    ['{.metadata.ownerReferences[?(@.kind=="B")].name}', 'o2'],
    ['{.metadata.ownerReferences[?(@.kind!="B")].name}', 'o1'],
    ['{.metadata.ownerReferences[?(@.uid<"2")].name}', 'o1'],
    ['{.metadata.ownerReferences[?(@.name)].uid}', '1 2'],
    ['{.spec.list[?(@>3)]}', '4 5 6 7'],
    ['{.spec.list[?(@<=3)]}', '1 2 3'],
    ['{.metadata.ownerReferences[*][\'name\',\'uid\']}', 'o1 o2 1 2'],
    ['{range .metadata.ownerReferences[*]}{.name}:{.kind}{"\\n"}{end}', 'o1:A\no2:B\n'],
    ['{range .spec.empty[*]}x{end}after', 'after'],
    ['{range .spec.nested[*]}{range @[*]}<{@}>{end};{end}', '<1><2>;<3>;'],
    ['{.metadata.labels.a\\.b/c}', 'dotted'],
    ["{.metadata.labels['a\\.b/c']}", 'dotted'],
    ['{.metadata.labels}', '{"a.b/c":"dotted","app":"web","tier":"x"}'],
    ['{.metadata.annotations}', '{"esc":"\\u001b[0m","note":"héllo\\ttab"}'],
    ['{.spec.n}', 'null'],
    ['{.spec.t}', 'true'],
    ['{.metadata.name.*}', '103'],
    ['{"\\t"}{.metadata.name}{"\\n"}', '\tg\n'],
    ["{'single'}", 'single'],
    ['{"\\u00e9\\x41"}', 'éA'],
    ['{.metadata.name}{"{"}{"}"}', 'g{}'],
    ['text only', 'text only'],
    ['{$.metadata.name}', 'g'],
    ['{ .metadata.name }', 'g'],
    ['{.metadata.labels.app}{.metadata.labels.nope}|', 'web|'],
    ['{.metadata..name}', 'g o1 o2'],
    ['{..uid}', '1 2'],
  ])('%s', (template, expected) => {
    expect(jsonpath(template)).toBe(expected);
  });

  it.each([
    ['{.metadata.name', 'error parsing jsonpath {.metadata.name, unclosed action'],
    ['{....name}', 'error parsing jsonpath {....name}, invalid multiple recursive descent'],
    ['{.a[?(@.x=~"y")]}', 'error parsing jsonpath {.a[?(@.x=~"y")]}, unrecognized character in action: U+007E \'~\''],
    ['{.spec.list[a]}', 'error parsing jsonpath {.spec.list[a]}, invalid array index a'],
    ['{.spec.list[}', 'error parsing jsonpath {.spec.list[}, unterminated array'],
    ['{.a[?(@.x=="y"]}', 'error parsing jsonpath {.a[?(@.x=="y"]}, unterminated filter'],
    ['{"unterminated}', 'error parsing jsonpath {"unterminated}, unterminated quoted string'],
    ['{"bad\\q"}', 'error parsing jsonpath {"bad\\q"}, unquote string "bad\\q" error invalid syntax'],
    ['{.spec.list[99999999999999999999]}', 'error parsing jsonpath {.spec.list[99999999999999999999]}, array index 99999999999999999999 is not a number'],
    ['{1..5}', 'error parsing jsonpath {1..5}, cannot parse number 1..5'],
    ['{-}', 'error parsing jsonpath {-}, cannot parse number -'],
    ['{.a\t}', 'error parsing jsonpath {.a\t}, unrecognized character in action: U+0009'],
  ])('refuses %s in kubectl words', (template, message) => {
    expect(jsonpath(template)).toBe(`error: ${message}`);
  });

  it.each([
    ['{.spec.list[7]}', 'array index out of bounds: index 7, length 7'],
    ['{.spec.list[-8]}', 'array index out of bounds: index -1, length 7'],
    ['{.spec.list[9223372036854775807]}', 'array index out of bounds: index 9223372036854775807, length 7'],
    ['{.spec.list[5:2]}', 'starting index 5 is greater than ending index 2'],
    ['{.spec.list[::0]}', 'step must be > 0'],
    ['{.spec.empty[0]}', 'array index out of bounds: index 0, length 0'],
    ['{.spec.holderIdentity[0]}', 'string is not array or slice'],
    ['{.spec.n[?(@.x)]}', '<nil> is not array or slice and cannot be filtered'],
    ['{.spec.t[?(@)]}', 'true is not array or slice and cannot be filtered'],
    ['{end}', 'not in range, nothing to end'],
    ['{foo}', 'unrecognized identifier foo'],
    ['{.spec.list[?(@==3.0)]}', 'incompatible types for comparison'],
    ['{.spec.list[?(@<"3")]}', 'incompatible types for comparison'],
    ['{.spec.list[?(@=3)]}', 'unrecognized filter operator ='],
    ['{.spec.t[?(@>true)]}', 'true is not array or slice and cannot be filtered'],
  ])('fails on %s with kubectl words', (template, message) => {
    expect(jsonpath(template)).toBe(`error: error executing jsonpath ${goQuote(template)}: Error executing template: ${message}`);
  });

  it('quotes the template in an execution error as Go %q does', () => {
    expect(jsonpath('{.spec.list[?(@<"3")]}')).toBe('error: error executing jsonpath "{.spec.list[?(@<\\"3\\")]}": Error executing template: incompatible types for comparison');
  });

  it('a missing key prints nothing by default and fails with --allow-missing-template-keys=false', () => {
    expect(jsonpath('{.spec.nope}|{.metadata.name}')).toBe('|g');
    expect(jsonpath('{.spec.nope}', object, false)).toBe('error: error executing jsonpath "{.spec.nope}": Error executing template: nope is not found');
    expect(jsonpath('{.metadata.labels[\'a.b/c\']}', object, false)).toBe(
      'error: error executing jsonpath "{.metadata.labels[\'a.b/c\']}": Error executing template: a is not found',
    );
    expect(jsonpath('{.}', object, false)).toBe('error: error executing jsonpath "{.}": Error executing template:  is not found');
  });

  it('a range without end runs the rest for each item, then once more on the object, as kubectl does', () => {
    expect(jsonpath('{range .a[*]}{@};{.k}', { a: [1, 2], k: 'K' })).toBe('1;2;{"a":[1,2],"k":"K"};K');
  });

  it('a null item reaches a range body as no value', () => {
    expect(jsonpath('{range .a[*]}[{@}]{end}', { a: [1, null, 'x'] })).toBe('[1][<no value>][x]');
    expect(jsonpath('{.a[*]}', { a: [1, null, 'x'] })).toBe('1 null x');
  });

  it('wraps several objects, or a list, in a v1 List; one named object stays bare', () => {
    const printer = createTemplatePrinter('jsonpath', '{.kind} {.metadata.resourceVersion}', options);
    expect(printer.print([object], true)).toBe('Lease ');
    expect(printer.print([object], false)).toBe('List ');
    expect(printer.print([object, object], true)).toBe('List ');
    expect(createTemplatePrinter('jsonpath', '{.metadata}{.items[*].metadata.name}', options).print([], false)).toBe('{"resourceVersion":""}');
  });
});

describe('client-go jsonpath_test.go cases on decoded JSON', () => {
  const points = [
    { id: 'i1', x: 4, y: -5 },
    { id: 'i2', x: -2, y: -5, z: 1 },
    { id: 'i3', x: 8, y: 3 },
    { id: 'i5', x: 0, y: 2, z: 1 },
  ];
  const nodes = {
    kind: 'List',
    items: [
      { kind: 'None', metadata: { name: '127.0.0.1', labels: { 'kubernetes.io/hostname': '127.0.0.1' } }, status: { capacity: { cpu: '4' }, ready: true, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.1' }] } },
      {
        kind: 'None',
        metadata: { name: '127.0.0.2', labels: { 'kubernetes.io/hostname': '127.0.0.2' } },
        status: { capacity: { cpu: '8' }, ready: false, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.2' }, { type: 'another', address: '127.0.0.3' }] },
      },
    ],
    users: [
      { name: 'myself', user: {} },
      { name: 'e2e', user: { username: 'admin', password: 'secret' } },
    ],
  };
  // client-go runs its empty-range cases with missing keys allowed, the rest without.
  const run = (template: string, input: unknown) => new JsonPath(template, template.includes('range .items') && JSON.stringify(input) === '{"items":[]}').execute(input as never);

  it.each([
    ['exists filter', '{[?(@.z)].id}', points, 'i2 i5'],
    ['bracket key', "{[0]['id']}", points, 'i1'],
    ['recursive', '{..}', [1, 2, 3], '[1,2,3]'],
    ['filter', '{[?(@<5)]}', [2, 6, 3, 7], '2 3'],
    ['quote', '{"{"}', null, '{'],
    ['union', '{[1,3,4]}', [0, 1, 2, 3, 4], '1 3 4'],
    ['range item', '{range .items[*]}{.metadata.name}, {end}{.kind}', nodes, '127.0.0.1, 127.0.0.2, List'],
    ['range item with quote', '{range .items[*]}{.metadata.name}{"\\t"}{end}', nodes, '127.0.0.1\t127.0.0.2\t'],
    ['range addresses', '{.items[*].status.addresses[*].address}', nodes, '127.0.0.1 127.0.0.2 127.0.0.3'],
    ['double range', '{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}', nodes, '127.0.0.1, 127.0.0.2, 127.0.0.3, '],
    ['union nodes capacity', "{.items[*]['metadata.name', 'status.capacity']}", nodes, '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'],
    ['range nodes capacity', '{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}', nodes, '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] '],
    ['user password', '{.users[?(@.name=="e2e")].user.password}', nodes, 'secret'],
    ['hostname', '{.items[0].metadata.labels.kubernetes\\.io/hostname}', nodes, '127.0.0.1'],
    ['hostname filter', '{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', nodes, 'None'],
    ['bool item', '{.items[?(@..ready==true)].metadata.name}', nodes, '127.0.0.1'],
    ['empty range', '{range .items[*]}{.metadata.name}{end}', { items: [] }, ''],
    ['empty nested range', '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}', { items: [] }, ''],
  ])('%s', (_name, template, input, expected) => {
    expect(run(template, input)).toBe(expected);
  });

  it('a template of 100,000 actions parses without running out of stack', () => {
    expect(new JsonPath('{.a}'.repeat(100_000), true).execute({ a: 1 } as never)).toBe('1'.repeat(100_000));
  });

  it('ranges nested 20,000 deep are refused in one short line instead of overflowing the stack', () => {
    const printer = createTemplatePrinter('jsonpath', `${'{range}'.repeat(20_000)}x`, options);
    expect(() => printer.print([{ a: 1 }], true)).toThrow(
      new OutputTemplateError('error executing jsonpath: its range blocks nest too deeply to evaluate; nest fewer range ... end'),
    );
  });

  it('recursive descent into an object nested 20,000 deep runs without running out of stack', () => {
    let deep: unknown = { name: 'bottom' };
    for (let level = 0; level < 20_000; level++) deep = { next: deep };
    expect(new JsonPath('{..name}', true).execute(deep as never)).toBe('bottom');
  });
});

describe("Go's printing of values", () => {
  it('prints float64 as %v does and int64 in decimal', () => {
    expect([1.5, 1e21, 1e20, 1e-5, 0.0001, 1.2345678901234567e19, -0, 123456.5, 1234567.5].map(formatGoFloat)).toEqual([
      '1.5', '1e+21', '1e+20', '1e-05', '0.0001', '1.2345678901234567e+19', '-0', '123456.5', '1.2345675e+06',
    ]);
    expect(goSprint(100000000)).toBe('100000000');
  });

  it('prints maps and lists as fmt.Sprint and json.Marshal do', () => {
    expect(goSprint({ b: [1, 'x'], a: null, 'é': true })).toBe('map[a:<nil> b:[1 x] é:true]');
    expect(goJsonMarshal({ b: '<&>\u2028\b', a: -0 })).toBe('{"a":-0,"b":"\\u003c\\u0026\\u003e\\u2028\\b"}');
  });
});

describe('custom-columns', () => {
  const leases = [
    { metadata: { name: 'alpha', labels: { app: 'web', 'a.b/c': 'dotted' } }, spec: { holderIdentity: 'node-1' } },
    { metadata: { name: 'beta', labels: { app: 'db' } }, spec: { leaseDurationSeconds: 40 } },
    { metadata: { name: 'evil', annotations: { esc: 'a\u001b[31mred\r\nb\tc d  ' } }, spec: { holderIdentity: '' } },
  ];

  it("aligns columns as kubectl's tabwriter does, with <none> for a missing value and an empty cell for an empty one", () => {
    const columns = columnsFromSpec('NAME:.metadata.name,H:.spec.holderIdentity,L:.metadata.labels,X:.nope');
    expect(printCustomColumns(columns, leases, false)).toBe(
      'NAME    H        L                           X\n' +
        'alpha   node-1   map[a.b/c:dotted app:web]   <none>\n' +
        'beta    <none>   map[app:db]                 <none>\n' +
        'evil             <none>                      <none>\n',
    );
  });

  it('escapes only ESC and CR in a value, as kubectl does: its tab and newline reach the tabwriter', () => {
    // The same bytes kubectl printed for this lease (see test/e2e/jsonpath-kubectl.test.ts for the live comparison).
    const columns = columnsFromSpec('NAME:.metadata.name,E:.metadata.annotations.esc,Z:.metadata.name');
    expect(printCustomColumns(columns, [leases[2]!], true)).toBe('evil   a^[[31mred\\r\nb      c d     evil\n');
  });

  it('a line of one cell flushes the table, whose widths carry on to the lines after it', () => {
    expect(tabwrite('a\tb\nlonger\tc\nsolo\nx\ty\n')).toBe('a        b\nlonger   c\nsolo\nx        y\n');
  });

  it('refuses a bad spec in kubectl words', () => {
    expect(() => columnsFromSpec('')).toThrow('custom-columns format specified but no custom columns given');
    expect(() => columnsFromSpec('NAME:.metadata.name,HOLDER')).toThrow('unexpected custom-columns spec: HOLDER, expected <header>:<json-path-expr>');
    expect(() => columnsFromSpec('A:{.a}{.b}')).toThrow(
      "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
    );
    expect(() => columnsFromTemplate('')).toThrow('invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.');
    expect(() => columnsFromTemplate('A B\n')).toThrow('invalid template, missing spec line.');
    expect(() => columnsFromTemplate('A B\n.a\n')).toThrow("number of headers (2) and field specifications (1) don't match");
  });

  it('reads a template file of headers and paths separated by any whitespace, CRLF lines too', () => {
    expect(columnsFromTemplate('NAME\tHOLDER\r\n{.metadata.name}   spec.holderIdentity\r\n')).toEqual([
      { header: 'NAME', fieldSpec: '{.metadata.name}' },
      { header: 'HOLDER', fieldSpec: '{.spec.holderIdentity}' },
    ]);
  });

  it('a path that fails prints the header first and then the error, as kubectl does', () => {
    const printer = createTemplatePrinter('custom-columns', 'A:.metadata.name,B:.a[', options);
    const written: string[] = [];
    const out = { write: (text: string) => written.push(text) } as never;
    expect(() => writeTemplated(printer, leases, false, out)).toThrow('unterminated array');
    expect(written).toEqual(['A     B\n']);
  });

  it('custom-columns-file prints its header even with --no-headers, as kubectl does', () => {
    const printer = createTemplatePrinter('custom-columns-file', '/t', { ...options, noHeaders: true, readFile: () => 'N\n.metadata.name\n' });
    expect(printer.print(leases.slice(0, 1), true)).toBe('N\nalpha\n');
  });
});

describe('-o template formats', () => {
  it('reads -o jsonpath=, jsonpath-file=, custom-columns= and custom-columns-file=, and nothing else', () => {
    expect(templateFormatOf('jsonpath={.a}')).toEqual({ format: 'jsonpath', value: '{.a}' });
    expect(templateFormatOf('custom-columns-file=x')).toEqual({ format: 'custom-columns-file', value: 'x' });
    expect(templateFormatOf('jsonpath')).toEqual({ format: 'jsonpath', value: '' });
    expect(templateFormatOf('yaml')).toBeUndefined();
  });

  it('names a template file that cannot be read in Go words', () => {
    const missing = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    const readFile = () => {
      throw missing;
    };
    expect(() => createTemplatePrinter('jsonpath-file', '/nope', { ...options, readFile })).toThrow('error reading --template /nope, open /nope: no such file or directory');
    expect(() => createTemplatePrinter('custom-columns-file', '/nope', { ...options, readFile })).toThrow('error reading template /nope, open /nope: no such file or directory');
    expect(() => createTemplatePrinter('jsonpath', '', options)).toThrow('template format specified but no template given');
  });

  it('the error edge prints a template error as one escaped line, exit 1', () => {
    expect(describeError(new OutputTemplateError('error parsing jsonpath {.a\n, unclosed action'))).toEqual({
      message: 'error: error parsing jsonpath {.a^J, unclosed action',
      exitCode: 1,
    });
  });
});
