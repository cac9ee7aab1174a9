// Builds the edition's plotly.js: the core plus only the trace types the book draws.
//
// Run with `make plotly-bundle` (or `npm ci && node build.mjs` here). The result, with its
// licence and a manifest, is committed to src/edition/static/edition/plotly/, so neither the
// book build nor CI needs node. plotly.js is pinned (package.json, package-lock.json) to the
// version the installed Python `plotly` package carries; tests/test_plotly_bundle.py checks that.
//
// The options follow plotly.js's own esbuild-config.js (iife, global `Plotly`, the same
// plugins, aliases and target), minified. Unlike plotly.js's dist bundles, attribute
// descriptions are not stripped: its stripping step lives in its repository's tasks/ folder,
// which the npm package leaves out, and the bundle meets its size budget without it.
import { build } from "esbuild";
import { environmentPlugin } from "esbuild-plugin-environment";
import { glsl } from "esbuild-plugin-glsl";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const plotlyRoot = dirname(require.resolve("plotly.js/package.json"));
// What esbuild-plugin-inline-css (in plotly.js's config) does: each imported .css file becomes
// a script that adds it once as a <style> element. Its id is a hash of the file's path relative
// to this folder (the original hashes the absolute path, so a build elsewhere differed).
const inlineCss = {
  name: "inline-css",
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, (args) => {
      const id = createHash("sha256").update(relative(here, args.path).split(sep).join("/")).digest("hex");
      const css = JSON.stringify(readFileSync(args.path, "utf8"));
      return {
        contents: `(function(){if(!document.getElementById('${id}')){var e=document.createElement('style');` +
          `e.id='${id}';e.textContent=${css};document.head.appendChild(e);}})();`,
        loader: "js",
      };
    });
  },
};

// plotly.js's esbuild-config.js, restated: the published file requires its repository's
// tasks/ folder, which the npm package leaves out.
const config = {
  format: "iife",
  globalName: "Plotly",
  bundle: true,
  plugins: [inlineCss, glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
  alias: { regl: "@plotly/regl", stream: "stream-browserify" },
  define: { global: "window", "define.amd": "false" },
  target: "es2016",
};
const version = JSON.parse(readFileSync(join(plotlyRoot, "package.json"), "utf8")).version;
const traces = JSON.parse(readFileSync(join(here, "traces.json"), "utf8")).traces;
const outDir = resolve(here, "..", "..", "src", "edition", "static", "edition", "plotly");
const outFile = join(outDir, "plotly-edition.min.js");

for (const trace of traces) {
  if (!/^[a-z0-9]+$/.test(trace)) throw new Error(`traces.json: not a trace type name: ${trace}`);
  require.resolve(`plotly.js/lib/${trace}.js`); // fails loudly on a type plotly.js does not have
}

// One entry module: plotly.js's core, then each trace type, as its lib/index-*.js files do.
const entry = [
  "'use strict';",
  "var Plotly = require('plotly.js/lib/core');",
  `Plotly.register([${traces.map((t) => `require('plotly.js/lib/${t}')`).join(", ")}]);`,
  "module.exports = Plotly;",
].join("\n");

mkdirSync(outDir, { recursive: true });
const banner = [
  "/**",
  `* plotly.js v${version}, partial bundle for this edition: core + ${traces.join(", ")}`,
  "* Copyright 2012-2026, Plotly, Inc. All rights reserved.",
  "* Licensed under the MIT license (see LICENSE beside this file)",
  "* Built by tools/plotly-bundle/build.mjs",
  "*/",
].join("\n");
await build({
  ...config,
  stdin: { contents: entry, resolveDir: here, sourcefile: "edition-plotly-entry.js", loader: "js" },
  entryPoints: undefined,
  outfile: outFile,
  minify: true,
  legalComments: "none",
  banner: { js: banner },
  nodePaths: [join(plotlyRoot, "node_modules"), join(here, "node_modules")],
  logLevel: "warning",
});
copyFileSync(join(plotlyRoot, "LICENSE"), join(outDir, "LICENSE"));
const bytes = readFileSync(outFile);
const manifest = {
  plotlyjs_version: version,
  traces,
  file: "plotly-edition.min.js",
  bytes: bytes.length,
  sha256: createHash("sha256").update(bytes).digest("hex"),
  esbuild: require("esbuild/package.json").version,
};
writeFileSync(join(outDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`${outFile}: ${bytes.length} bytes, plotly.js ${version}, traces ${traces.join(", ")}`);
