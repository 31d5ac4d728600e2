#pragma once
// The one dialect of chargeback name patterns (README "Chargeback name patterns"): a safe subset
// of ECMAScript regular expressions, checked here before any engine sees a pattern, then written
// out for each engine so that std::regex (native, over UTF-8 bytes) and the JS host's RegExp
// (wasm, over code points) match every name the same way.
//
// Accepted: literals (any UTF-8 character), escaped syntax characters (\. \[ \( ...), \t \n \r
// \f \v, . (any character but \n and \r), classes [...] / [^...] of ASCII characters, ranges
// and \d \w \s \D \W \S, anchors ^ $ \b \B, quantifiers * + ? {m} {m,} {m,n} (m, n <= 1000) and
// their lazy forms, alternation |, groups ( ) and (?: ). \d \w \s and \b are ASCII: digits,
// [A-Za-z0-9_], and space, \t \n \v \f \r.
// Refused with the construct and its byte offset: lookahead and lookbehind, named groups and
// backreferences, \p{...}, \x \u \c and octal escapes, inline flags, unescaped { } ] and [
// inside a class, non-ASCII characters inside a class, a repeated capture group, nesting deeper
// than 32 groups, patterns over 1000 bytes.
#include <cstddef>
#include <string>
#include <string_view>

#include "keyscope/result.hpp"

namespace keyscope::analytics {

struct EngineSources {
  std::string unicode;  // for RegExp(source, "u"): one atom matches one code point
  std::string bytes;    // for std::regex over UTF-8: one atom matches one code point's bytes
  std::size_t groups = 0;
};

// The sources, or a ValidationError (code invalid_name_pattern) naming the first construct
// outside the dialect and its byte offset in `pattern`.
Result<EngineSources> translate_name_pattern(std::string_view pattern);

}  // namespace keyscope::analytics
