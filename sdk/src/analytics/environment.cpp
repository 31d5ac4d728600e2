#include "keyscope/analytics.hpp"

namespace keyscope::analytics {

std::string environment_of(std::string_view key_prefix) {
  if (key_prefix.substr(0, 8) == "sk_live_") return "live";
  if (key_prefix.substr(0, 8) == "sk_test_") return "test";
  return "unknown";
}

}  // namespace keyscope::analytics
