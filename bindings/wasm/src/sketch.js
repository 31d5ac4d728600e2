// DDSketch: the core's mergeable quantile sketch (src/sketch_binding.cpp), its buckets in wasm
// memory behind an integer id.
import { unwrap } from './core.js';
import { loadedAnalytics, requireAnalytics } from './analytics_core.js';
import { ValidationError } from './errors.js';

const sketchRegistry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((id) => { loadedAnalytics()?.sketchFree(id); })
  : null;

function withDoubles(instance, values, fn) {
  const length = values.length;
  const pointer = instance._malloc(Math.max(8, length * 8));
  try {
    new Float64Array(instance.HEAPU8.buffer, pointer, length).set(values);
    return fn(pointer, length);
  } finally {
    instance._free(pointer);
  }
}

const BATCH = 4096;

/**
 * A DDSketch with relative accuracy `relativeAccuracy` (default 0.01) and at most `maxBuckets`
 * buckets per store (default 2048): the same sketch, byte for byte, as the C++ and Python ones.
 * Its buckets live in wasm memory; dispose() frees them at once, otherwise the garbage
 * collector does.
 */
export class DDSketch {
  #id;
  #buffer = new Float64Array(BATCH);
  #buffered = 0;

  constructor(relativeAccuracy = 0.01, maxBuckets = 2048, _fromId = undefined) {
    const instance = requireAnalytics();
    this.#id = _fromId ?? unwrap(instance.sketchCreate(relativeAccuracy, maxBuckets));
    sketchRegistry?.register(this, this.#id, this);
  }

  static fromJSON(json) {
    const instance = requireAnalytics();
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    const id = unwrap(instance.sketchFromJson(text));
    return new DDSketch(undefined, undefined, id);
  }

  /**
   * Reads the protobuf DDSketch message of DataDog's sketches-proto (what the Python `ddsketch`
   * package's DDSketchProto and sketches-go write): a Uint8Array, Buffer or ArrayBuffer. The
   * message has no max_buckets: `maxBuckets` (default 2048) bounds each store.
   */
  static fromProto(bytes, maxBuckets = 2048) {
    let view;
    if (bytes instanceof Uint8Array) view = bytes;
    else if (bytes instanceof ArrayBuffer) view = new Uint8Array(bytes);
    else if (ArrayBuffer.isView(bytes)) view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else {
      throw new ValidationError('DDSketch.fromProto expects a Uint8Array, Buffer or ArrayBuffer', { code: 'invalid_argument' });
    }
    const id = unwrap(requireAnalytics().sketchFromProto(view, maxBuckets));
    return new DDSketch(undefined, undefined, id);
  }

  add(value, count = 1) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ValidationError(`DDSketch.add: value must be a finite number, got ${value}`, { code: 'invalid_argument' });
    }
    if (count !== 1) {
      this.#flush();
      const instance = requireAnalytics();
      withDoubles(instance, [value], (p, n) => unwrap(instance.sketchAdd(this.#live(), p, n, count)));
      return this;
    }
    this.#buffer[this.#buffered++] = value;
    if (this.#buffered === BATCH) this.#flush();
    return this;
  }

  addMany(values) {
    for (let i = 0; i < values.length; i++) this.add(values[i]);
    return this;
  }

  merge(other) {
    if (!(other instanceof DDSketch)) {
      throw new ValidationError('DDSketch.merge expects a DDSketch', { code: 'invalid_argument' });
    }
    this.#flush();
    other.#flush();
    unwrap(requireAnalytics().sketchMerge(this.#live(), other.#live()));
    return this;
  }

  quantile(q) { return this.quantiles([q])[0]; }

  quantiles(qs) {
    this.#flush();
    const instance = requireAnalytics();
    const values = Array.from(qs, Number);
    return withDoubles(instance, values, (p, n) => unwrap(instance.sketchQuantiles(this.#live(), p, n)));
  }

  #summary() {
    this.#flush();
    return unwrap(requireAnalytics().sketchSummary(this.#live()));
  }

  get count() { return this.#summary().count; }
  get sum() { return this.#summary().sum; }
  get min() { return this.#summary().min; }
  get max() { return this.#summary().max; }
  get bucketCount() { return this.#summary().bucket_count; }

  toJSON() {
    this.#flush();
    return unwrap(requireAnalytics().sketchToJson(this.#live()));
  }

  /** The protobuf DDSketch message (sketches-proto) of this sketch, as a new Uint8Array. */
  toProto() {
    this.#flush();
    const instance = requireAnalytics();
    const { pointer, length } = unwrap(instance.sketchToProto(this.#live()));
    return instance.HEAPU8.slice(pointer, pointer + length);
  }

  dispose() {
    if (this.#id === null) return;
    sketchRegistry?.unregister(this);
    requireAnalytics().sketchFree(this.#id);
    this.#id = null;
  }

  #live() {
    if (this.#id === null) throw new ValidationError('the sketch was disposed', { code: 'disposed' });
    return this.#id;
  }

  #flush() {
    if (this.#buffered === 0) return;
    const instance = requireAnalytics();
    const values = this.#buffer.subarray(0, this.#buffered);
    this.#buffered = 0;
    withDoubles(instance, values, (p, n) => unwrap(instance.sketchAdd(this.#live(), p, n, 1)));
  }
}
