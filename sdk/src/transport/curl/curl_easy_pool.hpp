#pragma once
// Reusable curl easy handles. A reused handle keeps its DNS and TLS session caches; live
// connections are kept in the multi handle's connection cache either way.
// Not thread-safe: owned by the transport's worker thread.
#include <cstddef>
#include <vector>

#include <curl/curl.h>

namespace keyscope::curl {

class CurlEasyPool {
 public:
  explicit CurlEasyPool(std::size_t max_idle_handles) : max_idle_handles_(max_idle_handles) {}
  ~CurlEasyPool();
  CurlEasyPool(const CurlEasyPool&) = delete;
  CurlEasyPool& operator=(const CurlEasyPool&) = delete;

  // A handle with default options, or nullptr when libcurl cannot allocate one.
  CURL* acquire();
  // Takes back a handle that is no longer attached to a multi handle.
  void release(CURL* easy);

 private:
  std::size_t max_idle_handles_;
  std::vector<CURL*> idle_;
};

}  // namespace keyscope::curl
