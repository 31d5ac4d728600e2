#pragma once
// Makes instances of one frozen dataclass of keyscope._api_models from C++ without calling its
// __init__ (which sets each field through object.__setattr__ by name, the slow part of a frozen
// dataclass): object.__new__(cls), then each field stored as the dataclass would store it -- in
// its slot when the class has __slots__, else through the generic attribute store (the
// instance's inline values on CPython 3.11+, its __dict__ before). Both the converters of C++
// models (convert_models.cpp) and the body reader (body_reader.cpp) make models through it.
#include "binding.hpp"  // Python.h first

#include <cstddef>
#include <initializer_list>
#include <vector>

namespace keyscope_python {

class ModelClass {
 public:
  ModelClass(const char* class_name, std::initializer_list<const char*> field_names);
  ModelClass(const char* class_name, const std::vector<const char*>& field_names);

  std::size_t size() const { return names_.size(); }

  // A new instance whose fields are `values` (one new reference per field, in field order, none
  // null), which it takes over in every case. An instance that holds only objects the garbage
  // collector need not track (str, int, float, datetime, None, untracked tuples) is not tracked
  // either, as CPython does for such tuples and dicts; it cannot be part of a cycle.
  // nullptr with a Python error on failure.
  PyObject* make(PyObject* const* values) const;
  // The same when the caller knows whether any value needs tracking.
  PyObject* make(PyObject* const* values, bool track) const;

 private:
  void init(const char* class_name, const std::vector<const char*>& field_names);
  PyTypeObject* type_ = nullptr;
  std::vector<PyObject*> names_;      // interned, kept for the life of the process
  std::vector<Py_ssize_t> offsets_;   // of each field's slot; empty: no __slots__
};

// A tuple that takes over `items` (new references, none null); untracked by the garbage
// collector when none of its items needs tracking. nullptr with a Python error on failure.
PyObject* make_tuple(PyObject* const* items, std::size_t count);
PyObject* make_tuple(std::vector<PyObject*>& items);  // empties `items`

// Whether the garbage collector must track a container holding `value`.
inline bool needs_tracking(PyObject* value) {
  return (Py_TYPE(value)->tp_flags & Py_TPFLAGS_HAVE_GC) && PyObject_GC_IsTracked(value);
}

}  // namespace keyscope_python
