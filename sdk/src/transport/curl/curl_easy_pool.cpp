#include "transport/curl/curl_easy_pool.hpp"

namespace keyscope::curl {

CurlEasyPool::~CurlEasyPool() {
  for (CURL* easy : idle_) curl_easy_cleanup(easy);
}

CURL* CurlEasyPool::acquire(bool* fresh) {
  if (fresh != nullptr) *fresh = idle_.empty();
  if (idle_.empty()) return curl_easy_init();
  CURL* easy = idle_.back();
  idle_.pop_back();
  return easy;
}

void CurlEasyPool::release(CURL* easy) {
  if (easy == nullptr) return;
  if (idle_.size() >= max_idle_handles_) {
    curl_easy_cleanup(easy);
    return;
  }
  // Forgets the previous request's options, keeps the caches.
  if (reset_ == Reset::each_use) curl_easy_reset(easy);
  idle_.push_back(easy);
}

}  // namespace keyscope::curl
