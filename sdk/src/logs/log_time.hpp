#pragma once
// The time formats access logs use, to Unix milliseconds: ISO-8601 (with or without a zone, 'T'
// or a space, fractions), nginx's $time_local / Apache's %t ("17/May/2026:09:42:11 +0000",
// brackets allowed), and epoch numbers in seconds, milliseconds, microseconds or nanoseconds
// (told apart by magnitude, as Cloudflare's and Envoy's logs need).
#include <cstdint>
#include <optional>
#include <string_view>

namespace keyscope::logs {

std::optional<std::int64_t> parse_log_time_ms(std::string_view text);
std::optional<std::int64_t> epoch_number_to_ms(double value);

}  // namespace keyscope::logs
