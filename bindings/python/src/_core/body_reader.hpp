#pragma once
// The fast way from a response body to the Python models: one pass over the bytes that builds
// each model as its closing brace is read, with no C++ structs, no tape and no copy of the body
// in between (decode_key_list & co. in keyscope/_models.py try it first).
//
// It reads only what it is sure the core codec reads the same way: well-formed RFC 8259 JSON,
// the types the schema gives each field. Anything else -- malformed or deep JSON, a wrong type,
// a missing required field, a repeated member, an escaped member name, a number it does not
// read exactly as the core does -- is handed over: read_body returns nullptr and the caller
// decodes with the core (keyscope::decode_key_list & co.), which gives the model or the
// DecodeError. So this reader never decides an error, and whatever it returns equals what the
// core path returns (tests/python/test_body_reader.py holds it to that).
#include "binding.hpp"  // Python.h first

#include <cstddef>
#include <cstdint>

namespace keyscope_python::body {

enum class Kind : std::uint8_t {
  string,     // str
  integer,    // int (a JSON integer within 64 bits)
  floating,   // float (any JSON number)
  timestamp,  // datetime, timezone-aware UTC
  date,       // date
  strings,    // tuple of str
  integers,   // tuple of int
  counts,     // dict str -> int, in the core's order (by UTF-8 bytes)
  models,     // tuple of the `item` model
};

struct ModelSpec;

// One field of a model as scripts/generate_models.py writes it from schema/models.json.
struct FieldSpec {
  const char* name;      // the Python attribute
  const char* key;       // the JSON member
  const char* parent;    // the JSON object holding `key` ("usage" for usage.daily), or nullptr
  const char* alias;     // a second JSON name for the same field (key_preview), or nullptr
  Kind kind;
  bool required;         // missing or null: handed over (the core's DecodeError)
  bool optional;         // missing or null: None
  bool repeats;          // a value many models share (an open enum): one str per distinct value
  const ModelSpec* item; // Kind::models
};

struct ModelSpec {
  const char* class_name;  // in keyscope._api_models
  const FieldSpec* fields;
  std::size_t count;
};

// The model `spec` from the member "data" of the body's top-level object ({"data": {...}}), or
// the top-level object itself (`whole_document`: the key list, whose "data" and "meta.total" are
// its fields). Returns a new reference, or nullptr -- without a Python error set -- when the
// core must decide.
PyObject* read_body(const char* text, std::size_t size, const ModelSpec& spec, bool whole_document);

}  // namespace keyscope_python::body
