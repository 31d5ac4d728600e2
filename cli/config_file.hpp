#pragma once
// The optional config file: TOML, found at $KEYSCOPE_CONFIG, else
// $XDG_CONFIG_HOME/keyscope/config.toml, else ~/.config/keyscope/config.toml.
//
//   base_url = "https://socdefenders.ai"
//   session_file = "~/.config/keyscope/session"   # "~/" is the home directory
//   timeout = 10          # seconds, decimals allowed
//   max_retries = 3
//
// A file that is missing is no error (unless KEYSCOPE_CONFIG names it); a file that is there
// must parse, and an unknown key is a UsageError naming the file, the key and the closest known
// key. The session token itself is refused: it belongs in the session file, not a config file
// people share.
#include <map>
#include <optional>
#include <string>

namespace keyscope_cli {

struct ConfigFile {
  std::string path;                          // where it was read; empty when there is none
  std::map<std::string, std::string> values;  // key -> value as text ("10", "https://...")
};

std::optional<std::string> config_file_path();  // where keyscope looks, when it can tell
ConfigFile load_config_file();                   // throws UsageError

}  // namespace keyscope_cli
