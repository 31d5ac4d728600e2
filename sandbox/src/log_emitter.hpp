// keyscope-sandbox --emit-logs DIR [--log-format jsonl|nginx|csv] [--log-days N]:
// writes the egress traffic logs the demo organisation's own services would
// have written (consistent with what the API serves for the same --now, --seed
// and --keys, except for the planted incidents listed in DIR/planted.json), then
// exits without serving.
#pragma once
#include "options.hpp"

namespace sandbox {

// Returns the process exit status: 0, or 1 when a file cannot be written.
int emit_logs(const Options& opts);

}  // namespace sandbox
