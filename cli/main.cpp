// keyscope: API-key inventory, usage and analytics of the SOC Defenders API from the terminal.
// main.cpp only dispatches; parsing, configuration, output and each command live in their own
// files.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <keyscope/keyscope.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "suggest.hpp"

namespace keyscope_cli {

const char* const kGlobalHelp =
    "Global options (anywhere on the line):\n"
    "  --base-url URL         API base URL (default https://socdefenders.ai)\n"
    "  --session-file PATH    file holding the sb-access-token session cookie value\n"
    "                         (else env KEYSCOPE_SESSION; never accepted on the command line)\n"
    "  --timeout SECONDS      per-attempt timeout, decimals allowed (default 30)\n"
    "  --max-retries N        retries of 429/5xx/timeouts/connection errors, 0..10 (default 2)\n"
    "  --ca-bundle PATH       trust the CAs of this PEM file, e.g. your company's root CA\n"
    "                         (else env KEYSCOPE_CA_BUNDLE, SSL_CERT_FILE, REQUESTS_CA_BUNDLE,\n"
    "                         CURL_CA_BUNDLE, in that order; else the system's CA bundle)\n"
    "  --proxy URL            http://[user:password@]host:port (else env https_proxy/HTTPS_PROXY,\n"
    "                         all_proxy; http_proxy for an http:// base URL)\n"
    "  --no-proxy HOSTS       hosts reached directly, comma-separated (else env NO_PROXY)\n"
    "  --insecure, -k         do not verify the server's TLS certificate: test servers only,\n"
    "                         prints a warning on every run\n"
    "  --json | --csv         machine-readable output (default: aligned table)\n"
    "  --verbose              log every request and retry to stderr (secrets redacted), and\n"
    "                         warn about implausible values in responses (env KEYSCOPE_DEBUG=1)\n"
    "  --strict               an implausible response (negative counts, totals that disagree,\n"
    "                         ...) is a decode error (exit 6) instead of a warning\n"
    "  --help, --version\n"
    "Settings: an option beats its environment variable (KEYSCOPE_BASE_URL,\n"
    "KEYSCOPE_SESSION_FILE, KEYSCOPE_TIMEOUT, KEYSCOPE_MAX_RETRIES), which beats the config file\n"
    "(KEYSCOPE_CONFIG, else $XDG_CONFIG_HOME/keyscope/config.toml, else\n"
    "~/.config/keyscope/config.toml; keys base_url, session_file, timeout, max_retries).\n";

const char* const kExitCodes =
    "Exit codes: 0 ok, 2 usage/validation, 3 authentication/permission (401/403),\n"
    "            4 not found, 5 rate limited, 6 server/network/timeout/decode error or a\n"
    "            redirect (keyscope never follows one).\n";

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"keys list", "list every API key (revoked ones included)",
       "Usage: keyscope keys list [--json|--csv]\n\n"
       "Lists every API key of the account: id, name, prefix, environment, tier, total requests,\n"
       "last use, creation, expiry and status (active, expired, revoked). Full secrets are never\n"
       "returned by the API; keys are identified by their prefix.\n",
       run_keys_list},
      {"keys show", "full metadata of one key",
       "Usage: keyscope keys show KEY_ID [--json|--csv]\n\n"
       "Shows one key's metadata: scopes, rate limits, allowed IPs, dates, and the daily usage\n"
       "summary the API includes. KEY_ID is the UUID from `keyscope keys list`.\n",
       run_keys_show},
      {"usage", "usage analytics of one key",
       "Usage: keyscope usage KEY_ID [--days N] [--json|--csv]\n\n"
       "Usage of one key over the last N days (1..90, default 30): totals, success rate,\n"
       "latency percentiles, rate-limit peaks, top endpoints, status codes and the daily series,\n"
       "plus an integrity check of the payload (totals, status sums, daily series).\n"
       "--csv prints the daily series (date,requests,errors).\n",
       run_usage},
      {"report", "one row per active key, then the anomalies",
       "Usage: keyscope report [--days N] [--concurrency N] [--now ISO] [--json|--csv]\n\n"
       "Fetches the key list and every active key's usage (N days, default 30; at most\n"
       "--concurrency requests in flight, default 8) and prints one row per active key:\n"
       "name, prefix, environment, tier, requests, errors, error rate, p95 latency (the key's\n"
       "own p95, never averaged), last activity; sorted by requests. An \"Anomalies\" section\n"
       "follows (see `keyscope anomalies --help`). --json gives {\"window_days\", \"rows\",\n"
       "\"anomalies\"}; --csv gives the rows only.\n"
       "--now ISO evaluates expiry and staleness at that instant (default: the API's Date\n"
       "header, else this machine's clock).\n",
       run_report},
      {"anomalies", "findings across the fleet (spikes, dormant keys, error bursts, ...)",
       "Usage: keyscope anomalies [--days N] [--concurrency N] [--now ISO] [--json|--csv]\n\n"
       "Looks at every active key's daily series over N days (default 90, so that dormant and\n"
       "stale keys have history) and reports: spike, dormant_reactivated, error_burst,\n"
       "rate_limit_pressure, test_key_production_traffic, expiring_soon, expired_not_revoked,\n"
       "never_used, stale. Each finding has a severity (critical, warning, info) and a reason\n"
       "with its numbers. Robust statistics (median/MAD) with the SDK's documented defaults.\n",
       run_anomalies},
      {"chargeback", "split a bill across cost centers by request share",
       "Usage: keyscope chargeback --bill AMOUNT [--map FILE | --pattern REGEX] [--days N]\n"
       "                           [--concurrency N] [--json|--csv]\n\n"
       "Splits AMOUNT (e.g. 1000.00) across cost centers by each center's share of the\n"
       "requests of the last N days (default 30). Costs add up to the bill exactly, to the cent\n"
       "(largest-remainder rounding). Cost centers come from:\n"
       "  --map FILE       a JSON object {\"key id or key name\": \"center\"} or CSV lines key,center\n"
       "  --pattern REGEX  the first capture group of REGEX in the key name (ECMAScript);\n"
       "                   default \\[(\\w[\\w-]*)\\] so that \"Production SIEM [secops]\" -> secops\n"
       "Keys that map nowhere are charged to \"unallocated\".\n",
       run_chargeback},
      {"logs summarize", "usage per key from your own traffic logs (offline)",
       "Usage: keyscope logs summarize FILE... [--format jsonl|csv|nginx] [--nginx-format STR]\n"
       "                               [--field NAME=SOURCE]... [--latency-unit s|ms|us]\n"
       "                               [--days N] [--now ISO] [--json|--csv]\n\n"
       "Reads your egress proxy's, gateway's or web server's access logs (FILE.gz read directly,\n"
       "- for stdin) and computes each key's usage in the API's shape: totals, status breakdown,\n"
       "errors, latency p50/p95/p99 (exact up to 10,000 samples per key, then a DDSketch with 1%\n"
       "relative error), rate-limit peaks per minute and per day, top endpoints, the daily series.\n"
       "Lines outside the N days (default 30) ending on --now's UTC day (default: today) are\n"
       "counted as out_of_window. No network, no session needed.\n"
       "  --format           jsonl (default: one JSON object a line), csv (with a header), nginx\n"
       "  --nginx-format STR your nginx log_format string, verbatim (implies --format nginx)\n"
       "  --field NAME=SRC   where time, key, path, status or latency is: a JSON member (dots walk\n"
       "                     into objects), a CSV column or an nginx $variable; common names are\n"
       "                     detected (timestamp, authorization, path, status, duration_ms, ...)\n"
       "  --latency-unit     of the latency field (default: from its name; $request_time is s)\n"
       "A key field may hold a full secret key (Bearer sk_live_...): it is cut to its 12-character\n"
       "prefix as it is read and never printed. Bad lines are counted by kind with line numbers.\n",
       run_logs_summarize},
      {"reconcile", "hold the API's usage against your logs: leaks, drift",
       "Usage: keyscope reconcile --logs FILE... [--format jsonl|csv|nginx] [--nginx-format STR]\n"
       "                          [--field NAME=SOURCE]... [--latency-unit s|ms|us] [--days N]\n"
       "                          [--tolerance 2%] [--min-diff 5] [--now ISO] [--concurrency N]\n"
       "                          [--json|--csv]\n\n"
       "The log options mean what they mean for `keyscope logs summarize`.\n"
       "Fetches the key list and every active key's usage for N days (default 30), reads your\n"
       "logs for the same UTC days, and compares them per key and day. A day agrees when\n"
       "|api - logs| <= max(tolerance x api, min-diff), for requests and for errors. Findings:\n"
       "  api_exceeds_logs    the API counted traffic your infrastructure did not send: the key\n"
       "                      may have leaked (critical)\n"
       "  logs_exceed_api     you sent more than the API counted: dropped counts, billing drift\n"
       "  unknown_key         a key prefix in your logs that your key list does not have\n"
       "  revoked_key_in_use  your services still call a revoked key (expired_key_in_use alike)\n"
       "  key_silent_in_logs  API traffic on a key your logs never saw\n"
       "Exit code 1 when there is a finding (like diff), 0 when every key agrees.\n",
       run_reconcile},
      {"completion", "print a shell completion script (bash, zsh, fish)",
       "Usage: keyscope completion bash|zsh|fish\n\n"
       "Prints a completion script for commands, subcommands and options. Load it with:\n"
       "  bash   echo 'source <(keyscope completion bash)' >> ~/.bashrc\n"
       "  zsh    echo 'source <(keyscope completion zsh)' >> ~/.zshrc\n"
       "  fish   keyscope completion fish > ~/.config/fish/completions/keyscope.fish\n",
       run_completion},
  };
  return list;
}

namespace {

std::string overview() {
  std::string text =
      "keyscope " + std::string(keyscope::kVersion) +
      " - API keys and per-key usage analytics of the SOC Defenders API\n\n"
      "Usage: keyscope COMMAND [options]\n\nCommands:\n";
  for (const auto& c : commands()) {
    std::string path = c.path;
    path.resize(16, ' ');
    text += "  " + path + c.summary + "\n";
  }
  text += "\n";
  text += kGlobalHelp;
  text += "\n";
  text += kExitCodes;
  text += "\nRun `keyscope COMMAND --help` for a command's options.\n";
  return text;
}

std::string command_help(const Command& c) {
  return std::string(c.help) + "\n" + kGlobalHelp + "\n" + kExitCodes;
}

int run(int argc, char** argv) {
  ParsedArgs args;
  try {
    args = parse_args(argc, argv);
  } catch (const UnknownOptionError& e) {
    return report_usage_error(std::string(e.what()) + did_you_mean(e.option, documented_options()) +
                              " (see keyscope --help)");
  } catch (const UsageError& e) {
    return report_usage_error(e.what());
  }
  if (args.global.version) {
    return emit("keyscope " + std::string(keyscope::kVersion) + "\n");
  }
  // "keyscope help [COMMAND...]" is "keyscope [COMMAND...] --help".
  if (!args.words.empty() && args.words[0] == "help") {
    args.words.erase(args.words.begin());
    args.global.help = true;
  }
  if (args.words.empty()) {
    if (args.global.help) return emit(overview());
    std::fputs(overview().c_str(), stderr);
    return kUsage;
  }

  // Longest command path matching the leading words ("keys list" before "keys").
  const Command* match = nullptr;
  std::size_t matched_words = 0;
  for (const auto& c : commands()) {
    std::vector<std::string> parts;
    std::string path = c.path;
    for (std::size_t start = 0; start <= path.size();) {
      const auto space = path.find(' ', start);
      parts.push_back(path.substr(start, space == std::string::npos ? std::string::npos : space - start));
      if (space == std::string::npos) break;
      start = space + 1;
    }
    if (parts.size() > args.words.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size(); ++i) ok = ok && parts[i] == args.words[i];
    if (ok && parts.size() > matched_words) {
      match = &c;
      matched_words = parts.size();
    }
  }
  if (!match) {
    if (args.words[0] == "keys") {
      const std::string help =
          "Usage: keyscope keys list | keyscope keys show KEY_ID\n\n"
          "  keys list   list every API key (revoked ones included)\n"
          "  keys show   full metadata of one key\n\n" +
          std::string(kGlobalHelp);
      if (args.global.help) return emit(help);
      if (args.words.size() == 1) return report_usage_error("keys needs a subcommand: list or show (see keyscope keys --help)");
      return report_usage_error("unknown subcommand 'keys " + sanitize(args.words[1]) + "'" +
                                did_you_mean(args.words[1], {"list", "show"}) + " (expected list or show)");
    }
    if (args.words[0] == "logs") {
      const std::string help = "Usage: keyscope logs summarize FILE... (see keyscope logs summarize --help)\n";
      if (args.global.help) return emit(help);
      return report_usage_error("logs needs a subcommand: summarize (see keyscope logs summarize --help)");
    }
    std::vector<std::string> first_words = {"help"};
    for (const auto& c : commands()) {
      const std::string path = c.path;
      first_words.push_back(path.substr(0, path.find(' ')));
    }
    return report_usage_error("unknown command '" + sanitize(args.words[0]) + "'" +
                              did_you_mean(args.words[0], first_words) + " (see keyscope --help)");
  }
  if (args.global.help) return emit(command_help(*match));

  Context ctx;
  try {
    return match->run(args, ctx);
  } catch (const UsageError& e) {
    return report_usage_error(e.what());
  } catch (const keyscope::KeyscopeError& e) {
    return report_error(e.error(), ctx.token);
  }
}

}  // namespace
}  // namespace keyscope_cli

int main(int argc, char** argv) {
  try {
    return keyscope_cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "keyscope: internal error: %s\n", keyscope::redact(e.what()).c_str());
    return keyscope_cli::kFailure;
  }
}
