// Compiles contracts/*.sol with solc-js into <out>/<Name>.json, deterministically: sources are read in sorted
// order under their repository-relative names, the metadata hash is left out of the bytecode, and the JSON is
// written with a fixed key order and a trailing newline. Usage: node compile-contracts.js <srcDir> <outDir>
// (SOLC_PATH names the solc-js package directory). Exits non-zero on any compiler error.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require(process.env.SOLC_PATH || 'solc');

const [srcDir, outDir] = process.argv.slice(2);
if (!srcDir || !outDir) {
  console.error('usage: node compile-contracts.js <srcDir> <outDir>');
  process.exit(2);
}

const files = fs.readdirSync(srcDir).filter(f => f.endsWith('.sol')).sort();
const sources = {};
for (const f of files) sources[`contracts/${f}`] = { content: fs.readFileSync(path.join(srcDir, f), 'utf8') };

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter(e => e.severity === 'error');
for (const e of output.errors || []) console.error(e.formattedMessage || e.message);
// Warnings are errors here, as in the C# build.
if ((output.errors || []).length > 0) process.exit(1);

fs.mkdirSync(outDir, { recursive: true });
const written = [];
for (const file of Object.keys(output.contracts).sort()) {
  // Only contracts defined in contracts/<Name>.sol named <Name> are deployable artifacts; interfaces and
  // libraries alongside them are compiled in but not written.
  const expected = path.basename(file, '.sol');
  const contract = output.contracts[file][expected];
  if (!contract) continue;
  const artifact = {
    contractName: expected,
    compiler: `solc-js ${solc.version()}`,
    abi: contract.abi,
    bytecode: '0x' + contract.evm.bytecode.object,
  };
  fs.writeFileSync(path.join(outDir, `${expected}.json`), JSON.stringify(artifact, null, 2) + '\n');
  written.push(expected);
}
if (errors.length > 0 || written.length === 0) process.exit(1);
console.log(`compiled ${written.join(', ')} -> ${outDir}`);
