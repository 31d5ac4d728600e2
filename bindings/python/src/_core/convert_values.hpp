#pragma once
// The pieces the generated converters (convert_models.cpp) build Python models from: value
// conversions (datetimes, dates, tuples of strings, dicts of counts) and ModelValues, which
// collects a model's fields and makes the instance through its ModelClass (model_class.hpp).
#include "binding.hpp"  // Python.h first
#include "model_class.hpp"

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace keyscope_python {

py::object utc_datetime(std::int64_t unix_seconds);  // timezone-aware, UTC
py::object date_of(const keyscope::Date& date);
py::object date_from_days(std::int64_t days_since_epoch);  // clamped to date.min .. date.max
// From fields known to be valid and within datetime's range: new references, nullptr with a
// Python error on failure.
PyObject* utc_datetime_of(int year, int month, int day, int hour, int minute, int second);
PyObject* date_of(int year, int month, int day);
py::object strings(const std::vector<std::string>& items);
py::object ints(const std::vector<std::int64_t>& items);
py::dict int_dict(const std::map<std::string, std::int64_t>& counts);

// A tuple of the models to_py makes of `items` (untracked when they all are).
template <class T>
py::object tuple_of(const std::vector<T>& items) {
  std::vector<PyObject*> made;
  made.reserve(items.size());
  try {
    for (const T& item : items) made.push_back(to_py(item).release().ptr());
  } catch (...) {
    for (PyObject* object : made) Py_DECREF(object);
    throw;
  }
  PyObject* tuple = make_tuple(made);
  if (!tuple) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(tuple);
}

// The fields of one model being made, in field order; take() makes the instance once every
// field is set.
class ModelValues {
 public:
  explicit ModelValues(const ModelClass& model) : model_(model), values_(model.size(), nullptr) {}
  ModelValues(const ModelValues&) = delete;
  ModelValues& operator=(const ModelValues&) = delete;
  ~ModelValues() {
    for (PyObject* value : values_) Py_XDECREF(value);
  }
  void set(std::size_t index, py::object value) {
    Py_XDECREF(values_[index]);
    values_[index] = value.release().ptr();
  }
  py::object take();

 private:
  const ModelClass& model_;
  std::vector<PyObject*> values_;
};

}  // namespace keyscope_python
