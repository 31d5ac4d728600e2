// TLS through CurlTransport against an in-process HTTPS server with a self-signed certificate:
// verification is on by default, a configured CA bundle makes the same server trusted.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <httplib.h>

#include "keyscope/curl_transport.hpp"

namespace keyscope {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class HttpsServer {
 public:
  HttpsServer() : dir_(fs::temp_directory_path() / ("keyscope-tls-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout " + key() + " -out " + cert() +
        " >/dev/null 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << "openssl could not make a test certificate";
    server_ = std::make_unique<httplib::SSLServer>(cert().c_str(), key().c_str());
    server_->Get("/hello", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("hello over tls", "text/plain");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
  }
  ~HttpsServer() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
    fs::remove_all(dir_);
  }
  bool running() const { return server_->is_valid() && server_->is_running(); }
  std::string cert() const { return (dir_ / "cert.pem").string(); }
  std::string key() const { return (dir_ / "key.pem").string(); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/hello"; }

 private:
  fs::path dir_;
  std::unique_ptr<httplib::SSLServer> server_;
  int port_ = 0;
  std::thread thread_;
};

Result<HttpResponse> fetch(CurlTransport& transport, const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.timeout = 5000ms;
  std::promise<Result<HttpResponse>> promise;
  auto future = promise.get_future();
  transport.send(request, [&promise](Result<HttpResponse> result) { promise.set_value(std::move(result)); });
  return future.get();
}

TEST(CurlTransportTls, VerificationIsOnByDefault) {
  HttpsServer server;
  ASSERT_TRUE(server.running());
  CurlTransport transport;
  auto result = fetch(transport, server.url());
  ASSERT_FALSE(result.ok()) << "a self-signed certificate must not be trusted by default";
  EXPECT_EQ(result.error().kind, ErrorKind::connection);
  EXPECT_EQ(result.error().code, "tls_failed") << result.error().message;
}

TEST(CurlTransportTls, AVerificationFailureNamesTheCaBundleUsed) {
  HttpsServer server;
  ASSERT_TRUE(server.running());
  CurlTransport transport;
  auto result = fetch(transport, server.url());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "tls_failed");
  const std::string bundle = find_ca_bundle().path;
  const std::string named = bundle.empty() ? "libcurl's built-in CA store" : bundle;
  EXPECT_NE(result.error().message.find("trusted CAs: " + named), std::string::npos)
      << result.error().message;
}

TEST(CurlTransportTls, AnUnusableCaBundleIsNotATlsFailure) {
  HttpsServer server;
  ASSERT_TRUE(server.running());
  const std::string garbage = server.key() + ".not-a-bundle";
  { std::ofstream(garbage) << "not a certificate\n"; }
  CurlTransportOptions options;
  options.ca_bundle_path = garbage;  // check_transport_options would refuse it earlier
  CurlTransport transport(options);
  auto result = fetch(transport, server.url());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "invalid_ca_bundle") << result.error().message;
  EXPECT_NE(result.error().message.find(garbage), std::string::npos) << result.error().message;
}

TEST(CurlTransportTls, ACaBundleFromTheEnvironmentIsTrusted) {
  HttpsServer server;
  ASSERT_TRUE(server.running());
  const char* saved = std::getenv("SSL_CERT_FILE");
  const std::string previous = saved ? saved : "";
  ::setenv("SSL_CERT_FILE", server.cert().c_str(), 1);
  auto result = [&] {
    CurlTransport transport;  // reads the environment when created
    return fetch(transport, server.url());
  }();
  if (saved) {
    ::setenv("SSL_CERT_FILE", previous.c_str(), 1);
  } else {
    ::unsetenv("SSL_CERT_FILE");
  }
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body, "hello over tls");
}

TEST(CurlTransportTls, AConfiguredCaBundleIsTrusted) {
  HttpsServer server;
  ASSERT_TRUE(server.running());
  CurlTransportOptions options;
  options.ca_bundle_path = server.cert();
  CurlTransport transport(options);
  auto result = fetch(transport, server.url());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "hello over tls");
}

}  // namespace
}  // namespace keyscope
