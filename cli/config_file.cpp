#include "config_file.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <sstream>
#include <vector>

#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include "args.hpp"
#include "suggest.hpp"

namespace keyscope_cli {
namespace {

const std::vector<std::string> kKeys = {"base_url", "session_file", "timeout", "max_retries"};
const std::vector<std::string> kSecretKeys = {"session", "session_token", "token", "cookie",
                                              "sb-access-token", "api_key"};

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : nullptr;
}

std::string expand_home(const std::string& path) {
  if (path.rfind("~/", 0) == 0) {
    if (const char* home = env("HOME")) return std::string(home) + path.substr(1);
  }
  return path;
}

std::string text_of(const toml::node& node, const std::string& key, const std::string& path) {
  if (const auto* s = node.as_string()) return expand_home(s->get());
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out.precision(17);
    out << f->get();
    return out.str();
  }
  throw UsageError("config file " + path + ": " + key + " must be a string or a number");
}

}  // namespace

std::optional<std::string> config_file_path() {
  if (const char* explicit_path = env("KEYSCOPE_CONFIG")) return std::string(explicit_path);
  if (const char* xdg = env("XDG_CONFIG_HOME")) return std::string(xdg) + "/keyscope/config.toml";
  if (const char* home = env("HOME")) return std::string(home) + "/.config/keyscope/config.toml";
  return std::nullopt;
}

ConfigFile load_config_file() {
  ConfigFile config;
  const auto path = config_file_path();
  if (!path) return config;
  struct stat info {};
  if (::stat(path->c_str(), &info) != 0) {
    if (env("KEYSCOPE_CONFIG")) throw UsageError("KEYSCOPE_CONFIG names " + *path + ", which does not exist");
    return config;
  }
  if (!S_ISREG(info.st_mode)) throw UsageError("config file " + *path + " is not a regular file");
  if (info.st_size > 1024 * 1024) throw UsageError("config file " + *path + " is larger than 1 MB");
  toml::table table;
  try {
    table = toml::parse_file(*path);
  } catch (const toml::parse_error& e) {
    throw UsageError("config file " + *path + ", line " + std::to_string(e.source().begin.line) +
                     ": " + std::string(e.description()));
  }
  config.path = *path;
  for (const auto& [name, node] : table) {
    const std::string key(name.str());
    for (const auto& secret : kSecretKeys) {
      if (key == secret) {
        throw UsageError("config file " + *path + ": " + key +
                         " is not accepted; put the session token in a file of its own (chmod 600) "
                         "and name it with session_file");
      }
    }
    bool known = false;
    for (const auto& k : kKeys) known = known || k == key;
    if (!known) {
      throw UsageError("config file " + *path + ": unknown key '" + key + "'" + did_you_mean(key, kKeys) +
                       "; known keys: base_url, session_file, timeout, max_retries");
    }
    config.values[key] = text_of(node, key, *path);
  }
  return config;
}

}  // namespace keyscope_cli
