#pragma once
// Shared declarations of the keyscope._core extension. Every function here expects the GIL to be
// held unless it says otherwise.
#include <pybind11/pybind11.h>

#include <memory>
#include <string>

#include "convert_models.hpp"
#include "keyscope/keyscope.hpp"

namespace py = pybind11;

namespace keyscope_python {

// errors.cpp: keyscope::Error -> an instance of the matching keyscope.* exception class.
py::object make_exception(const keyscope::Error& error);
[[noreturn]] void raise_error(const keyscope::Error& error);
// C++ exceptions leaving a binding become keyscope.* exceptions, never RuntimeError.
void register_exception_translator();

// convert.cpp: the models that are not payloads -> the frozen dataclasses of keyscope._models.
// The payload models' to_py are generated (convert_models.hpp).
py::object to_py(const keyscope::RateLimit& rate_limit);
py::object response_to_py(const keyscope::HttpResponse& response);

// py_transport.cpp: a keyscope::Transport calling a Python object's send() on worker threads.
std::shared_ptr<keyscope::Transport> make_python_transport(py::object target, std::string secret,
                                                           int workers);
// Ends a Python transport's exchanges now (cancelled), queued or in flight; its workers exit
// once a Python send() they are in returns. Call without the GIL. No-op for other transports.
void shut_down_python_transport(keyscope::Transport& transport);
// _core.python_transport_workers() and the exit hook that winds the workers down.
void bind_python_transport(py::module_& m);

// Whether this thread may take the GIL: not once finalization has begun (CPython stops a thread
// that takes it then, which must not happen across C++ frames).
bool interpreter_usable();

void bind_client(py::module_& m);
void bind_analytics(py::module_& m);
void bind_logs(py::module_& m);  // logs_binding.cpp

// A module-level attribute of a keyscope Python module, imported once and kept for the life of
// the process (deliberately leaked: it must not be destroyed after the interpreter).
py::object& cached_attr(const char* module, const char* name);

}  // namespace keyscope_python
