// Your own traffic logs as a second witness: the core's streaming log reader (JSON lines, CSV,
// nginx log_format) fed chunk by chunk from a string, bytes, a Blob/File or a ReadableStream,
// yielding to the event loop between chunks so a page stays responsive on a large dropped file;
// and the reconciliation of the API's usage against it.
//
// A full secret key in a log line is cut to its prefix by the core as the line is read: no
// result or error of this module ever holds more than the prefix.
import { unwrap } from './core.js';
import { initAnalytics, loadedAnalytics, requireAnalytics } from './analytics_core.js';
import { ValidationError, CancelledError, errorFromObject } from './errors.js';
import { logSummary as toLogSummary, reconciliation as toReconciliation } from './models.js';

const DEFAULT_CHUNK_BYTES = 1 << 20;
const DAY_MS = 86400000;
const FIELD_NAMES = ['time', 'key', 'path', 'status', 'latency'];
const READER_OPTIONS = ['format', 'nginxFormat', 'fields', 'latencyUnit', 'days', 'now'];
const encoder = new TextEncoder();

function invalid(message) {
  return new ValidationError(message, { code: 'invalid_argument' });
}

function checkOptions(options, allowed, what) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid(`${what}: options must be an object`);
  }
  const unknown = Object.keys(options).filter((name) => options[name] !== undefined && !allowed.includes(name));
  if (unknown.length) throw invalid(`${what}: unknown option ${unknown.join(', ')} (known: ${allowed.join(', ')})`);
}

function optionalString(options, name) {
  const value = options[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  return value;
}

function checkDays(days, fallback = 30) {
  if (days === undefined || days === null) return fallback;
  if (!Number.isInteger(days) || days < 1 || days > 90) {
    throw new ValidationError(`days must be an integer in 1..90, got ${String(days)}`, { code: 'invalid_days' });
  }
  return days;
}

// now: an ISO-8601 string, a Date or epoch milliseconds; default the local clock.
function nowMs(now) {
  if (now === undefined || now === null) return Date.now();
  let ms = NaN;
  if (now instanceof Date) ms = now.getTime();
  else if (typeof now === 'number') ms = now;
  else if (typeof now === 'string' && /^\d{4}-\d{2}-\d{2}([T ]|$)/.test(now)) ms = Date.parse(now);
  if (!Number.isFinite(ms)) throw invalid('now must be an ISO-8601 timestamp, a Date or epoch milliseconds');
  return ms;
}

function isoSeconds(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

// The window: `days` UTC days ending on now's day, today included (as the API counts them).
function windowOf(options) {
  const days = checkDays(options.days);
  const ms = nowMs(options.now);
  const endDay = Math.floor(ms / DAY_MS);
  return {
    days, nowIso: isoSeconds(ms), endDate: new Date(endDay * DAY_MS).toISOString().slice(0, 10),
    start: (endDay - days + 1) * 86400, end: (endDay + 1) * 86400,
  };
}

function checkSignal(signal) {
  if (signal !== undefined && signal !== null &&
      (typeof signal !== 'object' || typeof signal.addEventListener !== 'function')) {
    throw invalid('signal must be an AbortSignal');
  }
}

function cancelled(signal) {
  return new CancelledError('reading the logs was cancelled', { code: 'cancelled', cause: signal?.reason });
}

function keysText(keys) {
  if (keys === undefined || keys === null) return '[]';
  if (!Array.isArray(keys)) throw invalid('keys must be an array of APIKeyInfo (client.listKeys())');
  return JSON.stringify(keys);
}

// One {"data": KeyUsage} a line: the core decodes each with its strict usage decoder.
function usageLines(usages, name) {
  if (!Array.isArray(usages)) throw invalid(`${name} must be an array of KeyUsage`);
  return usages.map((usage) => JSON.stringify({ data: usage })).join('\n');
}

const readerRegistry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((id) => { loadedAnalytics()?.logReaderFree(id); })
  : null;

/**
 * The core's streaming log reader. Options: format ('jsonl' | 'csv' | 'nginx', default jsonl),
 * nginxFormat (your log_format string, verbatim), fields ({time, key, path, status, latency}:
 * where each sits; detected from common names when left out), latencyUnit ('s' | 'ms' | 'us';
 * default from the field's name), days (1..90, default 30) and now (default the local clock):
 * lines outside those days are counted as out_of_window. feed() copies each chunk into wasm
 * memory; a chunk may end anywhere, even inside a UTF-8 sequence. Its state lives in wasm
 * memory: dispose() frees it at once, otherwise the garbage collector does.
 */
export class LogReader {
  #id;
  #window;
  #heap = 0;
  #heapSize = 0;

  constructor(options = {}) {
    checkOptions(options, READER_OPTIONS, 'LogReader');
    const instance = requireAnalytics();
    this.#window = windowOf(options);
    const fields = options.fields ?? {};
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
      throw invalid('fields must be an object: {time, key, path, status, latency}');
    }
    const unknown = Object.keys(fields).filter((name) => !FIELD_NAMES.includes(name));
    if (unknown.length) throw invalid(`fields: unknown field ${unknown.join(', ')} (time, key, path, status, latency)`);
    const sources = FIELD_NAMES.map((name) => {
      const value = fields[name];
      if (value === undefined || value === null) return '';
      if (typeof value !== 'string') throw invalid(`fields.${name} must be a string`);
      return value;
    });
    const format = options.format ?? 'jsonl';
    if (typeof format !== 'string') throw invalid('format must be jsonl, csv or nginx');
    this.#id = unwrap(instance.logReaderCreate(format, optionalString(options, 'nginxFormat'),
      optionalString(options, 'latencyUnit'), ...sources, this.#window.start, this.#window.end));
    readerRegistry?.register(this, this.#id, this);
  }

  /** The window this reader counts: {days, endDate ("2026-05-17"), now (ISO)}. */
  get window() {
    return { days: this.#window.days, endDate: this.#window.endDate, now: this.#window.nowIso };
  }

  /** Feeds a chunk of the log: a Uint8Array (any view), an ArrayBuffer or a string. */
  feed(chunk) {
    let bytes;
    if (typeof chunk === 'string') bytes = encoder.encode(chunk);
    else if (chunk instanceof Uint8Array) bytes = chunk;
    else if (ArrayBuffer.isView(chunk)) bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else if (chunk instanceof ArrayBuffer) bytes = new Uint8Array(chunk);
    else throw invalid('feed() takes a Uint8Array, an ArrayBuffer or a string');
    const id = this.#live();
    const instance = requireAnalytics();
    const step = Math.max(this.#heapSize, DEFAULT_CHUNK_BYTES);
    for (let at = 0; at < bytes.length; at += step) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + step));
      const pointer = this.#buffer(instance, piece.length);
      instance.HEAPU8.set(piece, pointer); // after the malloc: memory may have grown
      const error = instance.logReaderFeed(id, pointer, piece.length);
      if (error) throw errorFromObject(JSON.parse(error).error);
    }
    return this;
  }

  /** The last line, if the log did not end with a newline. summary() and aggregateJson() call it. */
  finish() {
    unwrap(requireAnalytics().logReaderFinish(this.#live()));
    this.#release();
    return this;
  }

  /** The LogSummary over the reader's window; keys (client.listKeys()) map prefixes to key ids. */
  summary({ keys } = {}) {
    this.#release();
    const text = requireAnalytics().logReaderSummary(this.#live(), keysText(keys), this.#window.days, this.#window.endDate);
    return toLogSummary(unwrap(text));
  }

  /** The whole aggregate (counts and latency sketches) as JSON text, for merge() elsewhere. */
  aggregateJson() {
    this.#release();
    return JSON.stringify(unwrap(requireAnalytics().logReaderAggregate(this.#live())));
  }

  /** Adds another reader's aggregate (a LogReader or its aggregateJson()): exact, as one read. */
  merge(other) {
    let text;
    if (other instanceof LogReader) text = other.aggregateJson();
    else if (typeof other === 'string') text = other;
    else throw invalid('merge() takes a LogReader or the text of aggregateJson()');
    unwrap(requireAnalytics().logReaderMerge(this.#live(), text));
    return this;
  }

  dispose() {
    if (this.#id === null) return;
    readerRegistry?.unregister(this);
    this.#release();
    requireAnalytics().logReaderFree(this.#id);
    this.#id = null;
  }

  #live() {
    if (this.#id === null) throw new ValidationError('the log reader was disposed', { code: 'disposed' });
    return this.#id;
  }

  // One heap buffer per reader, reused chunk after chunk.
  #buffer(instance, size) {
    if (size > this.#heapSize) {
      this.#release();
      const capacity = Math.max(size, 64 * 1024);
      const pointer = instance._malloc(capacity);
      if (!pointer) throw new ValidationError('not enough wasm memory for a log chunk', { code: 'out_of_memory' });
      this.#heap = pointer;
      this.#heapSize = capacity;
    }
    return this.#heap;
  }

  #release() {
    if (this.#heap) requireAnalytics()._free(this.#heap);
    this.#heap = 0;
    this.#heapSize = 0;
  }
}

// ---- sources --------------------------------------------------------------------------------

const isBlob = (s) => typeof s === 'object' && s !== null && typeof s.slice === 'function' &&
  typeof s.arrayBuffer === 'function' && typeof s.size === 'number';
const isStream = (s) => typeof s === 'object' && s !== null && typeof s.getReader === 'function';
const isAsyncIterable = (s) => typeof s === 'object' && s !== null && typeof s[Symbol.asyncIterator] === 'function';

function asBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw invalid('a log stream must yield Uint8Array, ArrayBuffer or string chunks');
}

// {total, chunks: async iterator of Uint8Array}: the source read piece by piece. Leaving the
// iteration early cancels a stream.
function openSource(source, chunkBytes) {
  if (typeof source === 'string') {
    const step = Math.max(1, Math.floor(chunkBytes / 3));  // at most 3 UTF-8 bytes per UTF-16 unit
    return {
      total: null,
      async* chunks() {
        for (let at = 0; at < source.length;) {
          let end = Math.min(source.length, at + step);
          const last = source.charCodeAt(end - 1);
          if (end < source.length && last >= 0xd800 && last <= 0xdbff) end -= 1;  // keep a surrogate pair whole
          yield encoder.encode(source.slice(at, end));
          at = end;
        }
      },
    };
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes = asBytes(source);
    return {
      total: bytes.length,
      async* chunks() {
        for (let at = 0; at < bytes.length; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes);
      },
    };
  }
  if (isBlob(source)) {
    return {
      total: source.size,
      async* chunks() {
        for (let at = 0; at < source.size; at += chunkBytes) {
          yield new Uint8Array(await source.slice(at, Math.min(source.size, at + chunkBytes)).arrayBuffer());
        }
      },
    };
  }
  if (isStream(source)) {
    return {
      total: null,
      async* chunks() {
        const reader = source.getReader();
        let finished = false;
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) {
              finished = true;
              return;
            }
            yield asBytes(value);
          }
        } finally {
          // Left early (an abort, a bad chunk): the stream is cancelled, not left half read.
          if (finished) reader.releaseLock?.();
          else reader.cancel().catch(() => {});
        }
      },
    };
  }
  if (isAsyncIterable(source)) {
    return {
      total: null,
      async* chunks() {
        const iterator = source[Symbol.asyncIterator]();
        let finished = false;
        try {
          for (;;) {
            const { done, value } = await iterator.next();
            if (done) {
              finished = true;
              return;
            }
            yield asBytes(value);
          }
        } finally {
          if (!finished) Promise.resolve(iterator.return?.()).catch(() => {});  // a Node stream is destroyed
        }
      },
    };
  }
  throw invalid('logs must be a string, a Uint8Array or ArrayBuffer, a Blob/File, a ReadableStream or an async iterable of bytes');
}

// A macrotask, so rendering and input get their turn between chunks.
function yieldToEventLoop() {
  if (typeof globalThis.scheduler?.yield === 'function') return globalThis.scheduler.yield();
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const SUMMARIZE_OPTIONS = [...READER_OPTIONS, 'keys', 'onProgress', 'signal', 'chunkBytes', 'totalBytes'];

function checkReadOptions(options) {
  checkSignal(options.signal);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw invalid('onProgress must be a function');
  }
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw invalid('chunkBytes must be a positive integer');
  if (options.totalBytes !== undefined && (!Number.isSafeInteger(options.totalBytes) || options.totalBytes < 0)) {
    throw invalid('totalBytes must be a non-negative integer');
  }
  return chunkBytes;
}

// Reads `source` into `reader`, yielding between chunks; the reader is left unfinished.
async function readInto(reader, source, options, chunkBytes) {
  const { signal, onProgress } = options;
  const input = openSource(source, chunkBytes);
  const totalBytes = options.totalBytes ?? input.total;
  let bytesRead = 0;
  let sinceYield = 0;
  if (signal?.aborted) throw cancelled(signal);
  for await (const chunk of input.chunks()) {
    reader.feed(chunk);
    bytesRead += chunk.length;
    sinceYield += chunk.length;
    if (sinceYield >= chunkBytes) {
      sinceYield = 0;
      onProgress?.({ bytesRead, totalBytes });
      await yieldToEventLoop();
    }
    if (signal?.aborted) throw cancelled(signal);
  }
  onProgress?.({ bytesRead, totalBytes });
  return bytesRead;
}

/**
 * Usage from your own logs, per key in the API's KeyUsage shape: a LogSummary.
 * source: a string, a Uint8Array or ArrayBuffer, a Blob/File, a ReadableStream<Uint8Array> or
 * an async iterable of bytes (a Node read stream). Options: the LogReader's (format,
 * nginxFormat, fields, latencyUnit, days, now), keys (to report key ids instead of prefixes),
 * onProgress({bytesRead, totalBytes}), signal (an AbortSignal: CancelledError), chunkBytes
 * (default 1 MiB: how much is read between two yields to the event loop), totalBytes (for
 * onProgress when the stream's length is known elsewhere).
 */
export async function summarizeLogs(source, options = {}) {
  checkOptions(options, SUMMARIZE_OPTIONS, 'summarizeLogs');
  const chunkBytes = checkReadOptions(options);
  keysText(options.keys);  // checked before any byte is read
  const reader = new LogReader(pick(options, READER_OPTIONS));
  try {
    await readInto(reader, source, options, chunkBytes);
    return reader.summary({ keys: options.keys });
  } finally {
    reader.dispose();
  }
}

function pick(options, names) {
  const out = {};
  for (const name of names) if (options[name] !== undefined) out[name] = options[name];
  return out;
}

function tolerance(value) {
  if (value === undefined || value === null) return 0.02;
  if (typeof value === 'string' && /^\d+(\.\d+)?%$/.test(value.trim())) return Number(value.trim().slice(0, -1)) / 100;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid('tolerance must be a fraction (0.02) or a percentage ("2%")');
  return value;
}

const RECONCILE_OPTIONS = [...SUMMARIZE_OPTIONS, 'apiUsages', 'logSummary', 'logs', 'tolerance', 'minDiff'];

/**
 * The API's usage held against your logs: a Reconciliation (findings, a summary per key, totals).
 * input: keys and apiUsages (client.fetchFleet() over the same days), and either logSummary
 * (summarizeLogs() with the same keys, days and now) or logs (any source summarizeLogs takes,
 * with its options); days (default: the summary's window, else 30), now (the window's end and
 * what expired_key_in_use is measured against; default the local clock), tolerance (0.02 or
 * "2%") and minDiff (5): a day agrees when |api - logs| <= max(tolerance * api, minDiff).
 */
export async function reconcile(input = {}) {
  checkOptions(input, RECONCILE_OPTIONS, 'reconcile');
  const hasSummary = input.logSummary !== undefined && input.logSummary !== null;
  if (hasSummary === (input.logs !== undefined && input.logs !== null)) {
    throw invalid('reconcile needs either logSummary or logs');
  }
  const days = checkDays(input.days, hasSummary ? input.logSummary.window_days : 30);
  const window = windowOf({ days, now: input.now });
  const tol = tolerance(input.tolerance);
  const minDiff = input.minDiff ?? 5;
  if (!Number.isInteger(minDiff)) throw invalid('minDiff must be an integer');
  const keys = keysText(input.keys);
  const api = usageLines(input.apiUsages ?? [], 'apiUsages');
  let summary = input.logSummary;
  if (!hasSummary) {
    summary = await summarizeLogs(input.logs, { ...pick(input, SUMMARIZE_OPTIONS), days, now: window.nowIso });
  } else if (typeof summary !== 'object' || !Array.isArray(summary.usages)) {
    throw invalid('logSummary must be a LogSummary (summarizeLogs())');
  }
  const text = requireAnalytics().logsReconcile(keys, api, usageLines(summary.usages, 'logSummary.usages'),
    window.days, window.endDate, tol, minDiff, window.nowIso);
  return toReconciliation(unwrap(text));
}

const CLIENT_RECONCILE_OPTIONS = [
  ...READER_OPTIONS, 'logs', 'tolerance', 'minDiff', 'onProgress', 'signal', 'chunkBytes', 'totalBytes',
  'concurrency', 'timeoutMs', 'maxRetries',
];

/**
 * client.reconcile(): the fleet over `days` from the API, the window's end from the API's clock
 * (its Date header, when the browser lets the page read it) unless `now` is given, the logs cut
 * to the same days, then reconcile().
 */
export async function reconcileWithClient(client, options, serverDate) {
  checkOptions(options, CLIENT_RECONCILE_OPTIONS, 'client.reconcile');
  if (options.logs === undefined || options.logs === null) throw invalid('client.reconcile needs logs');
  checkReadOptions(options);
  const days = checkDays(options.days);
  await initAnalytics();  // through keyscope/client, the analytics module is loaded only now
  new LogReader(pick(options, READER_OPTIONS)).dispose();  // bad reader options fail before any request
  const fleet = await client.fetchFleet(pick(options, ['days', 'concurrency', 'timeoutMs', 'maxRetries', 'signal']));
  let now = options.now;
  if (now === undefined || now === null) {
    const header = serverDate();
    const parsed = header ? Date.parse(header) : NaN;
    now = Number.isFinite(parsed) ? parsed : Date.now();
  }
  return reconcile({
    ...pick(options, [...READER_OPTIONS, 'logs', 'tolerance', 'minDiff', 'onProgress', 'signal', 'chunkBytes', 'totalBytes']),
    keys: fleet.keys, apiUsages: fleet.usages, days, now,
  });
}
