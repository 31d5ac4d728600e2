// The response decoders: body text -> tape -> models. (codec.cpp has the encoders.)
#include "codec/model_json.hpp"
#include "keyscope/codec.hpp"

namespace keyscope {
namespace {

using codec::Path;
using codec::Tape;
using codec::Reader;
using codec::TapeValue;

// Parses `body` onto a tape, finds its `data` member and hands the document and `data` to
// `read`.
template <class T, class Read>
Result<T> decode_envelope(std::string_view body, const DecodeOptions& options, Read read) {
  Tape tape;
  if (auto error = codec::parse_object(body, tape)) return std::move(*error);
  const TapeValue document(tape, 0);
  const auto data = document.find("data");
  if (!data || data->is_null()) return decode_error("missing required field at data", "data");
  Reader reader(options.strict);
  T out{};
  read(reader, document, *data, out);
  if (auto error = reader.take_error()) return std::move(*error);
  return out;
}

}  // namespace

Result<KeyList> decode_key_list(std::string_view body, const DecodeOptions& options) {
  return decode_envelope<KeyList>(body, options, [](Reader& reader, const TapeValue& document,
                                           const TapeValue& data, KeyList& out) {
    out.data.reserve(data.size());
    // "expected an array, got ... at data" when `data` is anything else.
    codec::read_key_list(reader, document, Path::root(), out);
  });
}

Result<APIKeyDetails> decode_key_details(std::string_view body, const DecodeOptions& options) {
  return decode_envelope<APIKeyDetails>(
      body, options, [](Reader& reader, const TapeValue&, const TapeValue& data, APIKeyDetails& out) {
        codec::read_key_details(reader, data, Path::root().member("data"), out);
      });
}

Result<KeyUsage> decode_key_usage(std::string_view body, const DecodeOptions& options) {
  return decode_envelope<KeyUsage>(
      body, options, [](Reader& reader, const TapeValue&, const TapeValue& data, KeyUsage& out) {
        codec::read_key_usage(reader, data, Path::root().member("data"), out);
      });
}

}  // namespace keyscope
