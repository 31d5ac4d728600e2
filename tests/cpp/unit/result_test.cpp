// Result<T>::value() (every overload, and * / ->) throws the KeyscopeError subclass of the
// error's kind, carrying the whole Error.
#include <gtest/gtest.h>

#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "keyscope/error.hpp"
#include "keyscope/result.hpp"

namespace keyscope {
namespace {

Error error_of(ErrorKind kind) {
  Error e;
  e.kind = kind;
  e.message = "boom";
  e.status = 418;
  e.code = "some_code";
  e.request_id = "req_42";
  return e;
}

// Runs `call`, which must throw; returns the dynamic type and the Error it carried.
template <class Call>
std::pair<std::string, Error> thrown(Call call) {
  try {
    call();
  } catch (const KeyscopeError& e) {
    return {typeid(e).name(), e.error()};
  }
  ADD_FAILURE() << "nothing thrown";
  return {};
}

template <class Expected>
void expect_throws(ErrorKind kind) {
  const std::string want = typeid(Expected).name();
  const std::string name = error_class_name(kind);
  Result<int> lvalue(error_of(kind));
  const Result<int>& const_ref = lvalue;
  const std::vector<std::pair<std::string, Error>> outcomes = {
      thrown([&] { (void)lvalue.value(); }),
      thrown([&] { (void)const_ref.value(); }),
      thrown([&] { (void)Result<int>(error_of(kind)).value(); }),
      thrown([&] { (void)*const_ref; }),
      thrown([&] { (void)Result<std::string>(error_of(kind))->size(); }),
  };
  for (const auto& [type, error] : outcomes) {
    EXPECT_EQ(type, want) << name;
    EXPECT_EQ(error.kind, kind) << name;
    EXPECT_EQ(error.code, "some_code") << name;
    EXPECT_EQ(error.request_id, "req_42") << name;
    EXPECT_EQ(error.status, 418) << name;
  }
}

TEST(Result, ValueThrowsTheExceptionClassOfEachErrorKind) {
  expect_throws<ValidationError>(ErrorKind::validation);
  expect_throws<AuthenticationError>(ErrorKind::authentication);
  expect_throws<PermissionDeniedError>(ErrorKind::permission_denied);
  expect_throws<NotFoundError>(ErrorKind::not_found);
  expect_throws<RateLimitError>(ErrorKind::rate_limit);
  expect_throws<BadRequestError>(ErrorKind::bad_request);
  expect_throws<ServerError>(ErrorKind::server);
  expect_throws<TimeoutError>(ErrorKind::timeout);
  expect_throws<ConnectionError>(ErrorKind::connection);
  expect_throws<DecodeError>(ErrorKind::decode);
  expect_throws<CancelledError>(ErrorKind::cancelled);
  expect_throws<RedirectError>(ErrorKind::redirect);
}

TEST(Result, ValueOfASuccessDoesNotThrow) {
  Result<int> ok(7);
  EXPECT_EQ(ok.value(), 7);
  EXPECT_EQ(*ok, 7);
}

}  // namespace
}  // namespace keyscope
