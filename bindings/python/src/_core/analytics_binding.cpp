// Analytics: the JSON-text entry points (identical results to C++ and JS, driven by the shared
// vectors) plus direct bindings where JSON would cost too much (percentiles, DDSketch).
#include <pybind11/stl.h>

#include <climits>
#include <cmath>
#include <string>
#include <vector>

#include "binding.hpp"
#include "keyscope/analytics_json.hpp"

namespace keyscope_python {
namespace {

namespace an = keyscope::analytics;

// Arguments arrive as py::object and are checked here, so that a wrong type is a
// keyscope.ValidationError naming the argument rather than pybind11's TypeError.
[[noreturn]] void wrong_type(const std::string& name, const char* expected, const py::handle& value) {
  raise_error(keyscope::validation_error(
      name + " must be " + expected + ", not " +
          py::str(py::type::of(value).attr("__name__")).cast<std::string>(),
      "invalid_argument"));
}

double number_arg(const py::handle& value, const std::string& name) {
  if (PyBool_Check(value.ptr()) || !(PyFloat_Check(value.ptr()) || PyLong_Check(value.ptr()) ||
                                     PyObject_HasAttrString(value.ptr(), "__float__"))) {
    wrong_type(name, "a number", value);
  }
  const double v = PyFloat_AsDouble(value.ptr());
  if (v == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    wrong_type(name, "a number", value);
  }
  return v;
}

int int_arg(const py::handle& value, const std::string& name) {
  if (PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr())) wrong_type(name, "an integer", value);
  const py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
  if (!index) throw py::error_already_set();
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (overflow != 0 || v < INT_MIN || v > INT_MAX) {
    raise_error(keyscope::validation_error(name + " is out of range", "invalid_argument"));
  }
  return static_cast<int>(v);
}

std::vector<double> numbers_arg(const py::handle& values, const std::string& name) {
  if (PyUnicode_Check(values.ptr()) || PyBytes_Check(values.ptr()) || !py::isinstance<py::iterable>(values)) {
    wrong_type(name, "a list of numbers", values);
  }
  std::vector<double> out;
  std::size_t i = 0;
  for (py::handle item : py::iter(values)) out.push_back(number_arg(item, name + "[" + std::to_string(i++) + "]"));
  return out;
}

const an::DDSketch& sketch_arg(const py::handle& value, const std::string& name) {
  if (!py::isinstance<an::DDSketch>(value)) wrong_type(name, "a DDSketch", value);
  return value.cast<const an::DDSketch&>();
}

// Any 1-D buffer of float64 (numpy arrays, array.array('d')) is copied in one go; any other
// iterable of numbers element by element.
std::vector<double> to_samples(const py::handle& obj) {
  std::vector<double> out;
  if (PyObject_CheckBuffer(obj.ptr())) {
    Py_buffer view;
    if (PyObject_GetBuffer(obj.ptr(), &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) == 0) {
      bool is_double = view.format && std::string(view.format) == "d" && view.ndim == 1;
      if (is_double) {
        const auto* data = static_cast<const double*>(view.buf);
        out.assign(data, data + view.len / static_cast<Py_ssize_t>(sizeof(double)));
        PyBuffer_Release(&view);
        return out;
      }
      PyBuffer_Release(&view);
    } else {
      PyErr_Clear();
    }
  }
  if (PyUnicode_Check(obj.ptr()) || PyBytes_Check(obj.ptr()) || !py::isinstance<py::iterable>(obj)) {
    wrong_type("samples", "an iterable of numbers", obj);
  }
  Py_ssize_t hint = PyObject_LengthHint(obj.ptr(), 0);
  if (hint > 0) out.reserve(static_cast<std::size_t>(hint));
  else PyErr_Clear();
  std::size_t i = 0;
  for (py::handle item : py::iter(obj)) out.push_back(number_arg(item, "samples[" + std::to_string(i++) + "]"));
  return out;
}

void check_samples(const std::vector<double>& samples) {
  if (samples.empty()) raise_error(keyscope::validation_error("samples must not be empty"));
  for (double v : samples)
    if (std::isnan(v)) raise_error(keyscope::validation_error("samples must not contain NaN"));
}

void check_q(double q) {
  if (!(q >= 0 && q <= 1)) raise_error(keyscope::validation_error("q must be in [0, 1]"));
}

// DDSketch.from_proto's bytes: any C-contiguous buffer (bytes, bytearray, memoryview), copied.
std::string proto_bytes(const py::handle& obj) {
  Py_buffer view;
  if (!PyObject_CheckBuffer(obj.ptr()) || PyObject_GetBuffer(obj.ptr(), &view, PyBUF_C_CONTIGUOUS) != 0) {
    PyErr_Clear();
    raise_error(keyscope::validation_error("DDSketch.from_proto: data must be bytes, bytearray or memoryview, got " +
                                           std::string(Py_TYPE(obj.ptr())->tp_name)));
  }
  std::string bytes(static_cast<const char*>(view.buf), static_cast<std::size_t>(view.len));
  PyBuffer_Release(&view);
  return bytes;
}

}  // namespace

void bind_analytics(py::module_& m) {
  m.def(
      "run_helper",
      [](const std::string& helper, const std::string& input) {
        keyscope::Result<std::string> result = [&] {
          py::gil_scoped_release release;
          return an::run_helper_json(helper, input);
        }();
        if (!result.ok()) raise_error(result.error());
        return result.value();
      },
      py::arg("helper"), py::arg("input"));
  m.def("environment_of", [](const std::string& prefix) { return an::environment_of(prefix); },
        py::arg("key_prefix"));
  m.def(
      "percentiles",
      [](const py::object& samples, const py::object& qs_arg) {
        std::vector<double> values = to_samples(samples);
        const std::vector<double> qs = numbers_arg(qs_arg, "qs");
        check_samples(values);
        for (double q : qs) check_q(q);
        py::gil_scoped_release release;
        return an::percentiles(std::move(values), qs);
      },
      py::arg("samples"), py::arg("qs"));

  py::class_<an::DDSketch>(m, "DDSketch")
      .def(py::init([](const py::object& relative_accuracy, const py::object& max_buckets) {
             return an::DDSketch(number_arg(relative_accuracy, "relative_accuracy"),
                                 int_arg(max_buckets, "max_buckets"));
           }),
           py::arg("relative_accuracy") = 0.01, py::arg("max_buckets") = 2048)
      .def(
          "add",
          [](an::DDSketch& self, const py::object& value, const py::object& count) {
            self.add(number_arg(value, "value"), number_arg(count, "count"));
          },
          py::arg("value"), py::arg("count") = 1.0)
      .def(
          "add_many",
          [](an::DDSketch& self, const py::object& samples) {
            std::vector<double> values = to_samples(samples);
            py::gil_scoped_release release;
            for (double v : values) self.add(v);
          },
          py::arg("samples"))
      .def(
          "merge", [](an::DDSketch& self, const py::object& other) { self.merge(sketch_arg(other, "other")); },
          py::arg("other"))
      .def(
          "quantile", [](const an::DDSketch& self, const py::object& q) { return self.quantile(number_arg(q, "q")); },
          py::arg("q"))
      .def(
          "quantiles",
          [](const an::DDSketch& self, const py::object& qs_arg) {
            const std::vector<double> qs = numbers_arg(qs_arg, "qs");
            std::vector<double> out;
            out.reserve(qs.size());
            for (double q : qs) out.push_back(self.quantile(q));
            return out;
          },
          py::arg("qs"))
      .def_property_readonly("relative_accuracy", &an::DDSketch::relative_accuracy)
      .def_property_readonly("max_buckets", &an::DDSketch::max_buckets)
      .def_property_readonly("count", &an::DDSketch::count)
      .def_property_readonly("zero_count", &an::DDSketch::zero_count)
      .def_property_readonly("sum", &an::DDSketch::sum)
      .def_property_readonly("min", &an::DDSketch::min)
      .def_property_readonly("max", &an::DDSketch::max)
      .def_property_readonly("empty", &an::DDSketch::empty)
      .def_property_readonly("bucket_count", &an::DDSketch::bucket_count)
      .def_property_readonly("memory_bytes", &an::DDSketch::memory_bytes)
      .def("to_json", &an::DDSketch::to_json)
      .def_static(
          "from_json",
          [](const py::object& text) {
            if (!PyUnicode_Check(text.ptr())) wrong_type("text", "a string", text);
            return an::DDSketch::from_json(text.cast<std::string>());
          },
          py::arg("text"))
      .def("to_proto", [](const an::DDSketch& self) { return py::bytes(self.to_proto()); })
      .def_static(
          "from_proto",
          [](const py::object& data, int max_buckets) { return an::DDSketch::from_proto(proto_bytes(data), max_buckets); },
          py::arg("data"), py::arg("max_buckets") = 2048)
      .def("copy", [](const an::DDSketch& self) { return an::DDSketch(self); })
      .def("__len__", [](const an::DDSketch& self) { return static_cast<std::size_t>(self.count()); })
      .def(
          "has_same_buckets",
          [](const an::DDSketch& self, const py::object& other) {
            return self.has_same_buckets(sketch_arg(other, "other"));
          },
          py::arg("other"))
      .def("__repr__", [](const an::DDSketch& self) {
        return "DDSketch(relative_accuracy=" + py::repr(py::float_(self.relative_accuracy())).cast<std::string>() +
               ", count=" + py::repr(py::float_(self.count())).cast<std::string>() +
               ", buckets=" + std::to_string(self.bucket_count()) + ")";
      })
      .def(py::pickle([](const an::DDSketch& self) { return self.to_json(); },
                      [](const std::string& text) { return an::DDSketch::from_json(text); }));
}

}  // namespace keyscope_python
