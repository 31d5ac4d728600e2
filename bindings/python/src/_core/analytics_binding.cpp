// Analytics: the JSON-text entry points (identical results to C++ and JS, driven by the shared
// vectors) plus direct bindings where JSON would cost too much (percentiles, DDSketch).
#include <pybind11/stl.h>

#include <cmath>
#include <string>
#include <vector>

#include "binding.hpp"
#include "keyscope/analytics_json.hpp"

namespace keyscope_python {
namespace {

namespace an = keyscope::analytics;

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
  Py_ssize_t hint = PyObject_LengthHint(obj.ptr(), 0);
  if (hint > 0) out.reserve(static_cast<std::size_t>(hint));
  for (py::handle item : py::iter(obj)) {
    double v = PyFloat_AsDouble(item.ptr());
    if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    out.push_back(v);
  }
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
      "percentile",
      [](const py::object& samples, double q) {
        std::vector<double> values = to_samples(samples);
        check_samples(values);
        check_q(q);
        py::gil_scoped_release release;
        return an::percentile(std::move(values), q);
      },
      py::arg("samples"), py::arg("q"));
  m.def(
      "percentiles",
      [](const py::object& samples, const std::vector<double>& qs) {
        std::vector<double> values = to_samples(samples);
        check_samples(values);
        for (double q : qs) check_q(q);
        py::gil_scoped_release release;
        return an::percentiles(std::move(values), qs);
      },
      py::arg("samples"), py::arg("qs"));

  py::class_<an::DDSketch>(m, "DDSketch")
      .def(py::init<double, int>(), py::arg("relative_accuracy") = 0.01,
           py::arg("max_buckets") = 2048)
      .def("add", &an::DDSketch::add, py::arg("value"), py::arg("count") = 1.0)
      .def(
          "add_many",
          [](an::DDSketch& self, const py::object& samples) {
            std::vector<double> values = to_samples(samples);
            py::gil_scoped_release release;
            for (double v : values) self.add(v);
          },
          py::arg("samples"))
      .def("merge", &an::DDSketch::merge, py::arg("other"))
      .def("quantile", &an::DDSketch::quantile, py::arg("q"))
      .def(
          "quantiles",
          [](const an::DDSketch& self, const std::vector<double>& qs) {
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
      .def_static("from_json", &an::DDSketch::from_json, py::arg("text"))
      .def("to_proto", [](const an::DDSketch& self) { return py::bytes(self.to_proto()); })
      .def_static(
          "from_proto",
          [](const py::object& data, int max_buckets) { return an::DDSketch::from_proto(proto_bytes(data), max_buckets); },
          py::arg("data"), py::arg("max_buckets") = 2048)
      .def("copy", [](const an::DDSketch& self) { return an::DDSketch(self); })
      .def("__len__", [](const an::DDSketch& self) { return static_cast<std::size_t>(self.count()); })
      .def("has_same_buckets", &an::DDSketch::has_same_buckets, py::arg("other"))
      .def("__repr__", [](const an::DDSketch& self) {
        return "DDSketch(relative_accuracy=" + py::repr(py::float_(self.relative_accuracy())).cast<std::string>() +
               ", count=" + py::repr(py::float_(self.count())).cast<std::string>() +
               ", buckets=" + std::to_string(self.bucket_count()) + ")";
      })
      .def(py::pickle([](const an::DDSketch& self) { return self.to_json(); },
                      [](const std::string& text) { return an::DDSketch::from_json(text); }));
}

}  // namespace keyscope_python
