// keyscope._core: the compiled half of the keyscope Python package. The public, typed API is
// the pure-Python package around it (bindings/python/src/keyscope).
#include "binding.hpp"
#include "client_logging.hpp"
#include "body_reader.hpp"

namespace {

// The body reader on a bytes, bytearray or str body: the model, or None when the core decides
// (any other type, a str that is not UTF-8, anything body_reader.hpp hands over).
py::object read_body(py::handle body, const keyscope_python::body::ModelSpec& spec, bool whole_document) {
  const char* text = nullptr;
  Py_ssize_t size = 0;
  if (PyBytes_Check(body.ptr())) {
    text = PyBytes_AS_STRING(body.ptr());
    size = PyBytes_GET_SIZE(body.ptr());
  } else if (PyByteArray_Check(body.ptr())) {
    text = PyByteArray_AS_STRING(body.ptr());
    size = PyByteArray_GET_SIZE(body.ptr());
  } else if (PyUnicode_Check(body.ptr())) {
    text = PyUnicode_AsUTF8AndSize(body.ptr(), &size);
    if (!text) {
      PyErr_Clear();
      return py::none();
    }
  } else {
    return py::none();
  }
  PyObject* model = keyscope_python::body::read_body(text, static_cast<std::size_t>(size), spec, whole_document);
  return model ? py::reinterpret_steal<py::object>(model) : py::none();
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "keyscope C++ core (private; use the keyscope package)";
  m.attr("__version__") = keyscope::kVersion;
  keyscope_python::register_exception_translator();
  keyscope_python::bind_client(m);
  keyscope_python::bind_logging(m);
  keyscope_python::bind_python_transport(m);
  keyscope_python::bind_analytics(m);
  keyscope_python::bind_logs(m);
  // Any str: one from os.fsdecode() may hold lone surrogates (file name bytes that are not
  // UTF-8); they pass through as the bytes they stand for and come back the same.
  m.def("redact", [](const py::str& text, const std::string& secret) {
    const py::object utf8 =
        py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(text.ptr(), "utf-8", "surrogateescape"));
    if (!utf8) throw py::error_already_set();
    const std::string out = keyscope::redact(
        std::string_view(PyBytes_AS_STRING(utf8.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(utf8.ptr()))),
        secret);
    const py::object result = py::reinterpret_steal<py::object>(
        PyUnicode_DecodeUTF8(out.data(), static_cast<Py_ssize_t>(out.size()), "surrogateescape"));
    if (!result) throw py::error_already_set();
    return result;
  }, py::arg("text"), py::arg("secret") = std::string());
  // A response body straight into models, or None when the core must decide (body_reader.hpp);
  // keyscope.decode_* try these first.
  m.def("read_key_list", [](py::handle body) {
    return read_body(body, keyscope_python::body::key_list_spec(), true);
  }, py::arg("body"));
  m.def("read_key_details", [](py::handle body) {
    return read_body(body, keyscope_python::body::key_details_spec(), false);
  }, py::arg("body"));
  m.def("read_key_usage", [](py::handle body) {
    return read_body(body, keyscope_python::body::key_usage_spec(), false);
  }, py::arg("body"));
  // Decode a response body into models with the core codec (its DecodeError when it is not one).
  m.def("decode_key_list", [](const std::string& body) {
    auto result = keyscope::decode_key_list(body);
    if (!result.ok()) keyscope_python::raise_error(result.error());
    return keyscope_python::to_py(result.value());
  }, py::arg("body"));
  m.def("decode_key_details", [](const std::string& body) {
    auto result = keyscope::decode_key_details(body);
    if (!result.ok()) keyscope_python::raise_error(result.error());
    return keyscope_python::to_py(result.value());
  }, py::arg("body"));
  m.def("decode_key_usage", [](const std::string& body) {
    auto result = keyscope::decode_key_usage(body);
    if (!result.ok()) keyscope_python::raise_error(result.error());
    return keyscope_python::to_py(result.value());
  }, py::arg("body"));
  // (path, source) of the CA bundle a transport given none trusts; ("", "") when none is found.
  m.def("find_ca_bundle", [] {
    const keyscope::CaBundle found = keyscope::find_ca_bundle();
    return py::make_tuple(found.path, found.source);
  });
  m.def("proxy_for_message", &keyscope::proxy_for_message, py::arg("proxy"));
  m.def("check_network", [](const std::string& ca_bundle, bool verify_tls, const std::string& proxy,
                            const std::string& no_proxy) {
    keyscope::CurlTransportOptions options;
    options.ca_bundle_path = ca_bundle;
    options.verify_tls = verify_tls;
    options.proxy = proxy;
    options.no_proxy = no_proxy;
    if (auto error = keyscope::check_transport_options(options)) keyscope_python::raise_error(*error);
  }, py::arg("ca_bundle"), py::arg("verify_tls"), py::arg("proxy"), py::arg("no_proxy"));
  m.def("validate_concurrency", [](long long concurrency) {
    if (auto error = keyscope::validate_concurrency(concurrency)) keyscope_python::raise_error(*error);
  });
  m.def("validate_key_id", [](const std::string& key_id) {
    if (auto error = keyscope::validate_key_id(key_id)) keyscope_python::raise_error(*error);
  }, py::arg("key_id"));
}
