// Number parsing does not depend on the process locale: under de_DE (',' is the decimal point)
// the codec and the Retry-After parser read "1.5" as 1.5, not 1.
#include <gtest/gtest.h>

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "client/response_policy.hpp"
#include "keyscope/codec.hpp"

namespace keyscope {
namespace {

// Builds de_DE.UTF-8 into a temporary LOCPATH (localedef ships with libc-bin; the definition with
// Debian's locales package, which scripts/install-deps.sh installs) and switches to it.
class GermanLocale : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("keyscope-locale-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const std::string command = "localedef -i de_DE -f UTF-8 '" + (dir_ / "de_DE.UTF-8").string() + "' 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << "localedef could not build de_DE.UTF-8";
    ::setenv("LOCPATH", dir_.c_str(), 1);
    ASSERT_NE(std::setlocale(LC_ALL, "de_DE.UTF-8"), nullptr);
    ASSERT_STREQ(std::localeconv()->decimal_point, ",");  // the trap is armed
  }
  void TearDown() override {
    std::setlocale(LC_ALL, "C");
    ::unsetenv("LOCPATH");
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(GermanLocale, DecimalsDecodeTheSameAsInTheCLocale) {
  // 19 significant digits: past the codec's exact fast path, so strtod reads it.
  auto usage = decode_key_usage(R"({"data":{"key_id":"k","total_requests":1,"avg_response_time_ms":1.234567890123456789}})");
  ASSERT_TRUE(usage.ok()) << usage.error().message;
  EXPECT_DOUBLE_EQ(*usage->avg_response_time_ms, 1.234567890123456789);
  HttpResponse response;
  response.status = 429;
  response.headers.add("Retry-After", "1.5");
  EXPECT_EQ(client::server_requested_wait(response, 0), 1.5);
}

}  // namespace
}  // namespace keyscope
