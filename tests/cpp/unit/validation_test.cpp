#include <gtest/gtest.h>

#include "keyscope/validation.hpp"

namespace keyscope {
namespace {

TEST(Validation, KeyIdMustBeAUuid) {
  EXPECT_FALSE(validate_key_id("00000000-0000-4000-8000-000000000123"));
  EXPECT_FALSE(validate_key_id("ABCDEF00-0000-4000-8000-00000000abcd"));
  for (const char* bad : {"", "123", "00000000-0000-4000-8000-00000000012", "../../etc/passwd",
                          "00000000-0000-4000-8000-000000000123/usage", "00000000_0000-4000-8000-000000000123",
                          "g0000000-0000-4000-8000-000000000123"}) {
    auto error = validate_key_id(bad);
    ASSERT_TRUE(error) << bad;
    EXPECT_EQ(error->kind, ErrorKind::validation);
    EXPECT_EQ(error->code, "invalid_key_id");
  }
}

TEST(Validation, DaysIsOneToNinety) {
  EXPECT_FALSE(validate_days(1));
  EXPECT_FALSE(validate_days(90));
  EXPECT_TRUE(validate_days(0));
  EXPECT_TRUE(validate_days(91));
  EXPECT_TRUE(validate_days(-5));
}

TEST(Validation, BaseUrlIsHttpOrHttpsWithOptionalPrefix) {
  EXPECT_FALSE(validate_base_url("https://socdefenders.ai"));
  EXPECT_FALSE(validate_base_url("http://127.0.0.1:8080/proxy/prefix/"));
  for (const char* bad : {"", "ftp://x", "socdefenders.ai", "https://", "https://user:pw@host",
                          "https://host?x=1", "https://ho st"}) {
    EXPECT_TRUE(validate_base_url(bad)) << bad;
  }
}

TEST(Validation, SessionTokenRefusesApiKeysAndBearer) {
  EXPECT_FALSE(validate_session_token("eyJhbGciOiJIUzI1NiJ9.payload.sig"));
  auto bearer = validate_session_token("Bearer sk_live_abcdefghijklmnop");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->code, "api_key_not_accepted");
  EXPECT_NE(bearer->message.find("sb-access-token"), std::string::npos);
  EXPECT_EQ(bearer->message.find("abcdefghijklmnop"), std::string::npos);
  EXPECT_TRUE(validate_session_token("sk_test_abcdefghijkl"));
  EXPECT_EQ(validate_session_token("")->code, "missing_session_token");
  EXPECT_EQ(validate_session_token("a;b")->code, "invalid_session_token");
  EXPECT_EQ(validate_session_token("tok\r\nX-Injected: 1")->code, "invalid_session_token");
}

TEST(Validation, RetriesAndTimeoutsHaveSaneBounds) {
  EXPECT_FALSE(validate_max_retries(0));
  EXPECT_TRUE(validate_max_retries(-1));
  EXPECT_TRUE(validate_max_retries(11));
  EXPECT_FALSE(validate_timeout_ms(1));
  EXPECT_TRUE(validate_timeout_ms(0));
}

}  // namespace
}  // namespace keyscope
