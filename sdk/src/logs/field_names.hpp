#pragma once
// The names access logs commonly give the five fields, for detection, and what a latency field's
// name says about its unit.
#include <string>
#include <string_view>
#include <vector>

#include "keyscope/logs.hpp"

namespace keyscope::logs {

enum class Field { time, key, path, status, latency };
constexpr Field kAllFields[] = {Field::time, Field::key, Field::path, Field::status, Field::latency};
const char* field_name(Field field) noexcept;  // "time", "key", ...

// Common source names, most specific first. Compared with names_match().
const std::vector<std::string>& candidate_names(Field field);
// Case-insensitive, '-' and '_' and '.' alike ("X-Api-Key" matches "x_api_key").
bool names_match(std::string_view a, std::string_view b);

std::string& field_of(FieldMap& map, Field field);
const std::string& field_of(const FieldMap& map, Field field);

// Milliseconds per unit of a latency value read from the source `name`.
double latency_scale_ms(std::string_view name, LatencyUnit unit);

}  // namespace keyscope::logs
