// keyscope keys list / keyscope keys show ID, and the helpers every command shares.
#include <ctime>

#include "commands.hpp"
#include "errors.hpp"
#include "json_out.hpp"
#include "output.hpp"

namespace keyscope_cli {

using Json = nlohmann::ordered_json;

std::optional<int> connect(Context& ctx) {
  if (auto error = build_context(ctx, ctx.global)) return report_error(*error, ctx.token);
  return std::nullopt;
}

int days_option(const ParsedArgs& args, int fallback) {
  const auto it = args.options.find("--days");
  if (it == args.options.end()) return fallback;
  const long long days = parse_integer("--days", it->second);
  if (auto error = keyscope::validate_days(days)) throw keyscope::ValidationError(*error);
  return static_cast<int>(days);
}

void expect_positionals(const ParsedArgs& args, std::size_t command_words, std::size_t count,
                        const std::string& usage) {
  const std::size_t got = args.words.size() - command_words;
  if (got == count) return;
  if (got < count) throw UsageError("missing argument; usage: " + usage);
  throw UsageError("unexpected argument '" + sanitize(args.words[command_words + count]) +
                   "'; usage: " + usage);
}

int emit(const std::string& text) {
  if (print(text)) return kOk;
  std::fputs("keyscope: could not write the output (stdout closed?)\n", stderr);
  return kFailure;
}

namespace {

std::string status_of(const keyscope::APIKeyInfo& key, std::int64_t now) {
  if (key.revoked()) return "revoked";
  if (key.expires_at && key.expires_at->unix_seconds <= now) return "expired";
  return "active";
}

Table key_table(const std::vector<keyscope::APIKeyInfo>& keys, std::int64_t now) {
  Table t;
  t.columns = {{"id", "ID"},
               {"name", "NAME"},
               {"key_prefix", "PREFIX"},
               {"environment", "ENV"},
               {"tier", "TIER"},
               {"total_requests", "REQUESTS", true},
               {"last_used_at", "LAST USED"},
               {"created_at", "CREATED"},
               {"expires_at", "EXPIRES"},
               {"status", "STATUS"}};
  for (const auto& k : keys) {
    auto opt = [](const std::optional<keyscope::Timestamp>& ts) {
      return Cell(ts ? ts->text : "-", ts ? ts->text : "");
    };
    t.rows.push_back({k.id, k.name, k.key_prefix, keyscope::analytics::environment_of(k.key_prefix),
                      k.tier, Cell(with_thousands(k.total_requests), std::to_string(k.total_requests)),
                      opt(k.last_used_at), opt(k.created_at), opt(k.expires_at), status_of(k, now)});
  }
  return t;
}

}  // namespace

int run_keys_list(const ParsedArgs& args, Context& ctx) {
  require_only(args, "keys list", {});
  expect_positionals(args, 2, 0, "keyscope keys list");
  ctx.global = args.global;
  if (auto code = connect(ctx)) return *code;
  auto listed = ctx.client->list_keys();
  if (!listed.ok()) return report_error(listed.error(), ctx.token);
  const auto& keys = listed->data;
  switch (args.global.format) {
    case Format::json: {
      Json out = Json::array();
      for (const auto& k : keys) out.push_back(to_json(k));
      return emit(render_json(out));
    }
    case Format::csv:
      return emit(render_csv(key_table(keys, reference_now(std::nullopt, listed.raw()))));
    case Format::table:
      break;
  }
  const std::int64_t now = reference_now(std::nullopt, listed.raw());
  std::size_t revoked = 0;
  for (const auto& k : keys) revoked += k.revoked() ? 1 : 0;
  return emit(render_table(key_table(keys, now)) + "\n" + std::to_string(keys.size()) + " keys (" +
              std::to_string(keys.size() - revoked) + " active, " + std::to_string(revoked) +
              " revoked)\n");
}

int run_keys_show(const ParsedArgs& args, Context& ctx) {
  require_only(args, "keys show", {});
  expect_positionals(args, 2, 1, "keyscope keys show KEY_ID");
  const std::string& id = args.words[2];
  if (auto error = keyscope::validate_key_id(id)) return report_error(*error, {});
  ctx.global = args.global;
  if (auto code = connect(ctx)) return *code;
  auto shown = ctx.client->get_key(id);
  if (!shown.ok()) return report_error(shown.error(), ctx.token);
  const auto& k = *shown;
  if (args.global.format == Format::json) return emit(render_json(to_json(k)));

  auto join = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : " ") + s;
    return out;
  };
  auto opt_int = [](const std::optional<std::int64_t>& v) {
    return v ? Cell(with_thousands(*v), std::to_string(*v)) : Cell("-", "");
  };
  auto opt_time = [](const std::optional<keyscope::Timestamp>& ts) {
    return Cell(ts ? ts->text : "-", ts ? ts->text : "");
  };
  WideCount days_requests = 0, days_errors = 0;
  for (const auto& d : k.usage_daily) {
    days_requests += d.requests;
    days_errors += d.errors;
  }
  const std::int64_t now = reference_now(std::nullopt, shown.raw());
  Table t;
  t.columns = {{"field", "FIELD"}, {"value", "VALUE"}};
  t.rows = {
      {"id", k.id},
      {"name", k.name},
      {"key_prefix", k.key_prefix},
      {"environment", keyscope::analytics::environment_of(k.key_prefix)},
      {"tier", k.tier},
      {"status", status_of(k, now)},
      {"scopes", join(k.scopes)},
      {"rate_limit_per_minute", opt_int(k.rate_limit_per_minute)},
      {"rate_limit_per_day", opt_int(k.rate_limit_per_day)},
      {"total_requests", Cell(with_thousands(k.total_requests), std::to_string(k.total_requests))},
      {"last_used_at", opt_time(k.last_used_at)},
      {"created_at", opt_time(k.created_at)},
      {"expires_at", opt_time(k.expires_at)},
      {"revoked_at", opt_time(k.revoked_at)},
      {"allowed_ips", k.allowed_ips ? Cell(k.allowed_ips->empty() ? "(none)" : join(*k.allowed_ips), join(*k.allowed_ips))
                                    : Cell("any (no restriction)", "")},
  };
  if (!k.usage_daily.empty()) {
    t.rows.push_back({"usage_daily_days", std::to_string(k.usage_daily.size())});
    t.rows.push_back({"usage_daily_requests", Cell(with_thousands(days_requests), decimal(days_requests))});
    t.rows.push_back({"usage_daily_errors", Cell(with_thousands(days_errors), decimal(days_errors))});
  }
  if (args.global.format == Format::csv) return emit(render_csv(t));
  return emit(render_table(t));
}

}  // namespace keyscope_cli
