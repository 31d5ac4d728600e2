// keyscope chargeback --bill AMOUNT [--map FILE | --pattern REGEX] [--days N]
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "errors.hpp"
#include "fleet.hpp"
#include "json_out.hpp"
#include "output.hpp"

namespace keyscope_cli {

using Json = nlohmann::ordered_json;
namespace an = keyscope::analytics;

namespace {

constexpr const char* kDefaultPattern = R"(\[(\w[\w-]*)\])";

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// One CSV record (RFC 4180 quoting) from a line; embedded newlines are not supported.
std::vector<std::string> csv_record(const std::string& line, const std::string& where) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && trim(field).empty()) {
      quoted = was_quoted = true;
      field.clear();
    } else if (c == ',') {
      fields.push_back(was_quoted ? field : trim(field));
      field.clear();
      was_quoted = false;
    } else {
      field += c;
    }
  }
  if (quoted) throw UsageError(where + ": unterminated quoted field");
  fields.push_back(was_quoted ? field : trim(field));
  return fields;
}

an::CostCenterMap read_map(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read map file " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 BOM
  an::CostCenterMap map;
  const std::string stripped = trim(text);
  if (!stripped.empty() && stripped[0] == '{') {
    Json doc;
    try {
      doc = Json::parse(stripped);
    } catch (const std::exception&) {
      throw UsageError("map file " + path + " is not valid JSON (expected {\"key id or name\": \"cost center\"})");
    }
    for (const auto& [key, value] : doc.items()) {
      if (!value.is_string()) {
        throw UsageError("map file " + path + ": the value of \"" + sanitize(key) + "\" must be a string (a cost center)");
      }
      map.by_key.emplace_back(key, value.get<std::string>());
    }
    return map;
  }
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(number);
    auto fields = csv_record(line, where);
    if (fields.size() != 2) throw UsageError(where + ": expected two fields, key,center");
    if (number == 1 && (fields[0] == "key" || fields[0] == "key_id") &&
        (fields[1] == "center" || fields[1] == "cost_center")) {
      continue;  // header
    }
    if (fields[0].empty()) throw UsageError(where + ": empty key");
    map.by_key.emplace_back(fields[0], fields[1]);
  }
  return map;
}

}  // namespace

int run_chargeback(const ParsedArgs& args, Context& ctx) {
  require_only(args, "chargeback", {"--bill", "--map", "--pattern", "--days", "--concurrency"});
  expect_positionals(args, 1, 0, "keyscope chargeback --bill AMOUNT [--map FILE | --pattern REGEX]");
  if (!args.options.count("--bill")) throw UsageError("chargeback needs --bill AMOUNT (e.g. --bill 1000.00)");
  const std::int64_t bill_cents = an::parse_bill_cents(args.options.at("--bill"));  // ValidationError
  if (args.options.count("--map") && args.options.count("--pattern")) {
    throw UsageError("--map and --pattern cannot be combined");
  }
  an::CostCenterMap map;
  if (args.options.count("--map")) {
    map = read_map(args.options.at("--map"));
  } else {
    map.name_pattern = args.options.count("--pattern") ? args.options.at("--pattern") : kDefaultPattern;
  }
  // A bad pattern is reported before any request.
  an::chargeback(std::vector<an::UsageRow>{}, bill_cents, map);
  const int days = days_option(args, 30);
  const int concurrency = concurrency_option(args);
  ctx.global = args.global;
  if (auto code = connect(ctx)) return *code;

  FleetResult fetched = fetch_fleet(ctx, days, concurrency);
  if (fetched.error) return report_error(*fetched.error, ctx.token);
  const auto rows = an::usage_by_key(*fetched.fleet);
  const auto charges = an::chargeback(rows, bill_cents, map);

  switch (args.global.format) {
    case Format::json: {
      Json out;
      out["bill"] = keyscope::analytics::format_cents(bill_cents);
      out["bill_cents"] = bill_cents;
      out["window_days"] = days;
      out["rows"] = to_json(charges);
      return emit(render_json(out));
    }
    case Format::csv:
    case Format::table:
      break;
  }
  Table t;
  t.columns = {{"cost_center", "COST CENTER"}, {"keys", "KEYS", true}, {"requests", "REQUESTS", true},
               {"share", "SHARE", true},       {"cost", "COST", true}};
  std::int64_t requests = 0, cents = 0;
  std::size_t keys = 0;
  for (const auto& c : charges) {
    t.rows.push_back({c.cost_center, std::to_string(c.key_ids.size()),
                      Cell(with_thousands(c.requests), std::to_string(c.requests)),
                      Cell(percent(c.share, 2), raw_number(c.share)), keyscope::analytics::format_cents(c.cost_cents)});
    requests += c.requests;
    cents += c.cost_cents;
    keys += c.key_ids.size();
  }
  if (args.global.format == Format::csv) return emit(render_csv(t));
  t.rows.push_back({"TOTAL", std::to_string(keys), with_thousands(requests), percent(requests ? 1.0 : 0.0, 2),
                    keyscope::analytics::format_cents(cents)});
  std::string header = "Chargeback of " + keyscope::analytics::format_cents(bill_cents) + " by request share, last " +
                       std::to_string(days) + " days (" +
                       (map.name_pattern ? "cost center from key names, pattern " + *map.name_pattern
                                         : "cost centers from " + args.options.at("--map")) +
                       ")\n\n";
  return emit(header + render_table(t));
}

}  // namespace keyscope_cli
