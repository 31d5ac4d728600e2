// chargeback: split a bill across cost centers by request share, to the cent.
#include <algorithm>
#include <map>
#include <memory>

#include "analytics/name_pattern.hpp"
#include "analytics/validation.hpp"
#include "keyscope/analytics.hpp"

namespace keyscope::analytics {
namespace {

class CostCenterResolver {
 public:
  CostCenterResolver(const CostCenterMap& map, std::unique_ptr<NamePattern> pattern)
      : map_(map), pattern_(std::move(pattern)) {}

  std::string center_of(const UsageRow& row) const {
    for (const auto& [key, center] : map_.by_key) {
      if (key == row.key_id && !center.empty()) return center;
    }
    for (const auto& [key, center] : map_.by_key) {
      if (key == row.name && !center.empty()) return center;
    }
    // A backtracking search costs up to the square of the name's length (fuzzing found a
    // 9 KB name taking 30 s), and no real key name is this long: such a name is not searched.
    if (pattern_ && row.name.size() <= kMaxPatternNameBytes) {
      if (auto center = pattern_->first_group(row.name)) return std::move(*center);
    }
    return kUnallocated;
  }

 private:
  const CostCenterMap& map_;
  std::unique_ptr<NamePattern> pattern_;
};

// Largest-remainder apportionment of `total` units by integer weights.
void apportion(std::vector<ChargebackRow>& rows, std::int64_t bill_cents,
               const std::vector<std::int64_t>& weights) {
  __extension__ typedef __int128 Wide;
  Wide weight_sum = 0;
  for (std::int64_t w : weights) weight_sum += w;
  std::vector<Wide> remainders(rows.size());
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Wide exact = static_cast<Wide>(bill_cents) * weights[i];
    rows[i].cost_cents = static_cast<std::int64_t>(exact / weight_sum);
    remainders[i] = exact % weight_sum;
    assigned += rows[i].cost_cents;
  }
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (remainders[a] != remainders[b]) return remainders[a] > remainders[b];
    if (rows[a].requests != rows[b].requests) return rows[a].requests > rows[b].requests;
    return rows[a].cost_center < rows[b].cost_center;
  });
  for (std::int64_t left = bill_cents - assigned, k = 0; left > 0; --left, ++k) {
    ++rows[order[static_cast<std::size_t>(k)]].cost_cents;
  }
}

}  // namespace

std::string format_cents(std::int64_t cents) {
  const std::uint64_t magnitude =
      cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  std::string fraction = std::to_string(magnitude % 100);
  if (fraction.size() < 2) fraction.insert(0, "0");
  return (cents < 0 ? "-" : "") + std::to_string(magnitude / 100) + "." + fraction;
}

Result<std::int64_t> try_parse_bill_cents(std::string_view text) {
  std::int64_t cents = 0;
  if (auto error = detail::parse_bill(text, cents)) return std::move(*error);
  return cents;
}

Result<std::vector<ChargebackRow>> try_chargeback(const std::vector<UsageRow>& rows, std::int64_t bill_cents,
                                                  const CostCenterMap& map) {
  if (bill_cents < 0) return validation_error("bill must not be negative");
  std::unique_ptr<NamePattern> pattern;
  if (map.name_pattern) {
    auto compiled = NamePattern::compile(*map.name_pattern);
    if (!compiled.ok()) return compiled.error();
    pattern = std::move(compiled).value();
  }
  const CostCenterResolver resolver(map, std::move(pattern));
  std::map<std::string, ChargebackRow> by_center;
  for (const UsageRow& row : rows) {
    const std::string center = resolver.center_of(row);
    ChargebackRow& out = by_center[center];
    out.cost_center = center;
    out.key_ids.push_back(row.key_id);
    out.requests += row.request_count;
  }
  std::vector<ChargebackRow> result;
  for (auto& [center, row] : by_center) {
    std::sort(row.key_ids.begin(), row.key_ids.end());
    result.push_back(std::move(row));
  }
  if (result.empty()) {
    ChargebackRow everything;
    everything.cost_center = kUnallocated;
    everything.share = 1;
    everything.cost_cents = bill_cents;
    return std::vector<ChargebackRow>{everything};
  }
  std::int64_t total = 0;
  for (const ChargebackRow& row : result) total += row.requests;
  std::vector<std::int64_t> weights;
  for (ChargebackRow& row : result) {
    // No traffic at all: every center with keys pays the same.
    weights.push_back(total > 0 ? row.requests : 1);
    row.share = total > 0 ? static_cast<double>(row.requests) / static_cast<double>(total)
                          : 1.0 / static_cast<double>(result.size());
  }
  apportion(result, bill_cents, weights);
  std::sort(result.begin(), result.end(), [](const ChargebackRow& a, const ChargebackRow& b) {
    if (a.requests != b.requests) return a.requests > b.requests;
    return a.cost_center < b.cost_center;
  });
  return result;
}

Result<std::vector<ChargebackRow>> try_chargeback(const std::vector<UsageRow>& rows, std::string_view bill,
                                                  const CostCenterMap& map) {
  const Result<std::int64_t> cents = try_parse_bill_cents(bill);
  if (!cents.ok()) return cents.error();
  return try_chargeback(rows, cents.value(), map);
}

// The throwing conveniences (analytics.hpp).
std::int64_t parse_bill_cents(std::string_view text) { return try_parse_bill_cents(text).value(); }

std::vector<ChargebackRow> chargeback(const std::vector<UsageRow>& rows, std::int64_t bill_cents,
                                      const CostCenterMap& map) {
  return try_chargeback(rows, bill_cents, map).value();
}

std::vector<ChargebackRow> chargeback(const std::vector<UsageRow>& rows, std::string_view bill,
                                      const CostCenterMap& map) {
  return try_chargeback(rows, bill, map).value();
}

}  // namespace keyscope::analytics
