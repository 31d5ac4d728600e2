#pragma once
/// @file
/// Result<T>: a value or an Error, plus the raw HTTP response it came from.
#include <utility>
#include <variant>

#include "keyscope/error.hpp"
#include "keyscope/http.hpp"

namespace keyscope {

/// What every call returns: its value or an Error, and the raw HTTP response either came from.
template <class T>
class Result {
 public:
  Result(T value, HttpResponse raw = {}) : state_(std::move(value)), raw_(std::move(raw)) {}
  Result(Error error, HttpResponse raw = {}) : state_(std::move(error)), raw_(std::move(raw)) {}

  bool ok() const noexcept { return std::holds_alternative<T>(state_); }
  explicit operator bool() const noexcept { return ok(); }

  /// The value; throws the KeyscopeError subclass matching the error when !ok().
  const T& value() const& {
    if (!ok()) throw_error(error());
    return std::get<T>(state_);
  }
  T& value() & {
    if (!ok()) throw_error(error());
    return std::get<T>(state_);
  }
  /// By value: `for (auto& k : client.list_keys().value().data)` must not outlive a temporary.
  T value() && {
    if (!ok()) throw_error(error());
    return std::get<T>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  /// Precondition: !ok().
  const Error& error() const& { return std::get<Error>(state_); }

  /// The last HTTP response of the call (after retries); status 0 when none was received.
  const HttpResponse& raw() const noexcept { return raw_; }

 private:
  std::variant<T, Error> state_;
  HttpResponse raw_;
};

}  // namespace keyscope
