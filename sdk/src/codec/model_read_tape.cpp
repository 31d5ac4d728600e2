#include "codec/model_read.hpp"

namespace keyscope::codec {
KEYSCOPE_INSTANTIATE_READERS(TapeValue)
}  // namespace keyscope::codec
