// Imports run downwards (STYLE.md, "Layout"): the kube layer and pure lease logic know nothing of the CLI above
// them, and no two areas of src/ lean on each other. Read from the sources themselves, so a new import that breaks
// a layer fails here rather than in review.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../../src');

interface LocalImport {
  /** Both relative to src/, e.g. `kube/client.ts` imports `lease/types.ts`. */
  from: string;
  to: string;
  /** `import type` (erased at build), `import()` (loaded on demand), or a static import of values. */
  kind: 'type' | 'lazy' | 'value';
}

const IMPORT = /\bimport\s*\(\s*(['"])(\.[^'"\n]+)\1|^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\bfrom\s*)?(['"])(\.[^'"\n]+)\4/gm;

/** Every relative import in one source text, with its kind. */
function localImports(from: string, source: string): LocalImport[] {
  return [...source.matchAll(IMPORT)].map((match) => {
    const specifier = match[2] ?? match[5]!;
    const to = relative(src, resolve(dirname(join(src, from)), specifier)).replace(/\.js$/, '.ts');
    return { from, to, kind: match[2] !== undefined ? 'lazy' : match[3] ? 'type' : 'value' };
  });
}

const modules = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
const imports = modules.flatMap((file) => localImports(file, readFileSync(join(src, file), 'utf8')));

/** A folder of src/ (kube, lease, printers…), or a module at its top (cli, context, errors…). */
const areaOf = (module: string) => (module.includes('/') ? module.split('/')[0]! : module.replace(/\.ts$/, ''));

/** Each cycle once, as `a -> b -> a`, starting from its first node in sorted order. */
function cyclesOf(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const found = new Set<string>();
  const walk = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      const cycle = path.slice(at);
      const start = cycle.indexOf([...cycle].sort()[0]!);
      const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
      found.add([...rotated, rotated[0]].join(' -> '));
      return;
    }
    for (const next of edges.get(node) ?? []) walk(next, [...path, node]);
  };
  for (const node of [...edges.keys()].sort()) walk(node, []);
  return [...found].sort();
}

function graph(entries: readonly (readonly [string, string])[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const [from, to] of entries) if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
  return edges;
}

const importsBy = (area: string) => imports.filter((entry) => areaOf(entry.from) === area && areaOf(entry.to) !== area);
const describeImport = (entry: LocalImport) => `src/${entry.from} imports src/${entry.to}`;

describe('the layers of src/', () => {
  it('finds the imports it checks, of every kind', () => {
    const found = localImports('kube/x.ts', `import { a } from './a.js';\nimport type { B } from '../lease/b.js';\nexport { c } from "./c.js";\nconst d = await import('../d.js');\n`);
    expect(found.map(({ to, kind }) => `${kind} ${to}`)).toEqual(['value kube/a.ts', 'type lease/b.ts', 'value kube/c.ts', 'lazy d.ts']);
    expect(imports.filter((entry) => entry.from === 'cli.ts' && entry.to === 'kube/connect.ts').map((entry) => entry.kind)).toEqual(['lazy']);
  });

  it("src/kube imports nothing of the CLI above it, not even a type: only itself, lease's types, the clock, the version and Go's words for file errors", () => {
    const allowed = new Set(['lease/types.ts', 'clock.ts', 'version.ts', 'file-errors.ts']);
    expect(importsBy('kube').filter((entry) => !allowed.has(entry.to)).map(describeImport)).toEqual([]);
  });

  it('errors become text at one edge: only the CLI imports the error wording, and the loops import no printer', () => {
    expect(imports.filter((entry) => entry.to === 'error-message.ts' && entry.from !== 'cli.ts').map(describeImport)).toEqual([]);
    expect(['election', 'gc', 'kube', 'lease'].flatMap((area) => importsBy(area).filter((entry) => areaOf(entry.to) === 'printers')).map(describeImport)).toEqual([]);
  });

  it('src/lease is pure: it imports nothing outside itself, so it can neither do I/O through the app nor word anything for it', () => {
    expect(importsBy('lease').map(describeImport)).toEqual([]);
  });

  it('printers decide nothing themselves: they import no command, hold, gc logic or kube client', () => {
    // Types of what they print are fine (gc's plan and outcome); the logic that produced them is not.
    const deciders = ['cli', 'commands', 'completion', 'gc', 'hold', 'kube'];
    const leaks = importsBy('printers').filter((entry) => entry.kind !== 'type' && deciders.includes(areaOf(entry.to)));
    expect(leaks.map(describeImport)).toEqual([]);
  });

  it('no module imports itself round about, except through a lazy import() that loads a plugin on demand', () => {
    const edges = graph(imports.filter((entry) => entry.kind === 'value').map((entry) => [entry.from, entry.to] as const));
    expect(cyclesOf(edges)).toEqual([]);
  });

  it('no two areas of src/ import each other, directly or round about', () => {
    const edges = graph(imports.map((entry) => [areaOf(entry.from), areaOf(entry.to)] as const));
    expect(cyclesOf(edges)).toEqual([]);
  });
});
