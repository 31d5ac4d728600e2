// keyscope completion bash|zsh|fish: scripts generated from the command table and the options
// its help texts document, so that a new command or option completes without touching this file.
#include <algorithm>

#include "commands.hpp"

namespace keyscope_cli {
namespace {

// Options whose value is a file name.
const std::vector<std::string> kFileOptions = {"--session-file", "--map", "--logs", "--ca-bundle"};
// Options whose value is one of a few words.
const std::vector<std::pair<std::string, std::string>> kChoices = {
    {"--format", "jsonl csv nginx"}, {"--latency-unit", "s ms us"}};

struct Entry {
  std::string path;                  // "keys list"
  std::string summary;
  std::vector<std::string> options;  // its own, without the global ones
};

std::vector<std::string> global_options() { return options_in(kGlobalHelp); }

std::vector<Entry> entries() {
  const auto globals = global_options();
  std::vector<Entry> out;
  for (const auto& c : commands()) {
    Entry e{c.path, c.summary, {}};
    for (const auto& option : options_in(c.help)) {
      if (std::find(globals.begin(), globals.end(), option) == globals.end()) e.options.push_back(option);
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string first_word(const std::string& path) { return path.substr(0, path.find(' ')); }

// Words that may follow `prefix` ("" -> the first words, "keys" -> "list show").
std::vector<std::string> next_words(const std::vector<Entry>& all, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : all) {
    if (!prefix.empty() && e.path.rfind(prefix + " ", 0) != 0) continue;
    const std::string rest = prefix.empty() ? e.path : e.path.substr(prefix.size() + 1);
    const std::string word = first_word(rest);
    if (std::find(out.begin(), out.end(), word) == out.end()) out.push_back(word);
  }
  if (prefix.empty()) out.push_back("help");
  return out;
}

std::string bash_script() {
  const auto all = entries();
  std::string s =
      "# keyscope completion for bash (and zsh through bashcompinit): keyscope completion bash\n"
      "_keyscope() {\n"
      "  local cur prev cmd=\"\" next=\"\" opts=\"\" word i\n"
      "  cur=\"${COMP_WORDS[@]:$COMP_CWORD:1}\"\n"
      "  prev=\"${COMP_WORDS[@]:$((COMP_CWORD - 1)):1}\"\n"
      "  COMPREPLY=()\n"
      "  case \"$prev\" in\n";
  std::string files;
  for (const auto& f : kFileOptions) files += (files.empty() ? "" : "|") + f;
  s += "    " + files + ")\n";
  s += "      COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
  for (const auto& [option, words] : kChoices) {
    s += "    " + option + ") COMPREPLY=($(compgen -W \"" + words + "\" -- \"$cur\")); return ;;\n";
  }
  std::string values;
  for (const auto& v : options_taking_values()) {
    if (std::find(kFileOptions.begin(), kFileOptions.end(), v) != kFileOptions.end()) continue;
    bool choice = false;
    for (const auto& c : kChoices) choice = choice || c.first == v;
    if (!choice) values += (values.empty() ? "" : "|") + v;
  }
  s += "    " + values + ") return ;;\n  esac\n";
  std::string all_values;
  for (const auto& v : options_taking_values()) all_values += (all_values.empty() ? "" : "|") + v;
  s += "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
       "    word=\"${COMP_WORDS[@]:$i:1}\"\n"
       "    case \"$word\" in\n"
       "      " + all_values + ") ((i++)) ;;\n"
       "      -*) ;;\n"
       "      *) cmd=\"${cmd:+$cmd }$word\" ;;\n"
       "    esac\n"
       "  done\n"
       "  case \"$cmd\" in\n"
       "    \"\") next=\"" + join(next_words(all, "")) + "\" ;;\n"
       "    help|help\\ *) next=\"" + join(next_words(all, "")) + "\" ;;\n"
       "    completion) next=\"bash zsh fish\" ;;\n";
  // Array slices (${a[@]:$i:1}) rather than ${a[i]}: zsh arrays start at 1, slices at 0 in both.
  // Longest paths first, so that "keys list ..." is not taken for "keys".
  auto sorted = all;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Entry& a, const Entry& b) { return a.path.size() > b.path.size(); });
  for (const auto& e : sorted) {
    if (e.path == "completion") continue;  // its words are above
    std::string quoted = e.path;
    for (std::size_t p = quoted.find(' '); p != std::string::npos; p = quoted.find(' ', p + 2)) quoted.insert(p, "\\");
    s += "    " + quoted + "|" + quoted + "\\ *) opts=\"" + join(e.options) + "\" ;;\n";
  }
  std::vector<std::string> groups;
  for (const auto& e : all) {
    const auto space = e.path.find(' ');
    if (space == std::string::npos) continue;
    const std::string group = e.path.substr(0, space);
    if (std::find(groups.begin(), groups.end(), group) != groups.end()) continue;
    groups.push_back(group);
    s += "    " + group + ") next=\"" + join(next_words(all, group)) + "\" ;;\n";
  }
  s += "  esac\n"
       "  if [[ \"$cur\" == -* ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$opts " + join(global_options()) + "\" -- \"$cur\"))\n"
       "  elif [[ -n \"$next\" ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$next\" -- \"$cur\"))\n"
       "  fi\n"
       "}\n"
       "complete -o default -F _keyscope keyscope\n";
  return s;
}

std::string zsh_script() {
  return "#compdef keyscope\n"
         "# keyscope completion for zsh: keyscope completion zsh (the bash script via bashcompinit)\n"
         "(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }\n"
         "autoload -U +X bashcompinit && bashcompinit\n" +
         bash_script();
}

std::string fish_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string fish_script() {
  const auto all = entries();
  std::string s = "# keyscope completion for fish: keyscope completion fish > ~/.config/fish/completions/keyscope.fish\n";
  std::vector<std::string> firsts;
  for (const auto& e : all) {
    const std::string word = first_word(e.path);
    if (std::find(firsts.begin(), firsts.end(), word) != firsts.end()) continue;
    firsts.push_back(word);
    const std::string summary = e.path == word ? e.summary : word + " commands";
    s += "complete -c keyscope -n __fish_use_subcommand -f -a " + word + " -d " + fish_quote(summary) + "\n";
  }
  s += "complete -c keyscope -n __fish_use_subcommand -f -a help -d 'help on a command'\n";
  s += "complete -c keyscope -n '__fish_seen_subcommand_from completion' -f -a 'bash zsh fish'\n";
  for (const auto& e : all) {
    const auto space = e.path.find(' ');
    if (space != std::string::npos) {
      const std::string group = e.path.substr(0, space), sub = e.path.substr(space + 1);
      const auto subs = next_words(all, group);
      s += "complete -c keyscope -n " +
           fish_quote("__fish_seen_subcommand_from " + group + "; and not __fish_seen_subcommand_from " + join(subs)) +
           " -f -a " + sub + " -d " + fish_quote(e.summary) + "\n";
    }
    const std::string last = e.path.substr(e.path.rfind(' ') == std::string::npos ? 0 : e.path.rfind(' ') + 1);
    for (const auto& option : e.options) {
      s += "complete -c keyscope -n " + fish_quote("__fish_seen_subcommand_from " + last) + " -l " + option.substr(2);
      const auto values = options_taking_values();
      if (std::find(values.begin(), values.end(), option) != values.end()) s += " -r";
      for (const auto& [name, words] : kChoices) {
        if (name == option) s += " -f -a " + fish_quote(words);
      }
      s += "\n";
    }
  }
  const auto values = options_taking_values();
  for (const auto& option : global_options()) {
    s += "complete -c keyscope -l " + option.substr(2);
    if (std::find(values.begin(), values.end(), option) != values.end()) s += " -r";
    s += "\n";
  }
  return s;
}

}  // namespace

int run_completion(const ParsedArgs& args, Context&) {
  require_only(args, "completion", {});
  expect_positionals(args, 1, 1, "keyscope completion bash|zsh|fish");
  const std::string& shell = args.words[1];
  if (shell == "bash") return emit(bash_script());
  if (shell == "zsh") return emit(zsh_script());
  if (shell == "fish") return emit(fish_script());
  throw UsageError("completion needs bash, zsh or fish, got '" + sanitize(shell) + "'");
}

}  // namespace keyscope_cli
