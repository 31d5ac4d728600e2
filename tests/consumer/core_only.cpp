// Links keyscope::core alone (no client, no libcurl): decodes a usage payload read from stdin,
// as a user with their own HTTP stack would, and prints what the analytics make of it.
#include <keyscope/analytics.hpp>
#include <keyscope/codec.hpp>

#include <iostream>
#include <iterator>
#include <string>
#include <vector>

int main() {
  const std::string body{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  auto usage = keyscope::decode_key_usage(body);
  if (!usage) {
    std::cerr << keyscope::to_string(usage.error()) << "\n";
    return 1;
  }
  std::vector<double> daily;
  for (const auto& day : usage->daily) daily.push_back(static_cast<double>(day.requests));
  std::cout << usage->total_requests << " requests over " << usage->daily.size()
            << " days, median day " << keyscope::analytics::percentile(daily, 0.5) << "\n";
  return 0;
}
