// find_ca_bundle() and check_transport_options(): which CAs a CurlTransport trusts when it is
// given none, and the options refused before any request (a bad CA bundle, a bad proxy URL).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "keyscope/curl_transport.hpp"

namespace keyscope {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCaVariables[] = {"KEYSCOPE_CA_BUNDLE", "SSL_CERT_FILE",
                                        "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"};
constexpr const char* kPem =
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

// Clears the CA variables for the test and puts the caller's values back afterwards.
class CaEnvironment : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kCaVariables) {
      if (const char* value = std::getenv(name)) saved_[name] = value;
      ::unsetenv(name);
    }
    dir_ = fs::temp_directory_path() / ("keyscope-ca-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    for (const char* name : kCaVariables) ::unsetenv(name);
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
    fs::remove_all(dir_);
  }
  std::string write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  fs::path dir_;

 private:
  std::map<std::string, std::string> saved_;
};

using FindCaBundle = CaEnvironment;
using CheckTransportOptions = CaEnvironment;

TEST_F(FindCaBundle, TheEnvironmentComesInOrder) {
  ::setenv("CURL_CA_BUNDLE", "/c.pem", 1);
  ::setenv("REQUESTS_CA_BUNDLE", "/r.pem", 1);
  EXPECT_EQ(find_ca_bundle().path, "/r.pem");
  EXPECT_EQ(find_ca_bundle().source, "REQUESTS_CA_BUNDLE");
  ::setenv("SSL_CERT_FILE", "/s.pem", 1);
  EXPECT_EQ(find_ca_bundle().source, "SSL_CERT_FILE");
  ::setenv("KEYSCOPE_CA_BUNDLE", "/k.pem", 1);
  EXPECT_EQ(find_ca_bundle().path, "/k.pem");
  EXPECT_EQ(find_ca_bundle().source, "KEYSCOPE_CA_BUNDLE");
}

TEST_F(FindCaBundle, AnEmptyVariableIsNotSet) {
  ::setenv("KEYSCOPE_CA_BUNDLE", "", 1);
  ::setenv("CURL_CA_BUNDLE", "/c.pem", 1);
  EXPECT_EQ(find_ca_bundle().source, "CURL_CA_BUNDLE");
}

TEST_F(FindCaBundle, WithoutTheEnvironmentTheSystemBundle) {
  const CaBundle found = find_ca_bundle();
  if (found.path.empty()) {
    EXPECT_EQ(found.source, "");  // a machine without any CA store
  } else {
    EXPECT_EQ(found.source, "system");
    EXPECT_TRUE(fs::is_regular_file(found.path)) << found.path;
  }
}

TEST_F(CheckTransportOptions, AGoodBundleAndProxyPass) {
  CurlTransportOptions options;
  options.ca_bundle_path = write("ca.pem", kPem);
  options.proxy = "http://alice:s3cret@proxy.corp.example:3128";
  options.no_proxy = "localhost,.corp.example";
  EXPECT_EQ(check_transport_options(options), std::nullopt);
  options.proxy = "proxy.corp.example:3128";  // libcurl's default scheme, http
  EXPECT_EQ(check_transport_options(options), std::nullopt);
  options.proxy = "socks5h://127.0.0.1:1080";
  EXPECT_EQ(check_transport_options(options), std::nullopt);
}

TEST_F(CheckTransportOptions, AMissingBundleIsAValidationErrorNamingIt) {
  CurlTransportOptions options;
  options.ca_bundle_path = (dir_ / "missing.pem").string();
  const auto error = check_transport_options(options);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::validation);
  EXPECT_EQ(error->code, "invalid_ca_bundle");
  EXPECT_NE(error->message.find(options.ca_bundle_path), std::string::npos) << error->message;
  EXPECT_NE(error->message.find("No such file"), std::string::npos) << error->message;
}

TEST_F(CheckTransportOptions, ADirectoryOrAFileWithoutCertificatesIsRefused) {
  CurlTransportOptions options;
  options.ca_bundle_path = dir_.string();
  ASSERT_TRUE(check_transport_options(options).has_value());
  EXPECT_EQ(check_transport_options(options)->code, "invalid_ca_bundle");
  options.ca_bundle_path = write("key.pem", "-----BEGIN PRIVATE KEY-----\nMII\n");
  const auto error = check_transport_options(options);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->message.find("no PEM certificate"), std::string::npos) << error->message;
}

TEST_F(CheckTransportOptions, TheEnvironmentsBundleIsCheckedAndItsVariableNamed) {
  ::setenv("SSL_CERT_FILE", (dir_ / "gone.pem").string().c_str(), 1);
  const auto error = check_transport_options({});
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "invalid_ca_bundle");
  EXPECT_NE(error->message.find("(from SSL_CERT_FILE)"), std::string::npos) << error->message;
}

TEST_F(CheckTransportOptions, WithoutVerificationTheBundleIsNotUsed) {
  CurlTransportOptions options;
  options.ca_bundle_path = (dir_ / "missing.pem").string();
  options.verify_tls = false;
  EXPECT_EQ(check_transport_options(options), std::nullopt);
}

TEST_F(CheckTransportOptions, BadProxiesAreRefusedWithoutShowingCredentials) {
  for (const std::string proxy : {"ftp://alice:s3cret@proxy:21", "http://alice:s3cret@",
                                  "http://alice:s3 cret@proxy:3128", "http://proxy:3128\r\nX: y"}) {
    CurlTransportOptions options;
    options.proxy = proxy;
    const auto error = check_transport_options(options);
    ASSERT_TRUE(error.has_value()) << proxy;
    EXPECT_EQ(error->kind, ErrorKind::validation);
    EXPECT_EQ(error->code, "invalid_proxy");
    EXPECT_EQ(error->message.find("s3cret"), std::string::npos) << error->message;
  }
}

TEST(ProxyForMessage, LeavesOutUserAndPassword) {
  EXPECT_EQ(proxy_for_message("http://alice:s3cret@proxy.corp.example:3128"),
            "http://proxy.corp.example:3128");
  EXPECT_EQ(proxy_for_message("proxy:3128"), "http://proxy:3128");
  EXPECT_EQ(proxy_for_message("http://alice:s3 cret@proxy"), "(a proxy URL that does not parse)");
}

}  // namespace
}  // namespace keyscope
