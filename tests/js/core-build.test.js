// What the WebAssembly core is built as (bindings/wasm/CMakeLists.txt): without C++ exceptions.
// Nothing in it throws (every failure is a Result, turned into {"error": ...} by the bindings),
// so the module has no exception-handling tag section (-fwasm-exceptions would add one) and no
// invoke_* trampolines or __cxa_throw imports (-fexceptions' JS emulation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const wasm = readFileSync(new URL('../../bindings/wasm/dist/keyscope-core.wasm', import.meta.url));
const glue = readFileSync(new URL('../../bindings/wasm/dist/keyscope-core.js', import.meta.url), 'utf8');
const TAG_SECTION = 13;

test('the core is built without C++ exceptions', () => {
  assert.deepEqual(glue.match(/\binvoke_\w+|___cxa_\w+|exceptionLast/g) ?? [], [], 'JS-emulated exceptions in the glue');
  // Section ids, read from the binary (the JS API lists no tag section).
  const ids = [];
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wasm[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < wasm.length) {
    ids.push(wasm[at++]);
    const size = leb();
    at += size;
  }
  assert.ok(ids.includes(10), 'a code section was read');
  assert.ok(!ids.includes(TAG_SECTION), `an exception tag section: sections ${ids.join(',')}`);
});
