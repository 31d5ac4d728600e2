#pragma once
// The pieces the generated converters (convert_models.cpp) build Python models from: value
// conversions (datetimes, dates, tuples of strings, dicts of counts) and ModelBuilder, which makes
// a frozen dataclass instance and fills its fields by name without calling __init__.
#include "binding.hpp"  // Python.h first

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace keyscope_python {

py::object utc_datetime(std::int64_t unix_seconds);  // timezone-aware, UTC
py::object date_of(const keyscope::Date& date);
py::tuple strings(const std::vector<std::string>& items);
py::tuple ints(const std::vector<std::int64_t>& items);
py::dict int_dict(const std::map<std::string, std::int64_t>& counts);

// A model's field names as interned Python strings, made once per model and kept for the life
// of the process (never released: they must not be destroyed after the interpreter).
class FieldNames {
 public:
  FieldNames(std::initializer_list<const char*> names);
  PyObject* operator[](std::size_t index) const { return interned_[index]; }
  std::size_t size() const { return interned_.size(); }

 private:
  std::vector<PyObject*> interned_;
};

// A new instance of the dataclass `cls`, made without __init__, whose __dict__ receives each
// field by name: what the dataclass's __init__ would have stored, at the cost of one dict insert
// per field. Every field must be set before take().
class ModelBuilder {
 public:
  ModelBuilder(const py::object& cls, const FieldNames& names);
  void set(std::size_t index, const py::object& value);
  py::object take();

 private:
  const FieldNames& names_;
  py::object instance_;
  py::object dict_;
  std::size_t set_ = 0;
};

}  // namespace keyscope_python
