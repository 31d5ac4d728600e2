// DDSketch.toProto / fromProto: the protobuf DDSketch message of DataDog's sketches-proto.
// The fixture tests/fixtures/ddsketch_proto/python_ddsketch.json holds bytes written by the PyPI
// `ddsketch` package (make_fixture.py next to it; the Python suite checks it is still what that
// package writes), so Node checks interop with it too.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ks from '../../bindings/wasm/dist/index.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/ddsketch_proto/python_ddsketch.json', import.meta.url)));
const pythonBytes = Uint8Array.from(fixture.proto_hex.match(/../g), (h) => parseInt(h, 16));

function latencies(n, seed) {
  const out = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push((i % 10 === 0 ? -1 : 1) * Math.exp((x / 2147483648) * 12 - 2));
  }
  return out;
}

const qs = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1];

before(() => ks.init());

describe('DDSketch protobuf', () => {
  test('reads the bytes the Python ddsketch package wrote: same count and quantiles', () => {
    const sketch = ks.DDSketch.fromProto(pythonBytes);
    assert.equal(sketch.count, fixture.count);
    assert.deepEqual(sketch.quantiles(fixture.quantiles), fixture.quantile_values);
    // keyscope's own sketch of the same values has the same buckets, so merges exactly.
    const ours = new ks.DDSketch(fixture.relative_accuracy).addMany(fixture.values);
    assert.deepEqual(ours.quantiles(fixture.quantiles), fixture.quantile_values);
    assert.deepEqual(ks.DDSketch.fromProto(ours.toProto()).quantiles(qs), sketch.quantiles(qs));
    ours.merge(sketch);
    assert.equal(ours.count, 2 * fixture.count);
    const twice = new ks.DDSketch(fixture.relative_accuracy).addMany(fixture.values).addMany(fixture.values);
    assert.deepEqual(ours.quantiles(qs), twice.quantiles(qs));
    for (const s of [sketch, ours, twice]) s.dispose();
  });

  test('round trip: same quantiles and count; the bytes decode to themselves', () => {
    const sketch = new ks.DDSketch(0.01).addMany(latencies(20000, 7)).add(0, 3);
    const bytes = sketch.toProto();
    assert.ok(bytes instanceof Uint8Array && bytes.length > 0);
    for (const input of [bytes, bytes.buffer, Buffer.from(bytes), new DataView(bytes.buffer)]) {
      const back = ks.DDSketch.fromProto(input);
      assert.equal(back.count, sketch.count);
      assert.deepEqual(back.quantiles(qs), sketch.quantiles(qs));
      assert.deepEqual(back.toProto(), bytes);
      back.merge(sketch); // the same relative accuracy and maxBuckets
      assert.equal(back.count, 2 * sketch.count);
      back.dispose();
    }
    assert.deepEqual(ks.DDSketch.fromProto(new ks.DDSketch(0.05).toProto()).count, 0);
    sketch.dispose();
  });

  test('hostile bytes are a DecodeError naming the field, never an abort', () => {
    const cases = [
      [new Uint8Array([]), 'mapping.gamma'],
      [new Uint8Array([0x0a, 0x80]), '$'],                      // truncated varint
      [new Uint8Array([0x0a, 0x05, 0x09, 0x00]), '$'],          // length beyond the data
      [new Uint8Array([0x0f]), '$'],                            // wire type 7
      [pythonBytes.subarray(0, pythonBytes.length - 3), '$'],   // cut short
    ];
    for (const [bytes, path] of cases) {
      assert.throws(() => ks.DDSketch.fromProto(bytes), (e) => {
        assert.ok(e instanceof ks.DecodeError, `${e}`);
        assert.equal(e.jsonPath, path);
        return true;
      });
    }
    // A negative count in the first contiguous bin of the positive store.
    const sketch = new ks.DDSketch(0.01).add(2);
    const bad = sketch.toProto();
    const at = bad.length - 10; // positiveValues{contiguousBinCounts [<8 bytes>]; offset 35 (2 bytes)}
    new DataView(bad.buffer).setFloat64(at, -1, true);
    assert.throws(() => ks.DDSketch.fromProto(bad), (e) => e instanceof ks.DecodeError
      && e.jsonPath === 'positiveValues.contiguousBinCounts');
    assert.throws(() => ks.DDSketch.fromProto('0a09'), ks.ValidationError);
    assert.throws(() => ks.DDSketch.fromProto(null), ks.ValidationError);
    assert.throws(() => ks.DDSketch.fromProto(sketch.toProto(), 0), ks.ValidationError);
    sketch.dispose();
  });
});
