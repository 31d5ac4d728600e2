// Loading the WebAssembly module the client runs on, once, and what every other module needs of
// it: the instance and the host object its EM_JS imports call (Module.ksHost, filled in by
// transport.js and client.js). Which module that is, the entry says (provideModule): the main
// entry keyscope-core.wasm (everything, src/full_module.js), keyscope/client keyscope-client.wasm
// (the client alone, src/client-only.js). loadWasm() is how every module loads.
import { KeyscopeError, errorFromObject } from './errors.js';

const isNode = typeof process === 'object' && process !== null && !!process.versions?.node &&
  typeof window === 'undefined';

/** Functions the core calls into (src/fetch_transport.cpp, src/client_binding.cpp ...). */
export const host = {};

let corePromise = null;
let core = null;
let provided = null;

/**
 * The module init() loads: {factory (the Emscripten glue's), url (its .wasm), name, full (it also
 * holds the offline helpers)}. Each entry's init() and createClient() provide theirs first (not
 * at evaluation: the package is "sideEffects": false); the first load wins.
 */
export function provideModule(module) {
  if (!corePromise) provided = module;
}

/** Whether the module the client runs on also holds the offline helpers (src/analytics_core.js). */
export function coreIsFull() {
  return !!provided?.full;
}

function loadFailed(what, error) {
  return new KeyscopeError(`could not load the keyscope WebAssembly ${what}: ${error?.message ?? error}`,
    { code: 'wasm_load_failed', cause: error });
}

/**
 * Loads and instantiates the entry's WebAssembly module once. createClient() calls it. Options:
 * wasmUrl (where the module lives, default next to this file: keyscope-core.wasm, or
 * keyscope-client.wasm through keyscope/client), wasmBinary (bytes you already have).
 */
export function init(options = {}) {
  if (!corePromise) {
    if (!provided) {
      return Promise.reject(new KeyscopeError("no keyscope WebAssembly module: import 'keyscope' or 'keyscope/client'",
        { code: 'not_initialized' }));
    }
    const { wasmUrl, wasmBinary } = options ?? {};
    const { factory, url, name } = provided;
    corePromise = loadWasm(factory, name, wasmUrl ?? url, wasmBinary).then((instance) => {
      instance.ksHost = host;
      core = instance;
      return instance;
    }, (error) => {
      corePromise = null;
      throw error;
    });
  }
  return corePromise.then(() => undefined);
}

/**
 * Instantiates an Emscripten module (factory) from `wasmBinary`, or from `url`: read from disk in
 * Node for a file: URL, else fetched (streaming compilation where the engine has it). `what`
 * names the module in the KeyscopeError wasm_load_failed any failure becomes.
 */
export async function loadWasm(factory, what, url, wasmBinary) {
  const moduleArg = {
    print: () => {},
    printErr: () => {},
    onAbort: () => {},
  };
  let failLoad;
  const failed = new Promise((resolve, reject) => { failLoad = reject; });
  if (wasmBinary) {
    moduleArg.wasmBinary = wasmBinary;
  } else if (isNode && String(url).startsWith('file:')) {
    const fsName = 'node:fs/promises'; // kept out of bundlers' static analysis
    const { readFile } = await import(/* @vite-ignore */ fsName);
    try {
      moduleArg.wasmBinary = await readFile(url);
    } catch (error) {  // a missing file fails like a broken one: KeyscopeError wasm_load_failed
      throw loadFailed(what, error);
    }
  } else {
    moduleArg.instantiateWasm = (imports, receive) => {
      const response = fetch(url, { credentials: 'same-origin' });
      const viaBytes = () => response
        .then((r) => {
          if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
          return r.arrayBuffer();
        })
        .then((bytes) => WebAssembly.instantiate(bytes, imports));
      const streaming = typeof WebAssembly.instantiateStreaming === 'function'
        ? WebAssembly.instantiateStreaming(response, imports).catch(() => viaBytes())
        : viaBytes();
      // The glue's promise never settles when instantiateWasm fails: reject the load ourselves
      // (a broken or missing .wasm at wasmUrl used to leave init() pending forever).
      streaming.then((result) => receive(result.instance, result.module), failLoad);
      return {};
    };
  }
  try {
    return await Promise.race([factory(moduleArg), failed]);
  } catch (error) {
    throw loadFailed(what, error);
  }
}

/** The loaded core; a KeyscopeError not_initialized before init() has finished. */
export function requireCore() {
  if (!core) {
    throw new KeyscopeError('the keyscope core is not loaded yet: await init() (or createClient()) first',
      { code: 'not_initialized' });
  }
  return core;
}

/** {"ok": value} | {"error": <the core's error object>} text -> the value, or the error thrown. */
export function unwrap(text) {
  const result = JSON.parse(text);
  if (result.error) throw errorFromObject(result.error);
  return result.ok;
}
