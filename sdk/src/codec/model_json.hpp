#pragma once
// JSON <-> model mapping. Internal: shared by the codec's text API
// and by analytics_json (which reads the same shapes out of larger documents).
#include "codec/json_reader.hpp"
#include "codec/json_writer.hpp"
#include "keyscope/models.hpp"

namespace keyscope::codec {

// Defined in model_read.hpp; instantiated for both value types in model_read_{tape,json}.cpp.
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

// Each model as one JSON object, fields in the contract's order.
void write(JsonWriter& out, const APIKeyInfo& info);
void write(JsonWriter& out, const APIKeyDetails& details);
void write(JsonWriter& out, const KeyUsage& usage);

}  // namespace keyscope::codec
