#pragma once
// JSON <-> model mapping, at the nlohmann::json level. Internal: shared by the codec's text API
// and by analytics_json (which reads the same shapes out of larger documents).
#include "codec/json_reader.hpp"
#include "keyscope/models.hpp"

namespace keyscope::codec {

void read_key_info(Reader& reader, const json& object, const Path& path, APIKeyInfo& out);
void read_key_details(Reader& reader, const json& object, const Path& path,
                      APIKeyDetails& out);
void read_key_usage(Reader& reader, const json& object, const Path& path, KeyUsage& out);
void read_daily_bucket(Reader& reader, const json& object, const Path& path,
                       DailyBucket& out);

json to_json(const APIKeyInfo& info);
json to_json(const APIKeyDetails& details);
json to_json(const KeyUsage& usage);
json to_json(const DailyBucket& bucket);
json to_json(const std::optional<Timestamp>& timestamp);

}  // namespace keyscope::codec
