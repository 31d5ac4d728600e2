// keyscope-bench-fleet: C++ contenders of the fleet benchmark (see run.sh).
//
//   keyscope-bench-fleet --base-url URL --days D --concurrency C --repeat R --urls-out FILE
//                        [--only CONTENDER]  (e.g. under valgrind --tool=callgrind)
//   (token from KEYSCOPE_SESSION)
//
// Contenders, each timed R times (median reported), one JSON object per line on stdout:
//   sdk_fleet       Client::fetch_fleet(days, concurrency) over its own CurlTransport
//   sdk_sequential  list_keys() then get_usage() per active key, one at a time
//   curl_easy       the same URLs with one reused libcurl easy handle, sequential, no decoding
//   curl_easy_parse the same, plus nlohmann::json::parse of every body
//   paired          (only with --only paired) per active key, one SDK get_usage() and one bare
//                   libcurl GET of the same URL, in alternating order, each timed: the overhead
//                   is the median of the per-pair differences, which a shared machine's load
//                   drift hits on both sides alike (R passes over the keys)
// For each: wall seconds, requests, connections the client opened (CurlTransport's counter or
// CURLINFO_NUM_CONNECTS) and the sandbox's connection delta (GET /__sandbox/stats).
// The URLs the SDK fetched are written to FILE for the Python and curl contenders.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <keyscope/keyscope.hpp>

namespace {

using Clock = std::chrono::steady_clock;

size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

// One-off GET with a fresh handle (control endpoint; not part of any measurement).
std::string http_get(const std::string& url) {
  std::string body;
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
  curl_easy_perform(h);
  curl_easy_cleanup(h);
  return body;
}

struct Args {
  std::string base_url;
  std::string token;
  int days = 30;
  int concurrency = 8;
  int repeat = 3;
  std::string urls_out;
  std::string only;  // one contender's name (for a profiler run), or all
};

std::string root_of(const std::string& url) {  // http://host:port
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? url : url.substr(0, slash);
}

long long sandbox_connections(const Args& a) {
  auto j = nlohmann::json::parse(http_get(root_of(a.base_url) + "/__sandbox/stats"), nullptr, false);
  return j.is_object() ? j.value("connections", 0LL) : -1;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

struct Outcome {
  std::size_t requests = 0;
  long long client_connections = -1;
};

void measure(const Args& a, const std::string& name, const std::function<Outcome()>& body) {
  if (!a.only.empty() && a.only != name) return;
  std::vector<double> runs;
  Outcome last;
  long long server_delta = 0;
  for (int i = 0; i < a.repeat; ++i) {
    const long long before = sandbox_connections(a);
    const auto t0 = Clock::now();
    last = body();
    runs.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    // The "after" stats query opens a connection of its own: not the contender's.
    server_delta += sandbox_connections(a) - before - 1;
  }
  nlohmann::json out = {{"contender", name},
                        {"seconds", median(runs)},
                        {"runs", runs},
                        {"requests", last.requests},
                        {"client_connections", last.client_connections},
                        {"server_connections", server_delta / a.repeat}};
  std::cout << out.dump() << std::endl;
}

// The bare contender's one easy handle: the session cookie, bodies appended to `body` (libcurl
// copies string options, so the cookie need not outlive this function).
CURL* bare_handle(const Args& a, std::string& body) {
  CURL* h = curl_easy_init();
  const std::string cookie = "sb-access-token=" + a.token;
  curl_easy_setopt(h, CURLOPT_COOKIE, cookie.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
  return h;
}

// The paired contender (see the top of this file): prints medians of the per-request times.
void measure_paired(const Args& a, keyscope::Client& client, const keyscope::Fleet& fleet,
                    const std::vector<std::string>& urls) {
  std::string body;
  CURL* h = bare_handle(a, body);
  const auto bare_get = [&](const std::string& url) {
    body.clear();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    long code = 0;
    if (curl_easy_perform(h) != CURLE_OK || curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK ||
        code != 200) {
      std::cerr << "paired: bare request failed\n";
      std::exit(1);
    }
  };
  const auto micros = [](Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::micro>(to - from).count();
  };
  std::vector<double> sdk, bare, difference;
  std::size_t pair = 0;
  for (int pass = 0; pass < a.repeat; ++pass) {
    std::size_t url = 1;  // urls[0] is the key list
    for (const auto& k : fleet.keys) {
      if (k.revoked()) continue;
      const bool sdk_first = pair++ % 2 == 0;
      double sdk_us = 0, bare_us = 0;
      for (int half = 0; half < 2; ++half) {
        const auto t0 = Clock::now();
        if ((half == 0) == sdk_first) {
          client.get_usage(k.id, a.days).value();
          sdk_us = micros(t0, Clock::now());
        } else {
          bare_get(urls[url]);
          bare_us = micros(t0, Clock::now());
        }
      }
      sdk.push_back(sdk_us);
      bare.push_back(bare_us);
      difference.push_back(sdk_us - bare_us);
      ++url;
    }
  }
  curl_easy_cleanup(h);
  nlohmann::json out = {{"contender", "paired"},
                        {"pairs", difference.size()},
                        {"sdk_median_us", median(sdk)},
                        {"bare_median_us", median(bare)},
                        {"overhead_median_us", median(difference)}};
  std::cout << out.dump() << std::endl;
}

std::vector<std::string> fleet_urls(const Args& a, const keyscope::Fleet& fleet) {
  std::vector<std::string> urls{a.base_url + "/api/v1/keys"};
  for (const auto& k : fleet.keys) {
    if (!k.revoked()) urls.push_back(a.base_url + "/api/v1/keys/" + k.id + "/usage?days=" + std::to_string(a.days));
  }
  return urls;
}

Outcome curl_easy_loop(const Args& a, const std::vector<std::string>& urls, bool parse) {
  std::string body;
  CURL* h = bare_handle(a, body);
  Outcome o;
  long connects_total = 0;
  for (const auto& url : urls) {
    body.clear();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    if (curl_easy_perform(h) != CURLE_OK) {
      std::cerr << "curl_easy: request failed\n";
      std::exit(1);
    }
    long code = 0, connects = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
    connects_total += connects;
    if (code != 200) {
      std::cerr << "curl_easy: HTTP " << code << "\n";
      std::exit(1);
    }
    if (parse) {
      auto j = nlohmann::json::parse(body);
      if (!j.contains("data")) std::exit(1);
    }
    ++o.requests;
  }
  curl_easy_cleanup(h);
  o.client_connections = connects_total;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--base-url") a.base_url = v;
    else if (k == "--days") a.days = std::atoi(v.c_str());
    else if (k == "--concurrency") a.concurrency = std::atoi(v.c_str());
    else if (k == "--repeat") a.repeat = std::atoi(v.c_str());
    else if (k == "--urls-out") a.urls_out = v;
    else if (k == "--only") a.only = v;
    else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  if (const char* t = std::getenv("KEYSCOPE_SESSION")) a.token = t;
  if (a.base_url.empty() || a.token.empty()) {
    std::cerr << "usage: KEYSCOPE_SESSION=... keyscope-bench-fleet --base-url URL [--days D] "
                 "[--concurrency C] [--repeat R] [--urls-out FILE]\n";
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);

  auto make_client = [&](std::shared_ptr<keyscope::CurlTransport> transport) {
    keyscope::ClientOptions o;
    o.base_url = a.base_url;
    o.session_token = a.token;
    o.transport = transport;
    return keyscope::Client(o);
  };

  // Warm-up (not measured): also gives the URL list for the other contenders. Skipped when only
  // the fleet fetch runs, so that the process's peak RSS is that fetch's alone (bench/fleet/large.sh).
  keyscope::Fleet fleet;
  if (a.only != "sdk_fleet") {
    auto t = std::make_shared<keyscope::CurlTransport>();
    fleet = make_client(t).fetch_fleet(a.days, a.concurrency).value();
  }
  const auto urls = fleet_urls(a, fleet);
  if (!a.urls_out.empty()) {
    std::ofstream out(a.urls_out);
    for (const auto& u : urls) out << u << "\n";
  }

  measure(a, "sdk_fleet", [&] {
    keyscope::CurlTransportOptions topts;
    topts.max_concurrent_requests = static_cast<std::size_t>(a.concurrency);
    topts.max_connections_per_host = static_cast<std::size_t>(a.concurrency);
    auto t = std::make_shared<keyscope::CurlTransport>(topts);
    auto f = make_client(t).fetch_fleet(a.days, a.concurrency).value();
    return Outcome{1 + f.usages.size(), static_cast<long long>(t->connections_opened())};
  });
  measure(a, "sdk_sequential", [&] {
    auto t = std::make_shared<keyscope::CurlTransport>();
    auto client = make_client(t);
    auto list = client.list_keys().value();
    std::size_t n = 1;
    for (const auto& k : list.data) {
      if (k.revoked()) continue;
      client.get_usage(k.id, a.days).value();
      ++n;
    }
    return Outcome{n, static_cast<long long>(t->connections_opened())};
  });
  if (a.only == "paired") {
    auto t = std::make_shared<keyscope::CurlTransport>();
    auto client = make_client(t);
    measure_paired(a, client, fleet, urls);
  }
  measure(a, "curl_easy", [&] { return curl_easy_loop(a, urls, false); });
  measure(a, "curl_easy_parse", [&] { return curl_easy_loop(a, urls, true); });
  curl_global_cleanup();
  return 0;
}
