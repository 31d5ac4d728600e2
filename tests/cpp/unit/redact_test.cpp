#include <gtest/gtest.h>

#include "keyscope/error.hpp"
#include "keyscope/redact.hpp"

namespace keyscope {
namespace {

TEST(Redact, ScrubsCredentialsInUrlsAndLines) {
  EXPECT_EQ(redact("https://x/y?days=3&api_key=sk_live_SECRETSECRET&b=1"),
            "https://x/y?days=3&api_key=[redacted]&b=1");
  EXPECT_EQ(redact("Cookie: sb-access-token=abc.def; theme=dark"),
            "Cookie: sb-access-token=[redacted]; theme=dark");
  EXPECT_EQ(redact("Authorization: Bearer eyJhbGci.x.y"), "Authorization: Bearer [redacted]");
  EXPECT_EQ(redact("key sk_live_zIc8 is fine"), "key sk_live_zIc8 is fine");
  EXPECT_EQ(redact("leaked sk_test_abcd1234efgh5678"), "leaked sk_test_abcd[redacted]");
  EXPECT_EQ(redact("my_api_key=visible"), "my_api_key=visible");
}

TEST(Redact, UserInformationOfUrlsIsHidden) {
  EXPECT_EQ(redact("Unsupported proxy scheme for 'ftp://alice:s3cret@proxy:21'"),
            "Unsupported proxy scheme for 'ftp://[redacted]@proxy:21'");
  EXPECT_EQ(redact("via http://alice@proxy:3128/ and https://x/y?mail=a@b"),
            "via http://[redacted]@proxy:3128/ and https://x/y?mail=a@b");
  EXPECT_EQ(redact("http://proxy:3128"), "http://proxy:3128");
}

TEST(Redact, ReplacesAGivenSecretAnywhere) {
  EXPECT_EQ(redact("server said: token TOPSECRET is bad", "TOPSECRET"),
            "server said: token [redacted] is bad");
}

TEST(Redact, TooShortSecretsDoNotGarbleText) {
  EXPECT_EQ(redact("GET /api/v1/keys -> 200", "T"), "GET /api/v1/keys -> 200");
}

TEST(Redact, HeadersHideSecretValues) {
  Headers headers{{"Cookie", "sb-access-token=abc"}, {"set-cookie", "a=b"},
                  {"Authorization", "Bearer x"}, {"X-API-Key", "sk_live_abcdefgh"},
                  {"Accept", "application/json"}};
  Headers redacted = redact_headers(headers);
  EXPECT_EQ(*redacted.get("cookie"), "[redacted]");
  EXPECT_EQ(*redacted.get("Set-Cookie"), "[redacted]");
  EXPECT_EQ(*redacted.get("authorization"), "[redacted]");
  EXPECT_EQ(*redacted.get("x-api-key"), "[redacted]");
  EXPECT_EQ(*redacted.get("Accept"), "application/json");
}

TEST(ErrorText, NamesClassStatusCodeAndRequestId) {
  Error error;
  error.kind = ErrorKind::rate_limit;
  error.status = 429;
  error.code = "rate_limit_exceeded";
  error.message = "Rate limit exceeded";
  error.request_id = "req_abc125";
  error.retry_after_seconds = 1.5;
  EXPECT_EQ(to_string(error),
            "RateLimitError: Rate limit exceeded (status 429, code rate_limit_exceeded, retry "
            "after 1.5 s, request_id req_abc125)");
  EXPECT_THROW(throw_error(error), RateLimitError);
  try {
    throw_error(error);
  } catch (const KeyscopeError& caught) {
    EXPECT_EQ(caught.status(), 429);
    EXPECT_EQ(caught.request_id(), "req_abc125");
  }
}

}  // namespace
}  // namespace keyscope
