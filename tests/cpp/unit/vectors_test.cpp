// Runs every case of tests/vectors/*.json through the analytics JSON entry points. The npm and
// Python suites run the same files. Matching rules (tests/vectors/README.md): objects in
// "expected" are subsets of the actual output, arrays match element by element with equal
// length, numbers within 1e-9 relative (or absolute near zero).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "keyscope/analytics_json.hpp"

namespace keyscope::analytics {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path vectors_dir() { return fs::path(KEYSCOPE_TEST_DATA_DIR) / "vectors"; }

std::vector<fs::path> vector_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(vectors_dir())) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

json load(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// Empty string when `actual` matches `expected`, else where and why it does not.
std::string json_mismatch(const json& expected, const json& actual, const std::string& path) {
  if (expected.is_number() && actual.is_number()) {
    const double e = expected.get<double>(), a = actual.get<double>();
    if (std::fabs(a - e) <= 1e-9 * std::max(1.0, std::fabs(e))) return "";
    return path + ": expected " + expected.dump() + ", got " + actual.dump();
  }
  if (expected.is_object()) {
    if (!actual.is_object()) return path + ": expected an object, got " + actual.dump();
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) return path + "." + key + ": missing";
      std::string m = json_mismatch(value, actual.at(key), path + "." + key);
      if (!m.empty()) return m;
    }
    return "";
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      return path + ": expected " + expected.dump() + ", got " + actual.dump();
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      std::string m = json_mismatch(expected[i], actual[i], path + "[" + std::to_string(i) + "]");
      if (!m.empty()) return m;
    }
    return "";
  }
  if (expected != actual) return path + ": expected " + expected.dump() + ", got " + actual.dump();
  return "";
}

TEST(Vectors, EveryHelperHasAFile) {
  std::vector<std::string> helpers;
  for (const fs::path& file : vector_files()) helpers.push_back(load(file).at("helper").get<std::string>());
  for (const char* helper : {"usage_by_key", "detect_anomalies", "chargeback", "check_usage",
                             "gap_fill", "percentiles", "ddsketch", "environment_of"}) {
    EXPECT_NE(std::find(helpers.begin(), helpers.end(), helper), helpers.end()) << helper;
  }
}

TEST(Vectors, EveryCaseMatches) {
  int cases = 0;
  for (const fs::path& file : vector_files()) {
    const json doc = load(file);
    const std::string helper = doc.at("helper").get<std::string>();
    for (const json& c : doc.at("cases")) {
      ++cases;
      const std::string name = file.filename().string() + " / " + c.at("name").get<std::string>();
      const Result<std::string> result = run_helper_json(helper, c.at("input").dump());
      if (c.contains("expected_error")) {
        ASSERT_FALSE(result.ok()) << name << ": expected an error, got " << (result.ok() ? *result : "");
        EXPECT_EQ(error_class_name(result.error().kind), c["expected_error"].at("type").get<std::string>())
            << name << ": " << result.error().message;
        if (c["expected_error"].contains("message_contains")) {
          const std::string part = c["expected_error"]["message_contains"].get<std::string>();
          EXPECT_NE(result.error().message.find(part), std::string::npos)
              << name << ": " << result.error().message << " does not say " << part;
        }
        continue;
      }
      ASSERT_TRUE(result.ok()) << name << ": " << result.error().message;
      const std::string output = result.value();
      EXPECT_EQ(json_mismatch(c.at("expected"), json::parse(output), "$"), "") << name;
    }
  }
  EXPECT_GT(cases, 50);
}

TEST(Vectors, UnknownHelperIsAValidationError) {
  const auto result = run_helper_json("nope", "{}");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::validation);
  const auto not_json = usage_by_key_json("{");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.error().kind, ErrorKind::decode);
}

}  // namespace
}  // namespace keyscope::analytics
