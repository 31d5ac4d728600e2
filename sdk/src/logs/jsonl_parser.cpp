// JSON lines: one object a line (Envoy, Cloudflare, any JSON access log), read with the codec's
// tape parser. Field names are detected on the first object that has them, or given by the user
// (dots walk into nested objects: "request.path").
#include <vector>

#include "codec/json_reader.hpp"
#include "codec/json_tape.hpp"
#include "logs/field_names.hpp"
#include "logs/line_parser.hpp"

namespace keyscope::logs {
namespace {

using codec::JsonKind;
using codec::Tape;
using codec::TapeValue;

class JsonlParser final : public LineParser {
 public:
  explicit JsonlParser(const FieldMap& fields) : resolved_(fields) {
    for (Field field : kAllFields) user_given_[static_cast<int>(field)] = !logs::field_of(fields, field).empty();
  }

  bool parse(std::string_view line, LineFields& out, bool& header) override {
    header = false;
    if (Tape::parse(line, tape_, codec::kMaxDepth)) return false;
    const TapeValue root(tape_, 0);
    if (!root.is_object()) return false;
    for (Field field : kAllFields) {
      std::string& source = logs::field_of(resolved_, field);
      if (source.empty()) source = detect(root, field);
      if (source.empty()) continue;
      if (auto value = lookup(root, source, user_given_[static_cast<int>(field)])) {
        read(*value, slot(out, field));
      }
    }
    return true;
  }

  const FieldMap& resolved() const override { return resolved_; }

 private:
  static std::string detect(const TapeValue& root, Field field) {
    for (const std::string& candidate : candidate_names(field)) {
      std::string found;
      root.for_each_member([&](const std::string& name, const TapeValue&) {
        if (found.empty() && names_match(name, candidate)) found = name;
      });
      if (!found.empty()) return found;
    }
    return {};
  }

  static std::optional<TapeValue> lookup(const TapeValue& root, const std::string& source, bool dotted) {
    if (auto direct = root.find(source)) return direct;
    if (!dotted || source.find('.') == std::string::npos) return std::nullopt;
    std::optional<TapeValue> at = root;
    std::size_t start = 0;
    while (at && start <= source.size()) {
      const std::size_t dot = source.find('.', start);
      const std::string part = source.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!at->is_object()) return std::nullopt;
      at = at->find(part);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return at;
  }

  static void read(const TapeValue& value, FieldValue& out) {
    switch (value.kind()) {
      case JsonKind::null: return;
      case JsonKind::string: out.set_text(value.string()); return;
      case JsonKind::integer:
      case JsonKind::unsigned_integer:
      case JsonKind::floating: out.set_number(value.as_double()); return;
      default: out.set_text(""); return;  // a type no field can hold: read as empty
    }
  }

  FieldMap resolved_;
  bool user_given_[5] = {};
  Tape tape_;
};

}  // namespace

std::unique_ptr<LineParser> make_jsonl_parser(const FieldMap& fields) {
  return std::make_unique<JsonlParser>(fields);
}

}  // namespace keyscope::logs
