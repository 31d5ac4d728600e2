// The error envelope and the small JSON objects of errors and rate limits. The model encoders,
// which every fleet pays for, are in encode.cpp.
#include "keyscope/codec.hpp"

#include "codec/json_copy.hpp"
#include "codec/model_json.hpp"

namespace keyscope {

bool decode_error_envelope(std::string_view body, Error& out) {
  codec::Tape document;
  if (codec::parse_object(body, document)) return false;
  const auto error = codec::TapeValue(document, 0).find("error");
  if (!error || !error->is_object()) return false;
  // Each member on its own: a server that sends an object for `code` still gets its message
  // and request id through. A member of another type than string is left out.
  auto text_of = [&](const char* key) -> std::string {
    const auto member = error->find(key);
    return member && member->is_string() ? member->string() : std::string();
  };
  out.code = text_of("code");
  out.message = text_of("message");
  if (std::string request_id = text_of("request_id"); !request_id.empty()) {
    out.request_id = std::move(request_id);
  }
  const auto details = error->find("details");
  if (details && details->is_object()) out.details_json = codec::to_text(*details);
  return true;
}

std::string encode_error_object(const Error& error) {
  codec::JsonWriter out;
  out.begin_object();
  out.key("type").value(error_class_name(error.kind));
  out.key("message").value(error.message);
  out.key("status").value(error.status);
  out.key("code").value(error.code);
  out.key("request_id").value(error.request_id);
  // Any JSON value the details were; {} when they are not JSON.
  out.key("details");
  codec::Tape details;
  if (codec::Tape::parse(error.details_json, details, codec::kMaxDepth)) {
    out.begin_object();
    out.end_object();
  } else {
    codec::copy_value(out, codec::TapeValue(details, 0));
  }
  out.key("retry_after").value(error.retry_after_seconds);
  if (!error.json_path.empty()) out.key("json_path").value(error.json_path);
  out.end_object();
  return out.take();
}

std::string encode_rate_limit_object(const RateLimit& rate_limit) {
  codec::JsonWriter out;
  out.begin_object();
  out.key("limit").value(rate_limit.limit);
  out.key("remaining").value(rate_limit.remaining);
  out.key("reset").value(rate_limit.reset_unix);
  out.key("retry_after").value(rate_limit.retry_after_seconds);
  out.end_object();
  return out.take();
}

}  // namespace keyscope
