// Bundles each entry point into one file so that start-up reads one file instead of ~1,000 modules
// (client-node alone is 967 ES modules: bundling cuts its import from ~390 ms to ~115 ms).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

// Stale chunks from an earlier build would otherwise ship in the package.
rmSync('dist', { recursive: true, force: true });

const entries = {
  sandbox: 'packages/sandbox/src/cli.ts',
  demo: 'scripts/demo.ts',
  bench: 'bench/run.ts',
};

// client-node's fetch stack (node-fetch 2 → whatwg-url 5 → tr46) requires Node's own `punycode`, which prints a
// DEP0040 deprecation warning on stderr under Node 22 and 24. The userland package of the same name and API
// (what tr46 itself switched to) is bundled in its place.
const userlandPunycode = {
  name: 'userland-punycode',
  setup(build) {
    build.onResolve({ filter: /^punycode$/ }, () => ({ path: join(import.meta.dirname, '..', 'node_modules', 'punycode', 'punycode.js') }));
  },
};

// commander requires node:child_process when it loads, for executable subcommands, which leasectl never declares;
// that brings net, dgram and Node's stream stack into every start, --help included (docs/performance.md). commander
// is given a stand-in that requires the real module on its first spawn.
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-for-commander' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-for-commander' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      loader: 'js',
    }));
  },
};

// yaml's `node` export is CommonJS: bundled, each of its ~70 modules is a closure that runs when the first is
// required, and nothing can be left out. Its ES-module build (the same code; it differs only in logging warnings
// with console.warn, and leasectl parses with warnings off) is hoisted and trimmed like our own code.
const yamlAsEsModule = {
  name: 'yaml-as-es-module',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: join(import.meta.dirname, '..', 'node_modules', 'yaml', 'browser', 'index.js') }));
  },
};

const common = {
  bundle: true,
  plugins: [userlandPunycode, lazyChildProcessForCommander, yamlAsEsModule],
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
};

// The sandbox, demo and bench are ES modules; CommonJS dependencies inside them call require(): give them one.
const esModule = { format: 'esm', banner: { js: "import{createRequire as __leasectlRequire}from'node:module';const require=__leasectlRequire(import.meta.url);" } };

// client-node is the one part of the CLI built into a file of its own, loaded only by users whose credentials
// need it. Its adapter may import nothing of ours but types: the code would be copied into both files.
const CLIENT_NODE_ADAPTER = 'src/kube/client-node-auth.ts';
const clientNodeApart = {
  name: 'client-node-apart',
  setup(build) {
    build.onResolve({ filter: /[\\/]client-node-auth\.js$/ }, () => ({ path: './client-node.cjs', external: true }));
  },
};
/** For a file bundled apart: it may import packages and types, and no module of ours. */
const importsNothingOfOurs = (entry) => ({
  name: 'imports-nothing-of-ours',
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) =>
      args.kind === 'entry-point' || /[\\/]node_modules[\\/]/.test(args.importer)
        ? undefined
        : { errors: [{ text: `${entry} imports ${args.path}: it is bundled apart, so it may import only packages and types` }] },
    );
  },
});

// The executables run the bundle through this loader, which keeps V8's code cache (src/launcher.ts).
const LAUNCHER = 'src/launcher.ts';

/** The packages a bundle contains, from esbuild's metafile (node_modules/<name> or node_modules/@scope/<name>). */
function bundledPackages(metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
  return [...packages].sort();
}

/** The dependencies ship only inside the bundle, so their licences ship beside it. */
function writeThirdPartyLicenses(packages, file) {
  const sections = packages.map((name) => {
    const dir = join('node_modules', name);
    const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(dir).find((entry) => /^(licen[cs]e|copying)/i.test(entry));
    const text = licenseFile ? readFileSync(join(dir, licenseFile), 'utf8').trim() : `License: ${license ?? 'see package'}`;
    return `${name}@${version} (${license ?? 'unknown'})\n\n${text}\n`;
  });
  writeFileSync(file, `Third-party software bundled in leasectl\n\n${sections.join(`\n${'-'.repeat(78)}\n\n`)}`);
}

// The CLI is one CommonJS file. On Node 20 and 22 a start through the ES-module loader cost 8 to 13 ms more than
// require() of the same code (resolving and linking each chunk); with the launcher's code cache, code a command
// does not run costs little more than reading it (docs/performance.md).
// import() becomes require(): the launcher compiles the bundle as a script, which has no ES-module loader. The file
// is the function the launcher compiles, CommonJS's wrapper included: joining the wrapper to the 400 KB text at
// every start made V8 copy it whole (0.7 ms on Node 20).
const COMMONJS_WRAPPER = { banner: { js: '(function (exports, require, module, __filename, __dirname) {' }, footer: { js: '})' } };
const [cli, clientNode] = await Promise.all([
  build({ ...common, ...COMMONJS_WRAPPER, plugins: [...common.plugins, clientNodeApart], format: 'cjs', supported: { 'dynamic-import': false }, entryPoints: ['src/main.ts'], outfile: 'dist/leasectl.cjs', minify: true, metafile: true }),
  build({ ...common, plugins: [...common.plugins, importsNothingOfOurs(CLIENT_NODE_ADAPTER)], format: 'cjs', entryPoints: [CLIENT_NODE_ADAPTER], outfile: 'dist/client-node.cjs', minify: true, metafile: true }),
  build({ ...common, plugins: [importsNothingOfOurs(LAUNCHER)], format: 'cjs', entryPoints: [LAUNCHER], outfile: 'dist/launcher.cjs' }),
  ...Object.entries(entries)
    .filter(([, entry]) => existsSync(entry))
    .map(([name, entry]) => build({ ...common, ...esModule, entryPoints: [entry], outfile: `dist/${name}.mjs` })),
]);
writeThirdPartyLicenses(bundledPackages({ inputs: { ...cli.metafile.inputs, ...clientNode.metafile.inputs } }), 'dist/THIRD_PARTY_LICENSES.txt');

// Every --help, rendered by the CLI itself for the launcher to print without loading the bundle (src/launcher.ts).
await build({ ...common, ...esModule, entryPoints: ['scripts/help-texts.ts'], outfile: 'dist/help-texts.mjs' });
execFileSync(process.execPath, ['dist/help-texts.mjs', 'dist/help.json'], { stdio: 'inherit' });
rmSync('dist/help-texts.mjs');
