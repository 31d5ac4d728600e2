#include <gtest/gtest.h>

#include "keyscope/analytics.hpp"

namespace keyscope::analytics {
namespace {

TEST(EnvironmentOf, RecognisesLiveAndTestPrefixes) {
  EXPECT_EQ(environment_of("sk_live_zIc8"), "live");
  EXPECT_EQ(environment_of("sk_test_ab12"), "test");
  EXPECT_EQ(environment_of("sk_live_"), "live");
}

TEST(EnvironmentOf, AnythingElseIsUnknown) {
  EXPECT_EQ(environment_of(""), "unknown");
  EXPECT_EQ(environment_of("sk_live"), "unknown");
  EXPECT_EQ(environment_of("SK_LIVE_abcd"), "unknown");
  EXPECT_EQ(environment_of("pk_live_abcd"), "unknown");
  EXPECT_EQ(environment_of("sk_prod_abcd"), "unknown");
}

}  // namespace
}  // namespace keyscope::analytics
