#pragma once
// What a user would write instead of keyscope's codec: the same bytes into the same structs,
// with simdjson On-Demand or with nlohmann::json. Timestamps and dates are parsed by the same
// keyscope::parse_iso8601 / parse_iso_date in every contender, so only the JSON work differs.
#include <string>

#include <keyscope/api_models.hpp>

namespace bench {

keyscope::KeyList simdjson_key_list(const std::string& padded_body);
keyscope::KeyUsage simdjson_key_usage(const std::string& padded_body);
keyscope::KeyList nlohmann_key_list(const std::string& body);
keyscope::KeyUsage nlohmann_key_usage(const std::string& body);
std::size_t simdjson_dom_parse_only(const std::string& padded_body);  // element count
std::size_t nlohmann_parse_only(const std::string& body);             // element count

}  // namespace bench
