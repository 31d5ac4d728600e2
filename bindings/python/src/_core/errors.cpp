// keyscope::Error and C++ exceptions -> keyscope.* Python exceptions.
#include <exception>
#include <new>
#include <string>

#include "binding.hpp"

namespace keyscope_python {

py::object make_exception(const keyscope::Error& error) {
  py::object retry_after = py::none();
  if (error.retry_after_seconds) retry_after = py::float_(*error.retry_after_seconds);
  return cached_attr("keyscope._errors", "_from_core")(
      keyscope::error_class_name(error.kind), error.message, error.status, error.code,
      error.request_id, error.details_json, retry_after, error.json_path);
}

void raise_error(const keyscope::Error& error) {
  py::object exc = make_exception(error);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw py::error_already_set();
}

namespace {
void set_internal(const std::string& what) {
  keyscope::Error error;
  error.kind = keyscope::ErrorKind::validation;
  error.message = keyscope::redact(what);
  error.code = "internal_error";
  py::object exc = cached_attr("keyscope._errors", "_internal")(error.message);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
}
}  // namespace

void register_exception_translator() {
  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (const keyscope::KeyscopeError& e) {
      py::object exc = make_exception(e.error());
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    } catch (const py::error_already_set&) {
      throw;  // pybind11's own translator restores it
    } catch (const py::builtin_exception&) {
      throw;  // TypeError, ValueError, StopIteration, ... raised on purpose by pybind11
    } catch (const std::bad_alloc&) {
      throw;  // MemoryError
    } catch (const std::exception& e) {
      set_internal(std::string("internal error: ") + e.what());
    } catch (...) {
      set_internal("internal error: unknown C++ exception");
    }
  });
}

}  // namespace keyscope_python
