#pragma once

#define KEYSCOPE_VERSION_MAJOR 0
#define KEYSCOPE_VERSION_MINOR 1
#define KEYSCOPE_VERSION_PATCH 0
#define KEYSCOPE_VERSION_STRING "0.1.0"

namespace keyscope {
inline constexpr const char* kVersion = KEYSCOPE_VERSION_STRING;
}  // namespace keyscope
