#include "codec/model_read.hpp"

namespace keyscope::codec {
KEYSCOPE_INSTANTIATE_READERS(json)
}  // namespace keyscope::codec
