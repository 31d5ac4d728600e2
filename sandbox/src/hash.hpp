// Deterministic hashing: every demo figure is a pure function of these.
#pragma once
#include <cstdint>
#include <initializer_list>

namespace sandbox {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Hash of an ordered tuple of integers.
inline std::uint64_t hash_of(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t h = 0x6b657973636f7065ULL;  // "keyscope"
  for (std::uint64_t p : parts) h = splitmix64(h ^ p);
  return h;
}

// Uniform double in [0, 1) from a hash.
inline double unit_of(std::uint64_t h) {
  return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace sandbox
