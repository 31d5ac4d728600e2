#include "keyscope/codec.hpp"

#include "codec/model_json.hpp"

namespace keyscope {
namespace {

using codec::json;
using codec::Path;
using codec::Tape;
using codec::TapeReader;
using codec::TapeValue;

// Parses `body` onto `tape`, finds its `data` member and hands it to `read`.
template <class T, class Read>
Result<T> decode_envelope(std::string_view body, Read read) {
  Tape tape;
  if (auto error = codec::parse_object(body, tape)) return std::move(*error);
  const auto data = TapeValue(tape, 0).find("data");
  if (!data || data->is_null()) return decode_error("missing required field at data", "data");
  TapeReader reader;
  T out{};
  read(reader, *data, out);
  if (auto error = reader.take_error()) return std::move(*error);
  return out;
}

std::string dump(const json& value) {
  // Replace invalid UTF-8 instead of throwing: the text came from a server we do not control.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

Result<KeyList> decode_key_list(std::string_view body) {
  Tape tape;
  if (auto error = codec::parse_object(body, tape)) return std::move(*error);
  const TapeValue document(tape, 0);
  const auto data = document.find("data");
  if (!data || data->is_null()) return decode_error("missing required field at data", "data");
  if (!data->is_array()) {
    return decode_error("expected an array, got " + TapeReader::type_of(*data) + " at data", "data");
  }
  TapeReader reader;
  KeyList out;
  out.data.reserve(data->size());
  reader.for_each_element_of(document, Path::root(), "data",
                             [&](const TapeValue& element, const Path& element_path) {
                               APIKeyInfo info;
                               codec::read_key_info(reader, element, element_path, info);
                               out.data.push_back(std::move(info));
                             });
  if (const auto meta = reader.object_member(document, Path::root(), "meta")) {
    reader.optional(*meta, Path::root().member("meta"), "total", out.total);
  }
  if (auto error = reader.take_error()) return std::move(*error);
  return out;
}

Result<APIKeyDetails> decode_key_details(std::string_view body) {
  return decode_envelope<APIKeyDetails>(body, [](TapeReader& reader, const TapeValue& data, APIKeyDetails& out) {
    codec::read_key_details(reader, data, Path::root().member("data"), out);
  });
}

Result<KeyUsage> decode_key_usage(std::string_view body) {
  return decode_envelope<KeyUsage>(body, [](TapeReader& reader, const TapeValue& data, KeyUsage& out) {
    codec::read_key_usage(reader, data, Path::root().member("data"), out);
  });
}

bool decode_error_envelope(std::string_view body, Error& out) {
  json document;
  if (codec::parse_object(body, document)) return false;
  const auto error = document.find("error");
  if (error == document.end() || !error->is_object()) return false;
  codec::Reader reader;
  std::string code, message, request_id;
  const codec::Path error_path = Path::root().member("error");
  reader.optional(*error, error_path, "code", code);
  reader.optional(*error, error_path, "message", message);
  reader.optional(*error, error_path, "request_id", request_id);
  if (!reader.ok()) return false;
  out.code = std::move(code);
  out.message = std::move(message);
  if (!request_id.empty()) out.request_id = std::move(request_id);
  const auto details = error->find("details");
  if (details != error->end() && details->is_object()) out.details_json = dump(*details);
  return true;
}

std::string encode_key_list(const KeyList& list) {
  json data = json::array();
  for (const auto& info : list.data) data.push_back(codec::to_json(info));
  json out{{"data", std::move(data)}};
  if (list.total) out["meta"] = json{{"total", *list.total}};
  return dump(out);
}

std::string encode_key_details(const APIKeyDetails& details) {
  return dump(json{{"data", codec::to_json(details)}});
}

std::string encode_key_usage(const KeyUsage& usage) {
  return dump(json{{"data", codec::to_json(usage)}});
}

std::string encode_key_info_object(const APIKeyInfo& info) { return dump(codec::to_json(info)); }

std::string encode_key_usage_object(const KeyUsage& usage) { return dump(codec::to_json(usage)); }

std::string encode_error_object(const Error& error) {
  json out{{"type", error_class_name(error.kind)},
           {"message", error.message},
           {"status", error.status},
           {"code", error.code},
           {"request_id", error.request_id}};
  json details = json::parse(error.details_json, nullptr, false);
  out["details"] = details.is_discarded() ? json::object() : details;
  out["retry_after"] = error.retry_after_seconds ? json(*error.retry_after_seconds) : json(nullptr);
  if (!error.json_path.empty()) out["json_path"] = error.json_path;
  return dump(out);
}

std::string encode_rate_limit_object(const RateLimit& rate_limit) {
  auto field = [](const auto& value) { return value ? json(*value) : json(nullptr); };
  return dump(json{{"limit", field(rate_limit.limit)},
                   {"remaining", field(rate_limit.remaining)},
                   {"reset", field(rate_limit.reset_unix)},
                   {"retry_after", field(rate_limit.retry_after_seconds)}});
}

}  // namespace keyscope
