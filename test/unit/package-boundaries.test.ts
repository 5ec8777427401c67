// The sandbox is the tests' oracle: if it shared code with the product, a bug in that code would be on both sides
// of every comparison and no test could see it. So neither imports the other; tests, demo and bench may use both.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const sandboxRoot = join(root, 'packages/sandbox');
const sandboxPackage = JSON.parse(readFileSync(join(sandboxRoot, 'package.json'), 'utf8')) as {
  name: string;
  dependencies?: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|mts|js|mjs)$/.test(file))
    .map((file) => join(dir, file));
}

/** Every module specifier a file names: static imports, re-exports, dynamic import() and require(). */
function importSpecifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;
  return [...source.matchAll(pattern)].map((match) => match[2]!);
}

interface Import {
  file: string;
  specifier: string;
  /** The absolute path a relative specifier points at; undefined for a package or builtin. */
  target?: string;
}

function importsOf(dir: string): Import[] {
  return sourceFiles(dir).flatMap((file) =>
    importSpecifiers(readFileSync(file, 'utf8')).map((specifier) => ({
      file: relative(root, file),
      specifier,
      ...(specifier.startsWith('.') ? { target: resolve(dirname(file), specifier) } : {}),
    })),
  );
}

const isInside = (path: string, dir: string) => !relative(dir, path).startsWith('..');
const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier);
const describeImport = ({ file, specifier }: Import) => `${file} imports '${specifier}'`;

describe('the boundary between the product and the sandbox', () => {
  it('finds the imports it checks, in every form', () => {
    expect(importSpecifiers(`import a from './a.js';\nexport { b } from "../b.js";\nconst c = await import('./c.js');\nimport './d.js';\nimport type { E } from 'e';`))
      .toEqual(['./a.js', '../b.js', './c.js', './d.js', 'e']);
  });

  it('the product imports nothing of the sandbox', () => {
    const crossings = importsOf(join(root, 'src')).filter(
      (entry) => (entry.target !== undefined && isInside(entry.target, join(root, 'packages')))
        || packageName(entry.specifier) === sandboxPackage.name,
    );
    expect(crossings.map(describeImport)).toEqual([]);
  });

  it('the sandbox imports nothing outside its package but node and its declared dependencies', () => {
    const imports = importsOf(join(sandboxRoot, 'src'));
    expect(imports.length).toBeGreaterThan(30);
    const crossings = imports.filter((entry) =>
      entry.target !== undefined
        ? !isInside(entry.target, sandboxRoot)
        : !isBuiltin(entry.specifier) && !(packageName(entry.specifier) in (sandboxPackage.dependencies ?? {})),
    );
    expect(crossings.map(describeImport)).toEqual([]);
  });
});
