// The error envelope and the small JSON objects of errors and rate limits (nlohmann). The model
// encoders, which every fleet pays for, are in encode.cpp.
#include "keyscope/codec.hpp"

#include "codec/model_json.hpp"

namespace keyscope {
namespace {

using codec::json;

std::string dump(const json& value) {
  // Replace invalid UTF-8 instead of throwing: the text came from a server we do not control.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

bool decode_error_envelope(std::string_view body, Error& out) {
  json document;
  if (codec::parse_object(body, document)) return false;
  const auto error = document.find("error");
  if (error == document.end() || !error->is_object()) return false;
  // Each member on its own: a server that sends an object for `code` still gets its message
  // and request id through. A member of another type than string is left out.
  auto text_of = [&](const char* key) -> std::string {
    const auto member = error->find(key);
    return member != error->end() && member->is_string() ? member->get<std::string>() : std::string();
  };
  out.code = text_of("code");
  out.message = text_of("message");
  if (std::string request_id = text_of("request_id"); !request_id.empty()) {
    out.request_id = std::move(request_id);
  }
  const auto details = error->find("details");
  if (details != error->end() && details->is_object()) out.details_json = dump(*details);
  return true;
}

std::string encode_error_object(const Error& error) {
  json out{{"type", error_class_name(error.kind)},
           {"message", error.message},
           {"status", error.status},
           {"code", error.code},
           {"request_id", error.request_id}};
  // Through pointers, like every other parse in the core: one parser instantiation, not two.
  const std::string& text = error.details_json;
  json details = json::parse(text.data(), text.data() + text.size(), nullptr, false);
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
