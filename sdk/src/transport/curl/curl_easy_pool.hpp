#pragma once
// Reusable curl easy handles. A reused handle keeps its DNS and TLS session caches; live
// connections are kept in the multi handle's connection cache either way.
// Not thread-safe: owned by the transport's worker thread, or used under CurlBlocking's mutex.
#include <cstddef>
#include <vector>

#include <curl/curl.h>

namespace keyscope::curl {

class CurlEasyPool {
 public:
  // `reset`: whether a released handle goes back to libcurl's defaults (Reset::each_use), or
  // keeps the options it was given, for an owner that sets every per-request option itself
  // (Reset::never: CurlBlocking, which saves a reset and ~15 options a request).
  enum class Reset { each_use, never };
  explicit CurlEasyPool(std::size_t max_idle_handles, Reset reset = Reset::each_use)
      : max_idle_handles_(max_idle_handles), reset_(reset) {}
  ~CurlEasyPool();
  CurlEasyPool(const CurlEasyPool&) = delete;
  CurlEasyPool& operator=(const CurlEasyPool&) = delete;

  // A handle, or nullptr when libcurl cannot allocate one. `fresh` (when given) tells whether it
  // was just created: with Reset::never only a fresh handle has default options.
  CURL* acquire(bool* fresh = nullptr);
  // Takes back a handle that is no longer attached to a multi handle.
  void release(CURL* easy);

 private:
  std::size_t max_idle_handles_;
  Reset reset_;
  std::vector<CURL*> idle_;
};

}  // namespace keyscope::curl
