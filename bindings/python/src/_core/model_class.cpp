#include "model_class.hpp"

#include <structmember.h>  // T_OBJECT_EX: how a __slots__ member is stored

namespace keyscope_python {
namespace {

PyObject* empty_tuple() {
  static PyObject* tuple = PyTuple_New(0);  // kept for the life of the process
  return tuple;
}

// The offset of `name`'s slot in instances of `type`, or -1 when it is not a slot.
Py_ssize_t slot_offset(PyTypeObject* type, PyObject* name) {
  PyObject* descriptor = PyObject_GetAttr(reinterpret_cast<PyObject*>(type), name);
  if (!descriptor) {
    PyErr_Clear();
    return -1;
  }
  Py_ssize_t offset = -1;
  if (Py_IS_TYPE(descriptor, &PyMemberDescr_Type)) {
    const PyMemberDef* member = reinterpret_cast<PyMemberDescrObject*>(descriptor)->d_member;
    if (member->type == T_OBJECT_EX && !(member->flags & READONLY)) offset = member->offset;
  }
  Py_DECREF(descriptor);
  return offset;
}

}  // namespace

ModelClass::ModelClass(const char* class_name, std::initializer_list<const char*> field_names) {
  init(class_name, std::vector<const char*>(field_names));
}

ModelClass::ModelClass(const char* class_name, const std::vector<const char*>& field_names) {
  init(class_name, field_names);
}

void ModelClass::init(const char* class_name, const std::vector<const char*>& field_names) {
  py::object cls = cached_attr("keyscope._api_models", class_name);
  type_ = reinterpret_cast<PyTypeObject*>(cls.ptr());
  for (const char* name : field_names) {
    PyObject* interned = PyUnicode_InternFromString(name);
    if (!interned) throw py::error_already_set();
    names_.push_back(interned);
  }
  std::vector<Py_ssize_t> offsets;
  for (PyObject* name : names_) {
    const Py_ssize_t offset = slot_offset(type_, name);
    if (offset < 0) return;  // not every field is a slot: the generic attribute store
    offsets.push_back(offset);
  }
  offsets_ = std::move(offsets);
}

PyObject* ModelClass::make(PyObject* const* values) const {
  bool track = false;
  for (std::size_t i = 0; i < names_.size(); ++i) track = track || needs_tracking(values[i]);
  return make(values, track);
}

PyObject* ModelClass::make(PyObject* const* values, bool track) const {
  const std::size_t n = names_.size();
  // object.__new__(cls): the dataclass has no __new__ of its own, so this is what cls() does
  // before __init__.
  PyObject* instance = PyBaseObject_Type.tp_new(type_, empty_tuple(), nullptr);
  if (!instance) {
    for (std::size_t i = 0; i < n; ++i) Py_DECREF(values[i]);
    return nullptr;
  }
  if (!offsets_.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(instance) + offsets_[i]) = values[i];
    }
  } else {
    // Not setattr(): the frozen dataclass's __setattr__ refuses; the generic store is what its
    // __init__ reaches through object.__setattr__.
    int failed = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!failed) failed = PyObject_GenericSetAttr(instance, names_[i], values[i]);
      Py_DECREF(values[i]);
    }
    if (failed) {
      Py_DECREF(instance);
      return nullptr;
    }
  }
  if (!track && PyObject_GC_IsTracked(instance)) PyObject_GC_UnTrack(instance);
  return instance;
}

PyObject* make_tuple(PyObject* const* items, std::size_t count) {
  PyObject* tuple = PyTuple_New(static_cast<Py_ssize_t>(count));
  if (!tuple) {
    for (std::size_t i = 0; i < count; ++i) Py_DECREF(items[i]);
    return nullptr;
  }
  bool track = false;
  for (std::size_t i = 0; i < count; ++i) {
    track = track || needs_tracking(items[i]);
    PyTuple_SET_ITEM(tuple, static_cast<Py_ssize_t>(i), items[i]);
  }
  if (!track && PyObject_GC_IsTracked(tuple)) PyObject_GC_UnTrack(tuple);
  return tuple;
}

PyObject* make_tuple(std::vector<PyObject*>& items) {
  PyObject* tuple = make_tuple(items.data(), items.size());
  items.clear();
  return tuple;
}

}  // namespace keyscope_python
