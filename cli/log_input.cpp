#include "log_input.hpp"

#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "output.hpp"

namespace keyscope_cli {
namespace lg = keyscope::logs;

const std::vector<std::string>& log_option_names() {
  static const std::vector<std::string> names = {"--format", "--nginx-format", "--field", "--latency-unit"};
  return names;
}

lg::ReaderOptions log_reader_options(const ParsedArgs& args) {
  lg::ReaderOptions options;
  if (auto it = args.options.find("--format"); it != args.options.end()) {
    const auto format = lg::parse_format(it->second);
    if (!format) throw UsageError("--format must be jsonl, csv or nginx, got '" + sanitize(it->second) + "'");
    options.format = *format;
  }
  if (auto it = args.options.find("--nginx-format"); it != args.options.end()) {
    options.nginx_format = it->second;
    if (!args.options.count("--format")) options.format = lg::Format::nginx;
  }
  if (auto it = args.repeated.find("--field"); it != args.repeated.end()) {
    for (const std::string& spec : it->second) {
      const auto eq = spec.find('=');
      const std::string name = spec.substr(0, eq);
      if (eq == std::string::npos || eq + 1 == spec.size()) {
        throw UsageError("--field needs NAME=SOURCE (e.g. --field time=ts), got '" + sanitize(spec) + "'");
      }
      std::string* source = lg::field_source(options.fields, name);
      if (!source) throw UsageError("--field NAME must be time, key, path, status or latency, got '" + sanitize(name) + "'");
      *source = spec.substr(eq + 1);
    }
  }
  if (auto it = args.options.find("--latency-unit"); it != args.options.end()) {
    const auto unit = lg::parse_latency_unit(it->second);
    if (!unit) throw UsageError("--latency-unit must be s, ms or us, got '" + sanitize(it->second) + "'");
    options.latency_unit = *unit;
  }
  if (auto error = lg::validate(options)) throw UsageError(error->message);
  return options;
}

namespace {

// A file, a .gz file or stdin, read in chunks.
class Source {
 public:
  explicit Source(const std::string& path) : path_(path) {
    const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    if (path == "-") {
      gz_ = gzdopen(dup(STDIN_FILENO), "rb");
    } else if (gz) {
      gz_ = gzopen(path.c_str(), "rb");
    } else {
      file_ = std::fopen(path.c_str(), "rb");
    }
    if (!gz_ && !file_) throw UsageError("cannot read log file " + sanitize(path));
    if (file_ && std::fseek(file_, 0, SEEK_END) == 0) {
      size_ = std::ftell(file_);
      std::rewind(file_);
    }
    if (gz_) gzbuffer(gz_, 1 << 20);
  }
  ~Source() {
    if (gz_) gzclose(gz_);
    if (file_) std::fclose(file_);
  }
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  // Bytes read into `buffer`; 0 at the end. Throws UsageError on a read error.
  std::size_t read(std::vector<char>& buffer) {
    if (file_) {
      const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file_);
      if (n == 0 && std::ferror(file_)) throw UsageError("error reading log file " + sanitize(path_));
      return n;
    }
    const int n = gzread(gz_, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n < 0) throw UsageError("error reading log file " + sanitize(path_) + " (not gzip, or truncated)");
    return static_cast<std::size_t>(n);
  }
  long size() const { return size_; }  // -1 when unknown (stdin, gzip)

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  gzFile gz_ = nullptr;
  long size_ = -1;
};

}  // namespace

lg::UsageAggregate read_log_files(const std::vector<std::string>& files, const lg::ReaderOptions& options,
                                  bool verbose) {
  lg::UsageAggregate total;
  const bool tty = isatty(STDERR_FILENO) != 0;
  std::vector<char> buffer(1 << 20);
  for (const std::string& path : files) {
    Source source(path);
    lg::LogReader reader(options);
    std::int64_t read_bytes = 0;
    auto last = std::chrono::steady_clock::now();
    const bool progress = tty && (source.size() < 0 || source.size() > (64 << 20));
    while (const std::size_t n = source.read(buffer)) {
      reader.feed(std::string_view(buffer.data(), n));
      read_bytes += static_cast<std::int64_t>(n);
      const auto now = std::chrono::steady_clock::now();
      if (progress && now - last > std::chrono::milliseconds(250)) {
        last = now;
        std::string line = "\rreading " + sanitize(path) + ": " + with_thousands(read_bytes >> 20) + " MiB";
        if (source.size() > 0) line += " of " + with_thousands(source.size() >> 20) + " MiB";
        std::fputs(line.c_str(), stderr);
      }
    }
    reader.finish();
    if (progress) std::fputs("\r\033[K", stderr);
    if (verbose) {
      const auto fields = reader.resolved_fields();
      std::fprintf(stderr, "keyscope: %s: %lld bytes; fields time=%s key=%s path=%s status=%s latency=%s\n",
                   sanitize(path).c_str(), static_cast<long long>(read_bytes), sanitize(fields.time).c_str(),
                   sanitize(fields.key).c_str(), sanitize(fields.path).c_str(), sanitize(fields.status).c_str(),
                   sanitize(fields.latency).c_str());
    }
    total.merge(reader.aggregate());
  }
  return total;
}

std::string describe_log_stats(const keyscope::LogSummary& summary) {
  std::string text = with_thousands(summary.lines) + " lines read, " + with_thousands(summary.records) + " counted";
  if (summary.full_keys_seen > 0) {
    text += "; " + with_thousands(summary.full_keys_seen) + " lines held a full secret key (kept as its prefix only)";
  }
  text += "\n";
  for (const auto& bad : summary.bad_lines) {
    text += "  not counted: " + with_thousands(bad.count) + " " + bad.kind + " (lines";
    for (std::size_t i = 0; i < bad.first_lines.size(); ++i) text += (i ? ", " : " ") + std::to_string(bad.first_lines[i]);
    text += bad.count > static_cast<std::int64_t>(bad.first_lines.size()) ? ", ...)\n" : ")\n";
  }
  return text;
}

}  // namespace keyscope_cli
