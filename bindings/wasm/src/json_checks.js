// What the core's JSON reader and its value readers accept, for values JSON.parse has made: the
// pieces src/model_checks.js (generated) checks models with. Each says true only where the core
// surely agrees (sdk/src/codec/json_tape.cpp, json_reader.hpp, sdk/src/core/time.cpp); what the
// core would read but these refuse (an integer beyond 2^53, say) goes to the core instead.

/** The deepest nesting of objects and arrays the core parses (kMaxDepth, json_reader.hpp). */
export const MAX_DEPTH = 64;

export const isText = (v) => typeof v === 'string';
/** An integer JSON.parse kept exactly (the core reads any integral number within 64 bits). */
export const isInt = (v) => Number.isSafeInteger(v);
/** JSON.parse makes "1e400" Infinity; the core refuses it. */
export const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);
/** A JSON object, not an array. */
export const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Any JSON value the core parses, nested inside `enclosing` containers (unknown members). */
export function plainValue(v, enclosing) {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || v === null) return true;
  if (enclosing + 1 > MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!plainValue(v[i], enclosing + 1)) return false;
    return true;
  }
  for (const key in v) if (!plainValue(v[key], enclosing + 1)) return false;
  return true;
}

// Whether every object checked since the last startAsIs() can be its model's result as it is
// (src/models.js would make the same object member for member), for src/host_check.js to skip
// the copy: its members are exactly the result's, in the result's order, and none is a null the
// result fills in. The API sends its models that way.
let asIs = true;
export function startAsIs() { asIs = true; }
export function wasAsIs() { return asIs; }
export function notAsIs() { asIs = false; }

/**
 * Whether `source` (an object nested `enclosing` containers deep) has no members beyond the
 * `known` ones its model read, or else whether each member not in `names` is plain JSON.
 * order: the result's members, when the result can be `source` itself (else null).
 */
export function onlyKnownOrPlain(source, known, names, enclosing, order) {
  let members = 0;
  let same = asIs && order !== null;
  for (const key in source) {
    if (same && key !== order[members]) same = false;
    members++;
  }
  if (!same || members !== order.length) asIs = false;
  if (members === known) return true;
  for (const key in source) if (!names.has(key) && !plainValue(source[key], enclosing)) return false;
  return true;
}

/** An array whose every element passes `check` (a list of scalars). */
export function everyItem(v, check) {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!check(v[i])) return false;
  return true;
}

/** An object whose every member value passes `check` (a map). */
export function everyMember(v, check) {
  if (!isObject(v)) return false;
  for (const key in v) if (!check(v[key])) return false;
  return true;
}

/** An array of objects that each pass `check(element, depth)`; the array is `enclosing` + 1 deep. */
export function everyModel(v, check, enclosing) {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const element = v[i];
    if (!isObject(element) || !check(element, enclosing + 2)) return false;
  }
  return true;
}

// The ASCII digit at s[i] as a number, or -1.
function digit(s, i) {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

// The number written by the two digits at s[at], or -1.
function twoDigits(s, at) {
  const high = s.charCodeAt(at) - 48;
  const low = s.charCodeAt(at + 1) - 48;
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

function daysInMonth(y, m) {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

// "YYYY-MM-DD" at the start of s, a real calendar day (parse_date_fields in time.cpp).
function datePrefix(s) {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const century = twoDigits(s, 0);
  const year = twoDigits(s, 2);
  const m = twoDigits(s, 5);
  const d = twoDigits(s, 8);
  return century >= 0 && year >= 0 && m >= 1 && m <= 12 && d >= 1 &&
    (d <= 28 || d <= daysInMonth(century * 100 + year, m));
}

/** "YYYY-MM-DD" (parse_iso_date). */
export const isDate = (v) => typeof v === 'string' && v.length === 10 && datePrefix(v);

/**
 * An ISO-8601 instant as the core reads it (parse_iso8601): date, 'T', 't' or ' ', hh:mm:ss
 * (seconds up to 60), an optional fraction, then 'Z', 'z' or an offset ±hh:mm.
 */
export function isTimestamp(v) {
  if (typeof v !== 'string' || v.length < 20 || !datePrefix(v)) return false;
  const separator = v.charCodeAt(10);
  if (separator !== 84 && separator !== 116 && separator !== 32) return false;  // T t space
  const hh = twoDigits(v, 11);
  const mm = twoDigits(v, 14);
  const ss = twoDigits(v, 17);
  if (v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58 || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
      ss < 0 || ss > 60) return false;
  let at = 19;
  if (v.charCodeAt(at) === 46) {  // '.'
    const start = ++at;
    while (digit(v, at) >= 0) at++;
    if (at === start) return false;
  }
  const zone = v.charCodeAt(at);
  if (zone === 90 || zone === 122) return at + 1 === v.length;  // Z z
  if (zone !== 43 && zone !== 45) return false;                  // + -
  const oh = twoDigits(v, at + 1);
  const om = twoDigits(v, at + 4);
  return v.charCodeAt(at + 3) === 58 && oh >= 0 && oh <= 23 && om >= 0 && om <= 59 && at + 6 === v.length;
}
