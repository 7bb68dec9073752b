// Reference runner: executes a wasm32-wasi module with Node.js's own
// node:wasi, with the same arguments, environment and preopens as
// aegis-wasm, so the outputs can be compared byte for byte.
// usage: node node-wasi.js [--dir HOST:GUEST] [--env K=V] module.wasm args...
'use strict';
const fs = require('node:fs');
const { WASI } = require('node:wasi');

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
while (argv.length && argv[0].startsWith('--')) {
  const opt = argv.shift(), val = argv.shift();
  if (opt === '--dir') {
    const i = val.indexOf(':');
    preopens[i < 0 ? val : val.slice(i + 1)] = i < 0 ? val : val.slice(0, i);
  } else if (opt === '--env') {
    const i = val.indexOf('=');
    env[val.slice(0, i)] = val.slice(i + 1);
  }
}
const wasi = new WASI({ version: 'preview1', args: argv, env, preopens, returnOnExit: true });
const mod = new WebAssembly.Module(fs.readFileSync(argv[0]));
const inst = new WebAssembly.Instance(mod, wasi.getImportObject());
process.exitCode = wasi.start(inst);
