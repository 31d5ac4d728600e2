// CurlTransport against in-process servers on 127.0.0.1: a cpp-httplib server for real HTTP
// exchanges and a raw socket server that hangs up without answering.
#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "keyscope/curl_transport.hpp"
#include "sandbox/src/in_flight.hpp"

namespace keyscope {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kCompletionWait = 10s;

// An httplib server on an ephemeral port. Handlers that "sleep" use pause(), which returns
// early when the server shuts down so that tests never wait out a slow handler.
class LocalServer {
 public:
  LocalServer() {
    // A handler writing to a socket the client already closed must not kill the test process.
    std::signal(SIGPIPE, SIG_IGN);
    server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server_.set_keep_alive_max_count(1000);
    server_.set_keep_alive_timeout(2);
    server_.set_tcp_nodelay(true);  // otherwise Nagle + delayed ACK add 40 ms per response
    server_.set_socket_options([this](int socket) {
      const int on = 1;
      ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      if (listening_socket_ < 0) listening_socket_ = socket;
    });
  }
  ~LocalServer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    stopping_changed_.notify_all();
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Server& routes() { return server_; }

  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    // The packaged httplib listens with a backlog of 5: a burst of 16 connects overflows it and
    // the dropped SYNs are retried after a second. Listening again raises the backlog.
    ASSERT_EQ(::listen(listening_socket_, 128), 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    const auto deadline = Clock::now() + 5s;
    while (!server_.is_running() && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(server_.is_running());
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  void pause(std::chrono::milliseconds duration) {
    std::unique_lock<std::mutex> lock(mutex_);
    stopping_changed_.wait_for(lock, duration, [this] { return stopping_; });
  }

  // GET /stall answers only after 2 s (or at shutdown): for timeouts and cancellation.
  void add_stalling_route() {
    server_.Get("/stall", [this](const httplib::Request&, httplib::Response& response) {
      pause(std::chrono::seconds(2));
      response.set_content("late", "text/plain");
    });
  }

  int requests_seen() const { return requests_seen_.load(); }
  void count_request() { ++requests_seen_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  int listening_socket_ = -1;
  std::atomic<int> requests_seen_{0};
  std::mutex mutex_;
  std::condition_variable stopping_changed_;
  bool stopping_ = false;
};

// Accepts connections, reads the request and closes the socket without a response.
class HangUpServer {
 public:
  HangUpServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 16) != 0) {
      ADD_FAILURE() << "could not listen";
      return;
    }
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~HangUpServer() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void serve() {
    while (!stopping_) {
      pollfd listening{listener_, POLLIN, 0};
      if (::poll(&listening, 1, 20) <= 0) continue;
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      pollfd readable{connection, POLLIN, 0};
      if (::poll(&readable, 1, 1000) > 0) {
        char buffer[4096];
        [[maybe_unused]] const auto ignored = ::recv(connection, buffer, sizeof buffer, 0);
      }
      ::close(connection);
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on.
int closed_port() {
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(probe);
  return ntohs(address.sin_port);
}

HttpRequest get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.timeout = 5000ms;
  return request;
}

Result<HttpResponse> send_and_wait(Transport& transport, HttpRequest request) {
  auto promise = std::make_shared<std::promise<Result<HttpResponse>>>();
  auto future = promise->get_future();
  transport.send(std::move(request), [promise](Result<HttpResponse> result) {
    promise->set_value(std::move(result));
  });
  if (future.wait_for(kCompletionWait) != std::future_status::ready) {
    ADD_FAILURE() << "the transport never completed the request";
    Error gave_up;
    gave_up.kind = ErrorKind::connection;
    gave_up.message = "test gave up waiting";
    return gave_up;
  }
  return future.get();
}

std::string describe(const Result<HttpResponse>& result) {
  return result.ok() ? "status " + std::to_string(result->status) : to_string(result.error());
}

// Completions from many requests, in the order they arrived. The recording callbacks share
// ownership of the log, so a late completion never touches a destroyed test frame.
class CompletionLog {
 public:
  Transport::Completion record() {
    return [state = state_](Result<HttpResponse> result) {
      {
        std::lock_guard<std::mutex> lock(state->mutex);
        state->results.push_back(std::move(result));
      }
      state->changed.notify_all();
    };
  }

  bool wait_for(std::size_t count, std::chrono::milliseconds limit = kCompletionWait) {
    std::unique_lock<std::mutex> lock(state_->mutex);
    return state_->changed.wait_for(lock, limit, [&] { return state_->results.size() >= count; });
  }

  std::vector<Result<HttpResponse>> results() {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->results;
  }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<Result<HttpResponse>> results;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

TEST(CurlTransportTest, GetRoundTripsHeadersBodyAndStatus) {
  LocalServer server;
  server.routes().Get("/echo", [](const httplib::Request& request, httplib::Response& response) {
    response.set_header("X-Echo", request.get_header_value("X-Request-Tag"));
    response.set_header("X-Multi", "one");
    response.set_content("hello from " + request.path, "text/plain");
  });
  server.start();
  CurlTransport transport;

  HttpRequest request = get(server.url("/echo"));
  request.headers.add("X-Request-Tag", "tag-42");
  const auto result = send_and_wait(transport, request);

  ASSERT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "hello from /echo");
  EXPECT_EQ(result->headers.get("x-echo"), "tag-42");
  EXPECT_EQ(result->headers.get("X-Multi"), "one");
  EXPECT_EQ(result->headers.get("content-type"), "text/plain");
  EXPECT_EQ(transport.name().rfind("libcurl/", 0), 0u) << transport.name();
}

TEST(CurlTransportTest, SendsMethodAndBody) {
  LocalServer server;
  const auto echo = [](const httplib::Request& request, httplib::Response& response) {
    response.set_content(request.method + ":" + request.body, "text/plain");
  };
  server.routes().Post("/body", echo);
  server.routes().Put("/body", echo);
  server.routes().Patch("/body", echo);
  server.routes().Delete("/body", echo);
  server.start();
  CurlTransport transport;

  for (const std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
    HttpRequest request = get(server.url("/body"));
    request.method = method;
    request.body = method == "DELETE" ? "" : R"({"name":"ci"})";
    request.headers.add("Content-Type", "application/json");
    const auto result = send_and_wait(transport, request);
    ASSERT_TRUE(result.ok()) << method << ": " << describe(result);
    EXPECT_EQ(result->body, method + ":" + request.body);
  }
}

// The blocking path keeps one easy handle configured between requests and sets only what
// differs: nothing of a request (method, body, headers) may reach the next one on that handle.
TEST(CurlTransportTest, BlockingRequestsOnOneHandleInheritNothingFromTheLastOne) {
  LocalServer server;
  // What the server saw, in response headers (a HEAD response has no body).
  const auto echo = [](const httplib::Request& request, httplib::Response& response) {
    response.set_header("X-Seen-Method", request.method);
    response.set_header("X-Seen-Body", request.body.empty() ? "-" : request.body);
    response.set_header("X-Seen-Tag", request.has_header("X-Tag") ? request.get_header_value("X-Tag") : "-");
    response.set_header("X-Seen-Type", request.has_header("Content-Type") ? request.get_header_value("Content-Type") : "-");
    response.set_content("body of " + request.method, "text/plain");
  };
  server.routes().Post("/echo", echo);
  server.routes().Put("/echo", echo);
  server.routes().Patch("/echo", echo);
  server.routes().Delete("/echo", echo);
  server.routes().Get("/echo", echo);  // httplib answers HEAD with its GET handler
  server.start();
  CurlTransport transport;

  struct Step {
    std::string method, body, tag;
  };
  const std::vector<Step> steps = {
      {"POST", "first", "one"}, {"GET", "", ""},        {"PUT", "third", "three"}, {"HEAD", "", ""},
      {"GET", "", ""},          {"PATCH", "sixth", ""}, {"DELETE", "", "seven"},   {"GET", "", ""},
      {"POST", "ninth", ""},    {"GET", "", ""}};
  for (const Step& step : steps) {
    HttpRequest request = get(server.url("/echo"));
    request.method = step.method;
    request.body = step.body;
    if (!step.tag.empty()) request.headers.add("X-Tag", step.tag);
    if (!step.body.empty()) request.headers.add("Content-Type", "application/json");
    auto sent = transport.send_blocking(request);
    ASSERT_TRUE(sent.has_value());
    const Result<HttpResponse>& result = *sent;
    const std::string label = step.method + " " + step.body;
    ASSERT_TRUE(result.ok()) << label << ": " << describe(result);
    EXPECT_EQ(result->status, 200) << label;
    EXPECT_EQ(result->headers.get("X-Seen-Method"), step.method) << label;
    EXPECT_EQ(result->headers.get("X-Seen-Body"), step.body.empty() ? "-" : step.body) << label;
    EXPECT_EQ(result->headers.get("X-Seen-Tag"), step.tag.empty() ? "-" : step.tag) << label;
    EXPECT_EQ(result->headers.get("X-Seen-Type"), step.body.empty() ? "-" : "application/json") << label;
    EXPECT_EQ(result->body, step.method == "HEAD" ? "" : "body of " + step.method) << label;
  }
  EXPECT_EQ(transport.connections_opened(), 1u);  // one handle, kept alive throughout
}

TEST(CurlTransportTest, ErrorStatusesAreResponsesNotErrors) {
  LocalServer server;
  server.routes().Get("/missing", [](const httplib::Request&, httplib::Response& response) {
    response.status = 404;
    response.set_header("X-Request-Id", "req_404");
    response.set_content(R"({"error":{"code":"not_found"}})", "application/json");
  });
  server.routes().Get("/broken", [](const httplib::Request&, httplib::Response& response) {
    response.status = 500;
    response.set_content("boom", "text/plain");
  });
  server.start();
  CurlTransport transport;

  const auto missing = send_and_wait(transport, get(server.url("/missing")));
  ASSERT_TRUE(missing.ok()) << describe(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, R"({"error":{"code":"not_found"}})");
  EXPECT_EQ(missing->headers.get("X-Request-Id"), "req_404");

  const auto broken = send_and_wait(transport, get(server.url("/broken")));
  ASSERT_TRUE(broken.ok()) << describe(broken);
  EXPECT_EQ(broken->status, 500);
  EXPECT_EQ(broken->body, "boom");
}

TEST(CurlTransportTest, RedirectsAreReturnedNotFollowed) {
  LocalServer server;
  server.routes().Get("/old", [](const httplib::Request&, httplib::Response& response) {
    response.set_redirect("/new", 302);
  });
  server.routes().Get("/new", [&](const httplib::Request&, httplib::Response& response) {
    server.count_request();
    response.set_content("moved", "text/plain");
  });
  server.start();
  CurlTransport transport;

  const auto result = send_and_wait(transport, get(server.url("/old")));

  ASSERT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(result->status, 302);
  EXPECT_EQ(result->headers.get("Location"), "/new");
  EXPECT_EQ(server.requests_seen(), 0);
}

TEST(CurlTransportTest, InterimContinueResponseIsNotReported) {
  LocalServer server;
  server.routes().Post("/upload", [](const httplib::Request& request, httplib::Response& response) {
    response.set_header("X-Final", "yes");
    response.set_content("got " + std::to_string(request.body.size()), "text/plain");
  });
  server.start();
  CurlTransport transport;

  HttpRequest request = get(server.url("/upload"));
  request.method = "POST";
  request.body = std::string(4096, 'b');
  request.headers.add("Expect", "100-continue");  // the server answers "100 Continue" first
  const auto result = send_and_wait(transport, request);

  ASSERT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "got 4096");
  EXPECT_EQ(result->headers.get("X-Final"), "yes");
}

TEST(CurlTransportTest, HeaderWithLineBreakIsRefusedBeforeSending) {
  LocalServer server;
  server.routes().Get("/ping", [&](const httplib::Request&, httplib::Response& response) {
    server.count_request();
    response.set_content("pong", "text/plain");
  });
  server.start();
  CurlTransport transport;

  HttpRequest request = get(server.url("/ping"));
  request.headers.add("Cookie", "sb-access-token=abc\r\nX-Injected: 1");
  const auto result = send_and_wait(transport, request);

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::validation);
  EXPECT_EQ(result.error().code, "invalid_header");
  EXPECT_EQ(result.error().message.find("abc"), std::string::npos) << result.error().message;
  EXPECT_EQ(server.requests_seen(), 0);
}

TEST(CurlTransportTest, SequentialRequestsReuseTheConnection) {
  LocalServer server;
  server.routes().Get("/ping", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("pong", "text/plain");
  });
  server.start();
  CurlTransport transport;

  for (int i = 0; i < 20; ++i) {
    const auto result = send_and_wait(transport, get(server.url("/ping")));
    ASSERT_TRUE(result.ok()) << describe(result);
    ASSERT_EQ(result->body, "pong");
  }
  EXPECT_LE(transport.connections_opened(), 2u);
  EXPECT_GE(transport.connections_opened(), 1u);
}

TEST(CurlTransportTest, ConcurrentRequestsOverlap) {
  LocalServer server;
  // Overlap is counted by the server (requests it holds at once), not timed.
  sandbox::InFlightGauge in_flight;
  server.routes().Get("/slow", [&](const httplib::Request&, httplib::Response& response) {
    const sandbox::InFlightGauge::Scope held(in_flight);
    server.pause(100ms);
    response.set_content("done", "text/plain");
  });
  server.start();
  CompletionLog log;  // declared first: it must outlive the transport's completions
  CurlTransportOptions options;
  CurlTransport transport(options);

  for (int i = 0; i < 50; ++i) transport.send(get(server.url("/slow")), log.record());
  ASSERT_TRUE(log.wait_for(50));

  for (const auto& result : log.results()) {
    ASSERT_TRUE(result.ok()) << describe(result);
    EXPECT_EQ(result->body, "done");
  }
  // 50 requests of 100 ms, at most max_concurrent_requests (16) at a time.
  EXPECT_GE(in_flight.peak(), 8u);
  EXPECT_LE(in_flight.peak(), options.max_concurrent_requests);
  EXPECT_LE(transport.connections_opened(), options.max_connections_per_host);
}

TEST(CurlTransportTest, SlowResponseTimesOut) {
  LocalServer server;
  server.add_stalling_route();
  server.start();
  CurlTransport transport;

  HttpRequest request = get(server.url("/stall"));
  request.timeout = 200ms;
  const auto started = Clock::now();
  const auto result = send_and_wait(transport, request);

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::timeout) << to_string(result.error());
  EXPECT_EQ(result.error().code, "timeout");
  EXPECT_NE(result.error().message.find("200 ms"), std::string::npos) << result.error().message;
  EXPECT_LT(elapsed_ms(started), 1000);
}

TEST(CurlTransportTest, RefusedConnectionIsAConnectionError) {
  CurlTransport transport;
  const int port = closed_port();

  const auto result =
      send_and_wait(transport, get("http://127.0.0.1:" + std::to_string(port) + "/"));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::connection) << to_string(result.error());
  EXPECT_EQ(result.error().code, "connection_failed");
  EXPECT_NE(result.error().message.find("could not connect to 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << result.error().message;
}

TEST(CurlTransportTest, HangUpWithoutResponseIsAConnectionError) {
  HangUpServer server;
  CurlTransport transport;

  const auto result = send_and_wait(transport, get(server.url("/keys")));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::connection) << to_string(result.error());
  EXPECT_EQ(result.error().code, "connection_failed");
}

TEST(CurlTransportTest, OversizedResponseIsRejected) {
  LocalServer server;
  server.routes().Get("/big", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(2u << 20, 'x'), "application/octet-stream");
  });
  server.start();
  CurlTransportOptions options;
  options.max_response_bytes = 1u << 20;
  CurlTransport transport(options);

  const auto result = send_and_wait(transport, get(server.url("/big")));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::connection);
  EXPECT_EQ(result.error().code, "response_too_large");
  EXPECT_NE(result.error().message.find("response larger than 1048576 bytes"), std::string::npos)
      << result.error().message;
}

TEST(CurlTransportTest, OversizedChunkedResponseIsRejected) {
  LocalServer server;
  server.routes().Get("/stream", [](const httplib::Request&, httplib::Response& response) {
    // No Content-Length, so only the running byte count can catch it.
    const auto write_two_megabytes = [sent = std::size_t{0}](std::size_t,
                                                             httplib::DataSink& sink) mutable {
      const std::string chunk(64u << 10, 'y');
      if (sent >= (2u << 20)) {
        sink.done();
        return true;
      }
      sent += chunk.size();
      return sink.write(chunk.data(), chunk.size());
    };
    response.set_chunked_content_provider("application/octet-stream", write_two_megabytes);
  });
  server.start();
  CurlTransportOptions options;
  options.max_response_bytes = 1u << 20;
  CurlTransport transport(options);

  const auto result = send_and_wait(transport, get(server.url("/stream")));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::connection);
  EXPECT_EQ(result.error().code, "response_too_large") << result.error().message;
}

TEST(CurlTransportTest, CancellationAbortsAnInFlightRequest) {
  LocalServer server;
  server.add_stalling_route();
  server.start();
  CurlTransport transport;

  HttpRequest request = get(server.url("/stall"));
  request.cancellation = std::make_shared<Cancellation>();
  auto cancellation = request.cancellation;
  auto promise = std::make_shared<std::promise<Result<HttpResponse>>>();
  auto future = promise->get_future();
  transport.send(request, [promise](Result<HttpResponse> result) {
    promise->set_value(std::move(result));
  });

  std::this_thread::sleep_for(100ms);
  const auto cancelled_at = Clock::now();
  cancellation->cancel();
  ASSERT_EQ(future.wait_for(kCompletionWait), std::future_status::ready);
  const auto result = future.get();

  EXPECT_LT(elapsed_ms(cancelled_at), 300);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::cancelled) << to_string(result.error());
  EXPECT_EQ(result.error().code, "cancelled");
}

TEST(CurlTransportTest, CancelledQueuedRequestCompletesWithoutIo) {
  LocalServer server;
  server.routes().Get("/stall", [&](const httplib::Request&, httplib::Response& response) {
    server.count_request();
    server.pause(2s);
    response.set_content("late", "text/plain");
  });
  server.start();
  CompletionLog first;
  CompletionLog queued;
  CurlTransportOptions options;
  options.max_concurrent_requests = 1;
  CurlTransport transport(options);

  transport.send(get(server.url("/stall")), first.record());
  HttpRequest waiting = get(server.url("/stall"));
  waiting.cancellation = std::make_shared<Cancellation>();
  waiting.cancellation->cancel();
  transport.send(waiting, queued.record());

  ASSERT_TRUE(queued.wait_for(1, 1000ms));
  const auto results = queued.results();
  ASSERT_FALSE(results[0].ok());
  EXPECT_EQ(results[0].error().kind, ErrorKind::cancelled);
  EXPECT_LE(server.requests_seen(), 1);
  EXPECT_TRUE(first.results().empty());  // still stalled: the cancelled one did not wait for it
}

TEST(CurlTransportTest, DeferredFunctionsRunInDeadlineOrder) {
  CurlTransport transport;
  std::mutex mutex;
  std::vector<int> order;
  std::promise<void> all_ran;
  const auto started = Clock::now();
  const auto record = [&](int delay_ms) {
    return [&, delay_ms] {
      std::lock_guard<std::mutex> lock(mutex);
      order.push_back(delay_ms);
      if (order.size() == 3) all_ran.set_value();
    };
  };

  transport.defer(30ms, record(30));
  transport.defer(10ms, record(10));
  transport.defer(20ms, record(20));

  ASSERT_EQ(all_ran.get_future().wait_for(kCompletionWait), std::future_status::ready);
  EXPECT_GE(elapsed_ms(started), 30);
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
}

TEST(CurlTransportTest, CallbacksCanSendAndDeferAgain) {
  LocalServer server;
  server.routes().Get("/ping", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("pong", "text/plain");
  });
  server.start();
  std::promise<Result<HttpResponse>> second_result;
  const std::string url = server.url("/ping");
  CurlTransport transport;

  // completion -> defer -> send -> completion, all on the worker thread.
  transport.send(get(url), [&](Result<HttpResponse> first) {
    ASSERT_TRUE(first.ok());
    transport.defer(5ms, [&] {
      transport.send(get(url), [&](Result<HttpResponse> second) {
        second_result.set_value(std::move(second));
      });
    });
  });

  auto future = second_result.get_future();
  ASSERT_EQ(future.wait_for(kCompletionWait), std::future_status::ready);
  const auto result = future.get();
  ASSERT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(result->body, "pong");
}

TEST(CurlTransportTest, ThrowingCompletionDoesNotStopTheWorker) {
  LocalServer server;
  server.routes().Get("/ping", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("pong", "text/plain");
  });
  server.start();
  CurlTransport transport;

  transport.send(get(server.url("/ping")), [](Result<HttpResponse>) {
    throw std::runtime_error("user bug");
  });
  transport.defer(1ms, [] { throw std::runtime_error("another user bug"); });

  const auto result = send_and_wait(transport, get(server.url("/ping")));
  ASSERT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(result->body, "pong");
}

TEST(CurlTransportTest, DestructorCancelsOutstandingRequests) {
  LocalServer server;
  server.add_stalling_route();
  server.start();
  CompletionLog log;
  std::atomic<bool> deferred_ran{false};

  CurlTransportOptions options;
  options.max_concurrent_requests = 2;  // three of the five wait in the queue
  auto transport = std::make_unique<CurlTransport>(options);
  for (int i = 0; i < 5; ++i) transport->send(get(server.url("/stall")), log.record());
  transport->defer(10s, [&] { deferred_ran = true; });
  std::this_thread::sleep_for(100ms);

  const auto destroying = Clock::now();
  transport.reset();
  EXPECT_LT(elapsed_ms(destroying), 1000);

  ASSERT_TRUE(log.wait_for(5, 0ms));  // every completion ran before the destructor returned
  for (const auto& result : log.results()) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::cancelled) << to_string(result.error());
  }
  EXPECT_FALSE(deferred_ran);
}

TEST(CurlTransportTest, TransportCanBeDestroyedFromItsOwnCompletion) {
  LocalServer server;
  server.routes().Get("/ping", [&](const httplib::Request&, httplib::Response& response) {
    server.pause(50ms);  // lets the test drop its own reference first
    response.set_content("pong", "text/plain");
  });
  server.add_stalling_route();
  server.start();
  CompletionLog stalled;
  auto destroyed = std::make_shared<std::promise<void>>();
  auto transport = std::make_shared<CurlTransport>();
  std::shared_ptr<CurlTransport> holder = transport;
  transport->send(get(server.url("/stall")), stalled.record());
  auto destroyed_future = destroyed->get_future();
  transport->send(get(server.url("/ping")), [&holder, destroyed](Result<HttpResponse>) {
    holder.reset();  // the last owner: the destructor runs on the worker thread
    destroyed->set_value();
  });
  transport.reset();

  ASSERT_EQ(destroyed_future.wait_for(kCompletionWait), std::future_status::ready);
  ASSERT_TRUE(stalled.wait_for(1));
  const auto results = stalled.results();
  ASSERT_FALSE(results[0].ok());
  EXPECT_EQ(results[0].error().kind, ErrorKind::cancelled);
}

TEST(CurlTransportTest, ErrorMessagesDoNotLeakSecrets) {
  CurlTransport transport;
  const std::string base = "http://127.0.0.1:" + std::to_string(closed_port());
  HttpRequest request = get(base + "/v1/keys?api_key=SECRET123&days=7");
  request.headers.add("X-API-Key", "HEADERSECRET");
  request.headers.add("Cookie", "sb-access-token=COOKIESECRET");

  const auto result = send_and_wait(transport, request);

  ASSERT_FALSE(result.ok());
  const std::string message = to_string(result.error());
  EXPECT_EQ(message.find("SECRET123"), std::string::npos) << message;
  EXPECT_EQ(message.find("HEADERSECRET"), std::string::npos) << message;
  EXPECT_EQ(message.find("COOKIESECRET"), std::string::npos) << message;
  EXPECT_NE(message.find("/v1/keys"), std::string::npos) << message;

  const auto with_user_info = send_and_wait(
      transport, get("http://ci:PASSWORD77@127.0.0.1:" + std::to_string(closed_port()) + "/"));
  ASSERT_FALSE(with_user_info.ok());
  EXPECT_EQ(with_user_info.error().message.find("PASSWORD77"), std::string::npos)
      << with_user_info.error().message;
}

TEST(CurlTransportTest, DefaultTransportIsSharedAndNamed) {
  const auto first = default_transport();
  const auto second = default_transport();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first->name().rfind("libcurl/", 0), 0u) << first->name();
}

}  // namespace
}  // namespace keyscope
