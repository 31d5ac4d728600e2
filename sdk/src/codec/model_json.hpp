#pragma once
// JSON <-> model mapping, at the nlohmann::json level. Internal: shared by the codec's text API
// and by analytics_json (which reads the same shapes out of larger documents).
#include "codec/json_reader.hpp"
#include "keyscope/models.hpp"

namespace keyscope::codec {

// Instantiated for both value types (model_read.cpp).
template <class Value>
void read_key_info(BasicReader<Value>& reader, const Value& object, const Path& path, APIKeyInfo& out);
template <class Value>
void read_key_details(BasicReader<Value>& reader, const Value& object, const Path& path,
                      APIKeyDetails& out);
template <class Value>
void read_key_usage(BasicReader<Value>& reader, const Value& object, const Path& path, KeyUsage& out);
template <class Value>
void read_daily_bucket(BasicReader<Value>& reader, const Value& object, const Path& path,
                       DailyBucket& out);

json to_json(const APIKeyInfo& info);
json to_json(const APIKeyDetails& details);
json to_json(const KeyUsage& usage);
json to_json(const DailyBucket& bucket);
json to_json(const std::optional<Timestamp>& timestamp);

}  // namespace keyscope::codec
