// nginx/Apache text logs described by the user's own nginx log_format string, verbatim:
// '$remote_addr - $remote_user [$time_local] "$request" $status ... "$http_authorization"'.
// Each variable's value runs up to the literal text that follows it in the format.
#include <cctype>
#include <vector>

#include "keyscope/error.hpp"
#include "logs/line_parser.hpp"

namespace keyscope::logs {
namespace {

struct Token {
  bool variable = false;
  std::string text;  // the literal, or the variable's name without '$'
};

std::vector<Token> tokenize(const std::string& format) {
  std::vector<Token> tokens;
  auto literal = [&](char c) {
    if (tokens.empty() || tokens.back().variable) tokens.push_back({false, ""});
    tokens.back().text += c;
  };
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '$') {
      literal(format[i]);
      continue;
    }
    std::size_t start = i + 1, end = start;
    const bool braced = start < format.size() && format[start] == '{';
    if (braced) end = ++start;
    while (end < format.size() && (std::isalnum(static_cast<unsigned char>(format[end])) || format[end] == '_')) ++end;
    if (end == start || (braced && (end >= format.size() || format[end] != '}'))) {
      literal('$');
      continue;
    }
    tokens.push_back({true, format.substr(start, end - start)});
    i = braced ? end : end - 1;
  }
  return tokens;
}

std::string bare(const std::string& name) { return !name.empty() && name[0] == '$' ? name.substr(1) : name; }

// The index of the token that holds `field`, or -1.
int resolve(const std::vector<Token>& tokens, Field field, const std::string& given) {
  if (!given.empty()) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].variable && tokens[i].text == bare(given)) return static_cast<int>(i);
    }
    return -1;
  }
  for (const std::string& candidate : candidate_names(field)) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].variable && names_match(tokens[i].text, candidate)) return static_cast<int>(i);
    }
  }
  return -1;
}

class NginxParser final : public LineParser {
 public:
  NginxParser(std::vector<Token> tokens, const FieldMap& fields) : tokens_(std::move(tokens)) {
    for (Field field : kAllFields) {
      const int index = resolve(tokens_, field, field_of(fields, field));
      index_[static_cast<int>(field)] = index;
      if (index >= 0) field_of(resolved_, field) = "$" + tokens_[static_cast<std::size_t>(index)].text;
    }
  }

  bool parse(std::string_view line, LineFields& out, bool& header) override {
    header = false;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t pos = 0;
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      const Token& token = tokens_[i];
      if (!token.variable) {
        if (line.compare(pos, token.text.size(), token.text) != 0) return false;
        pos += token.text.size();
        continue;
      }
      std::size_t end = line.size();
      if (i + 1 < tokens_.size()) {
        end = line.find(tokens_[i + 1].text, pos);
        if (end == std::string_view::npos) return false;
      }
      store(static_cast<int>(i), line.substr(pos, end - pos), out);
      pos = end;
    }
    return pos == line.size();
  }

  const FieldMap& resolved() const override { return resolved_; }

 private:
  void store(int token, std::string_view value, LineFields& out) const {
    if (value == "-" || value.empty()) return;
    for (Field field : kAllFields) {
      if (index_[static_cast<int>(field)] == token) slot(out, field).set_text(value);
    }
  }

  std::vector<Token> tokens_;
  FieldMap resolved_;
  int index_[5] = {-1, -1, -1, -1, -1};
};

}  // namespace

std::optional<Error> check_nginx_format(const std::string& log_format, const FieldMap& fields) {
  const auto tokens = tokenize(log_format);
  bool any_variable = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    any_variable = any_variable || tokens[i].variable;
    if (tokens[i].variable && i + 1 < tokens.size() && tokens[i + 1].variable) {
      return validation_error("nginx log_format: $" + tokens[i].text + " is followed directly by $" +
                                  tokens[i + 1].text + "; keyscope needs text between two variables",
                              "invalid_log_format");
    }
  }
  if (!any_variable) return validation_error("nginx log_format has no $variable", "invalid_log_format");
  for (Field field : {Field::time, Field::key, Field::status}) {
    const std::string& given = field_of(fields, field);
    if (resolve(tokens, field, given) >= 0) continue;
    return validation_error(
        given.empty() ? std::string("nginx log_format: no variable for the ") + field_name(field) +
                            " (give one with --field " + field_name(field) + "=$variable)"
                      : "nginx log_format has no $" + bare(given) + " (the " + field_name(field) + " field)",
        "invalid_log_format");
  }
  return std::nullopt;
}

std::unique_ptr<LineParser> make_nginx_parser(const std::string& log_format, const FieldMap& fields) {
  if (check_nginx_format(log_format, fields)) return nullptr;
  return std::make_unique<NginxParser>(tokenize(log_format), fields);
}

}  // namespace keyscope::logs
