// The shared analytics vectors (tests/vectors/*.json) through the package's JS helpers: the same
// cases the C++ and Python suites run, so all three front doors agree.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as ks from '../../bindings/wasm/dist/index.js';

const dir = new URL('../vectors/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

// Vector matching rules (tests/vectors/README.md): objects are subsets, arrays match element
// by element with the same length, numbers within 1e-9 relative (absolute below 1).
function match(actual, expected, path = '$') {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${path}: expected a number, got ${JSON.stringify(actual)}`);
    const scale = Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(actual - expected) <= 1e-9 * scale, `${path}: ${actual} != ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => match(actual[i], e, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual),
      `${path}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) {
      assert.ok(k in actual, `${path}.${k}: missing`);
      match(actual[k], v, `${path}.${k}`);
    }
  } else {
    assert.equal(actual, expected, `${path}`);
  }
}

// The named JS helpers, so the vectors exercise the public API, not only runHelper().
const named = {
  usage_by_key: (input) => ks.usageByKey(input),
  detect_anomalies: (input) => ks.detectAnomalies(input),
  chargeback: (input) => ks.chargeback(input),
  check_usage: (input) => ks.checkUsage(input),
  gap_fill: (input) => ks.gapFill(input),
  environment_of: (input) => ks.environmentOf(input.prefix),
};

before(() => ks.init());

test('the vectors are there', () => {
  assert.ok(files.length >= 8, `found ${files.join(', ')}`);
});

for (const file of files) {
  const { helper, cases } = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
  describe(`${file} (${helper})`, () => {
    for (const c of cases) {
      test(c.name, () => {
        // environmentOf(prefix) stringifies its argument, so type-error cases go through runHelper.
        const useNamed = named[helper] && (helper !== 'environment_of' || typeof c.input?.prefix === 'string');
        const run = () => (useNamed ? named[helper](c.input) : ks.runHelper(helper, c.input));
        if (c.expected_error) {
          assert.throws(run, (error) => {
            assert.ok(error instanceof ks.KeyscopeError, `not a KeyscopeError: ${error}`);
            assert.equal(error.name, c.expected_error.type, error.message);
            if (c.expected_error.message_contains !== undefined) {
              assert.ok(error.message.includes(c.expected_error.message_contains),
                `${error.message} does not say ${c.expected_error.message_contains}`);
            }
            return true;
          });
          return;
        }
        match(run(), c.expected);
        match(ks.runHelper(helper, c.input), c.expected);
        if (helper === 'ddsketch') {
          // The JS DDSketch class (streamed adds) gives the same quantiles as the helper.
          const { samples, qs, relative_accuracy: a = 0.01, max_buckets: m = 2048 } = c.input;
          const sketch = new ks.DDSketch(a, m);
          for (const s of samples) sketch.add(s);
          assert.deepEqual(sketch.quantiles(qs), ks.runHelper('ddsketch', c.input).values);
          if (c.expected.count !== undefined) assert.equal(sketch.count, c.expected.count);
          sketch.dispose();
        }
        if (helper === 'percentiles' && c.input.qs.length === 1) {
          match(ks.percentile(c.input.samples, c.input.qs[0]), c.expected.values[0]);
        }
      });
    }
  });
}

describe('DDSketch', () => {
  test('merge equals one sketch over all samples; JSON round trip; relative error bound', () => {
    const a = new ks.DDSketch(0.01);
    const b = new ks.DDSketch(0.01);
    const all = new ks.DDSketch(0.01);
    const samples = [];
    let x = 12345;
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const v = 1 + (x / 2147483648) * 1000;
      samples.push(v);
      (i % 2 ? a : b).add(v);
      all.add(v);
    }
    a.merge(b);
    const qs = [0, 0.25, 0.5, 0.9, 0.99, 1];
    assert.deepEqual(a.quantiles(qs), all.quantiles(qs));
    assert.equal(a.count, 20000);
    const copy = ks.DDSketch.fromJSON(a.toJSON());
    assert.deepEqual(copy.quantiles(qs), a.quantiles(qs));
    const exact = ks.percentiles(samples, [0.5, 0.99]);
    const approx = a.quantiles([0.5, 0.99]);
    exact.forEach((e, i) => assert.ok(Math.abs(approx[i] - e) / e <= 0.0101, `${approx[i]} vs ${e}`));
    for (const s of [a, b, all, copy]) s.dispose();
    assert.throws(() => a.quantile(0.5), ks.ValidationError);
  });

  test('bad input is a ValidationError, never an abort', () => {
    assert.throws(() => new ks.DDSketch(2), ks.ValidationError);
    const s = new ks.DDSketch();
    assert.throws(() => s.add(NaN), ks.ValidationError);
    assert.throws(() => s.quantile(0.5), ks.KeyscopeError); // empty sketch
    s.add(1);
    assert.throws(() => s.quantile(1.5), ks.ValidationError);
    assert.throws(() => ks.DDSketch.fromJSON('{"nope":1}'), ks.KeyscopeError);
    assert.throws(() => ks.percentiles([], [0.5]), ks.ValidationError);
    assert.throws(() => ks.detectAnomalies({ keys: 'x' }), ks.KeyscopeError);
    assert.throws(() => ks.chargeback({ rows: [], bill: '12.345', mapping: { name_pattern: '(' } }), ks.ValidationError);
    s.dispose();
  });

  // In the npm package the pattern runs on the JS RegExp engine (the C++ build uses std::regex):
  // the same extraction, the same typed errors, and no compiled pattern left behind.
  test('chargeback name_pattern on the RegExp engine', () => {
    const rows = [
      { key_id: '1', name: 'SIEM [soc] café', request_count: 30 },
      { key_id: '2', name: 'Grafana [observability]', request_count: 10 },
      { key_id: '3', name: 'no brackets', request_count: 10 },
      { key_id: '4', name: 'empty []', request_count: 0 },
    ];
    const centers = (pattern) => Object.fromEntries(
      ks.chargeback({ rows, bill: '100.00', mapping: { name_pattern: pattern } }).map((c) => [c.cost_center, c.cost]));
    assert.deepEqual(centers('\\[(\\w+)\\]'),
      { soc: '60.00', observability: '20.00', unallocated: '20.00' });
    assert.deepEqual(Object.keys(centers('(caf.)$')).sort(), ['café', 'unallocated']);
    assert.throws(() => ks.chargeback({ rows, bill: '1.00', mapping: { name_pattern: '[(' } }), ks.ValidationError);
    assert.throws(() => ks.chargeback({ rows, bill: '1.00', mapping: { name_pattern: '[(' } }),
      /name_pattern is not a valid regular expression/);
    assert.throws(() => ks.chargeback({ rows, bill: '1.00', mapping: { name_pattern: '\\[\\w+\\]' } }),
      /exactly one capture group, it has 0/);
    assert.throws(() => ks.chargeback({ rows, bill: '1.00', mapping: { name_pattern: '(a)(b)' } }),
      /exactly one capture group, it has 2/);
    for (let i = 0; i < 200; i++) ks.chargeback({ rows, bill: '1.00', mapping: { name_pattern: '\\[(\\w+)\\]' } });
    assert.equal(ks.__internal.compiledPatterns(), 0, 'every compiled RegExp was released');
  });

  test('environmentOf', () => {
    assert.equal(ks.environmentOf('sk_live_ab12'), 'live');
    assert.equal(ks.environmentOf('sk_test_ab12'), 'test');
    assert.equal(ks.environmentOf('pk_ab12'), 'unknown');
  });
});
