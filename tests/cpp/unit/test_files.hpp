#pragma once
#include <fstream>
#include <sstream>
#include <string>

namespace keyscope::testing {

// Reads a file under tests/ (KEYSCOPE_TEST_DATA_DIR), e.g. "fixtures/list_keys.json".
inline std::string read_test_file(const std::string& relative) {
  std::ifstream in(std::string(KEYSCOPE_TEST_DATA_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace keyscope::testing
