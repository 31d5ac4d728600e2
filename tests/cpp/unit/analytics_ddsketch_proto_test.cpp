// DDSketch::to_proto / from_proto: the protobuf DDSketch message of DataDog's sketches-proto.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "analytics/protobuf_wire.hpp"
#include "keyscope/analytics.hpp"
#include "keyscope/error.hpp"
#include "unit/test_files.hpp"

namespace keyscope::analytics {
namespace {

using detail::ProtoWriter;

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string double_hex(double value) {
  ProtoWriter w;
  w.double_field(1, value);
  return to_hex(w.bytes()).substr(2);  // without the tag
}

DDSketch mixed_sketch(double accuracy = 0.01, int max_buckets = 2048) {
  std::mt19937_64 engine(7);
  std::lognormal_distribution<double> latency(4.0, 1.5);
  DDSketch sketch(accuracy, max_buckets);
  for (int i = 0; i < 20000; ++i) sketch.add(latency(engine));
  for (int i = 0; i < 3000; ++i) sketch.add(-latency(engine));
  sketch.add(0, 40);
  return sketch;
}

const std::vector<double> kQuantiles = {0, 0.001, 0.01, 0.1, 0.13, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1};

// The json_path of the DecodeError that decoding `bytes` throws ("" when it does not throw one).
std::string decode_error_path(const std::string& bytes, int max_buckets = 2048) {
  try {
    DDSketch::from_proto(bytes, max_buckets);
  } catch (const DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid DDSketch protobuf at "), std::string::npos) << e.what();
    return e.error().json_path;
  }
  return "";
}

std::string mapping(double gamma) {
  ProtoWriter m;
  m.double_field(1, gamma);
  ProtoWriter out;
  out.bytes_field(1, m.bytes());
  return out.take();
}

const double kGamma = DDSketch(0.01).gamma();

TEST(DDSketchProto, EncodesTheSketchesProtoMessageByteForByte) {
  // DDSketch{mapping{gamma}, positiveValues{contiguousBinCounts [1, 0, 2]; offset 35},
  //          negativeValues{contiguousBinCounts [3]}, zeroCount 4}; key(2) = ceil(log_1.0202(2)) = 35.
  DDSketch sketch(0.01);
  sketch.add(2);
  sketch.add(2.0 * kGamma * kGamma, 2);
  sketch.add(-1, 3);
  sketch.add(0, 4);
  const std::string expected = "0a09" "09" + double_hex(kGamma) +
                               "121c" "1218" + double_hex(1) + double_hex(0) + double_hex(2) + "1846" +
                               "1a0a" "1208" + double_hex(3) +
                               "21" + double_hex(4);
  EXPECT_EQ(to_hex(sketch.to_proto()), expected);
  EXPECT_EQ(to_hex(DDSketch(0.01).to_proto()), "0a0909" + double_hex(kGamma));
}

TEST(DDSketchProto, RoundTripKeepsAccuracyBucketsCountsAndQuantiles) {
  for (double accuracy : {0.01, 0.02, 0.05, 0.001, 0.0075, 0.3}) {
    const DDSketch sketch = mixed_sketch(accuracy);
    const std::string bytes = sketch.to_proto();
    const DDSketch back = DDSketch::from_proto(bytes);
    EXPECT_EQ(back.relative_accuracy(), accuracy);
    EXPECT_EQ(back.gamma(), sketch.gamma());
    EXPECT_EQ(back.count(), sketch.count());
    EXPECT_EQ(back.zero_count(), sketch.zero_count());
    EXPECT_EQ(back.bucket_count(), sketch.bucket_count());
    for (double q : kQuantiles) EXPECT_EQ(back.quantile(q), sketch.quantile(q)) << accuracy << " " << q;
    EXPECT_EQ(back.to_proto(), bytes);
    // min, max and sum are estimates from the buckets, within the accuracy of the true ones.
    EXPECT_EQ(back.min(), back.quantile(0));
    EXPECT_EQ(back.max(), back.quantile(1));
    EXPECT_NEAR(back.min(), sketch.min(), accuracy * std::fabs(sketch.min()));
    EXPECT_NEAR(back.max(), sketch.max(), accuracy * sketch.max());
  }
  DDSketch positives(0.01);
  for (int i = 1; i <= 5000; ++i) positives.add(i * 0.37);
  const DDSketch back = DDSketch::from_proto(positives.to_proto());
  EXPECT_NEAR(back.sum(), positives.sum(), 0.01 * positives.sum());
  EXPECT_NE(back.sum(), 0);
}

TEST(DDSketchProto, DecodedSketchMergesWithTheOriginalParameters) {
  const DDSketch sketch = mixed_sketch();
  DDSketch back = DDSketch::from_proto(sketch.to_proto());
  DDSketch twice = sketch;
  twice.merge(sketch);
  back.merge(sketch);
  EXPECT_EQ(back.count(), twice.count());
  for (double q : kQuantiles) EXPECT_EQ(back.quantile(q), twice.quantile(q));
  // max_buckets is not in the message: the caller says it, and merge() wants it equal.
  DDSketch other_limit = DDSketch::from_proto(sketch.to_proto(), 512);
  EXPECT_EQ(other_limit.max_buckets(), 512);
  EXPECT_THROW(other_limit.merge(sketch), ValidationError);
  EXPECT_THROW(DDSketch::from_proto(sketch.to_proto(), 0), ValidationError);
}

TEST(DDSketchProto, EmptySketchRoundTrips) {
  const DDSketch back = DDSketch::from_proto(DDSketch(0.05).to_proto());
  EXPECT_TRUE(back.empty());
  EXPECT_EQ(back.relative_accuracy(), 0.05);
  EXPECT_EQ(back.bucket_count(), 0u);
  EXPECT_THROW(back.quantile(0.5), ValidationError);
}

TEST(DDSketchProto, ReadsThePythonPackagesBytes) {
  // Written by tests/fixtures/ddsketch_proto/make_fixture.py with ddsketch.DDSketch(0.02), whose
  // stores pad their bins with zeros in chunks of 128.
  const auto fixture = nlohmann::json::parse(testing::read_test_file("fixtures/ddsketch_proto/python_ddsketch.json"));
  const DDSketch sketch = DDSketch::from_proto(from_hex(fixture["proto_hex"].get<std::string>()));
  EXPECT_EQ(sketch.relative_accuracy(), 0.02);
  EXPECT_EQ(sketch.count(), fixture["count"].get<double>());
  EXPECT_EQ(sketch.zero_count(), fixture["zero_count"].get<double>());
  DDSketch ours(0.02);
  for (double v : fixture["values"]) ours.add(v);
  const auto qs = fixture["quantiles"].get<std::vector<double>>();
  const auto expected = fixture["quantile_values"].get<std::vector<double>>();
  for (std::size_t i = 0; i < qs.size(); ++i) {
    EXPECT_EQ(sketch.quantile(qs[i]), expected[i]) << qs[i];
    EXPECT_EQ(ours.quantile(qs[i]), expected[i]) << qs[i];
  }
  // Same buckets as keyscope's own sketch of those values; the padding is not written back.
  EXPECT_EQ(sketch.to_proto(), ours.to_proto());
  EXPECT_LT(sketch.to_proto().size(), fixture["proto_hex"].get<std::string>().size() / 2);
}

TEST(DDSketchProto, ReadsSparseBinsUnknownFieldsAndMergedMessages) {
  // What other writers may send: sparse binCounts (the last entry of a key wins), the same bin
  // in both encodings (added up), unpacked contiguous counts, an integral indexOffset, the mapping
  // split over two messages, and unknown fields of every wire type, groups included.
  const auto entry = [](std::int32_t key, double count) {
    ProtoWriter e;
    e.sint32_field(1, key);
    e.double_field(2, count);
    return e.take();
  };
  ProtoWriter store;
  store.bytes_field(1, entry(37, 9));
  store.bytes_field(1, entry(40, 5));
  store.bytes_field(1, entry(37, 2));  // replaces 9
  store.double_field(2, 1);            // unpacked: keys 40, 41 (offset 40, sent later)
  store.double_field(2, 3);
  store.varint_field(99, 12345);       // unknown varint
  store.sint32_field(3, 40);
  ProtoWriter negative;
  negative.bytes_field(1, entry(-3, 0));  // a zero count is no bin
  ProtoWriter mapping_gamma, mapping_offset;
  mapping_gamma.double_field(1, kGamma);
  mapping_offset.double_field(2, 2);  // index offset 2: sent index i is key i - 2
  mapping_offset.varint_field(3, 0);
  ProtoWriter sketch;
  sketch.bytes_field(1, mapping_gamma.bytes());
  sketch.bytes_field(7, "unknown bytes");
  sketch.bytes_field(2, store.bytes());
  sketch.bytes_field(1, mapping_offset.bytes());  // merges into the first mapping
  sketch.bytes_field(3, negative.bytes());
  sketch.double_field(4, 1);
  std::string bytes = sketch.take();
  bytes += from_hex("2d01020304");          // field 5, 32-bit
  bytes += from_hex("3101020304050607" "08");  // field 6, 64-bit
  bytes += from_hex("43" "0801" "4b" "0802" "4c" "44");  // group 8 { 1: 1, group 9 { 1: 2 } }

  const DDSketch got = DDSketch::from_proto(bytes);
  EXPECT_EQ(got.relative_accuracy(), 0.01);
  EXPECT_EQ(got.count(), 2 + 5 + 1 + 3 + 1);
  EXPECT_EQ(got.zero_count(), 1);
  DDSketch expected(0.01);
  expected.add(0);
  const auto value_at = [](std::int64_t key) { return std::pow(kGamma, static_cast<double>(key) - 0.5); };
  expected.add(value_at(35), 2);
  expected.add(value_at(38), 5 + 1);
  expected.add(value_at(39), 3);
  EXPECT_EQ(got.to_proto(), expected.to_proto());
  EXPECT_EQ(got.bucket_count(), 3u);
}

TEST(DDSketchProto, CollapsesToMaxBucketsWithoutAllocatingTheKeyRange) {
  // Bins 0..9999 contiguous: with max_buckets 64 only the 64 highest stay, the rest collapse into
  // the lowest kept one, as add() would do.
  DDSketch wide(0.01, 20000);
  for (int key = 0; key < 10000; ++key) wide.add(std::pow(kGamma, key - 0.5));
  const DDSketch collapsed = DDSketch::from_proto(wide.to_proto(), 64);
  EXPECT_EQ(collapsed.count(), 10000);
  EXPECT_EQ(collapsed.bucket_count(), 64u);
  EXPECT_EQ(collapsed.quantile(1), wide.quantile(1));
  EXPECT_EQ(collapsed.quantile(0.999), wide.quantile(0.999));  // a rank above the collapsed ones
  DDSketch added(0.01, 64);
  for (int key = 0; key < 10000; ++key) added.add(std::pow(kGamma, key - 0.5));
  EXPECT_EQ(collapsed.to_proto(), added.to_proto());

  // Two sparse bins 6e8 keys apart (relative accuracy 1e-6): two buckets of memory, not 4.8 GB.
  const double fine_gamma = DDSketch(1e-6).gamma();
  ProtoWriter m;
  m.double_field(1, fine_gamma);
  ProtoWriter store;
  for (std::int32_t key : {-300000000, 300000000}) {
    ProtoWriter e;
    e.sint32_field(1, key);
    e.double_field(2, 1);
    store.bytes_field(1, e.bytes());
  }
  ProtoWriter sketch;
  sketch.bytes_field(1, m.bytes());
  sketch.bytes_field(2, store.bytes());
  const DDSketch sparse = DDSketch::from_proto(sketch.bytes());
  EXPECT_EQ(sparse.relative_accuracy(), 1e-6);
  EXPECT_EQ(sparse.count(), 2);
  EXPECT_EQ(sparse.bucket_count(), 2u);  // the low bin collapsed into the lowest kept bucket
  EXPECT_EQ(sparse.quantile(1), DDSketch::from_proto(sketch.bytes(), 1).quantile(1));
  EXPECT_LE(sparse.memory_bytes(), sizeof(DDSketch) + 2048 * sizeof(double));
}

TEST(DDSketchProto, RejectsMappingsItCannotRepresent) {
  const auto with_mapping = [](std::initializer_list<std::pair<std::uint32_t, double>> doubles,
                               std::int64_t interpolation) {
    ProtoWriter m;
    for (const auto& [field, value] : doubles) m.double_field(field, value);
    if (interpolation) m.varint_field(3, static_cast<std::uint64_t>(interpolation));
    ProtoWriter out;
    out.bytes_field(1, m.bytes());
    return out.take();
  };
  EXPECT_EQ(decode_error_path(""), "mapping.gamma");  // no mapping at all
  EXPECT_EQ(decode_error_path(with_mapping({{1, 1.0}}, 0)), "mapping.gamma");
  EXPECT_EQ(decode_error_path(with_mapping({{1, 0.5}}, 0)), "mapping.gamma");
  EXPECT_EQ(decode_error_path(with_mapping({{1, std::nan("")}}, 0)), "mapping.gamma");
  EXPECT_EQ(decode_error_path(with_mapping({{1, INFINITY}}, 0)), "mapping.gamma");
  EXPECT_EQ(decode_error_path(with_mapping({{1, kGamma}}, 1)), "mapping.interpolation");
  EXPECT_EQ(decode_error_path(with_mapping({{1, kGamma}}, 3)), "mapping.interpolation");
  EXPECT_EQ(decode_error_path(with_mapping({{1, kGamma}}, -1)), "mapping.interpolation");
  EXPECT_EQ(decode_error_path(with_mapping({{1, kGamma}, {2, 0.5}}, 0)), "mapping.indexOffset");
  EXPECT_EQ(decode_error_path(with_mapping({{1, kGamma}, {2, 1e300}}, 0)), "mapping.indexOffset");
  EXPECT_EQ(decode_error_path(with_mapping({{1, kGamma}, {2, std::nan("")}}, 0)), "mapping.indexOffset");
  try {
    DDSketch::from_proto(with_mapping({{1, kGamma}}, 1));
    FAIL();
  } catch (const DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("LINEAR interpolation is not supported"), std::string::npos) << e.what();
  }
  EXPECT_EQ(decode_error_path(with_mapping({{1, 1e300}}, 0)), "mapping.gamma");  // accuracy rounds to 1
  // Not an exact decimal: about ddsketch's (gamma - 1) / (gamma + 1), with the same gamma.
  const DDSketch odd = DDSketch::from_proto(mapping(1.0 + 1.0 / 3.0));
  EXPECT_NEAR(odd.relative_accuracy(), 1.0 / 7.0, 1e-15);
  EXPECT_EQ(odd.gamma(), 1.0 + 1.0 / 3.0);
  // A gamma no accuracy gives exactly (found by the fuzzer): the nearest one, stable from then on.
  const std::string unreachable = mapping(7.0000950108515125);
  const DDSketch once = DDSketch::from_proto(unreachable);
  EXPECT_NEAR(once.gamma(), 7.0000950108515125, 1e-14);
  EXPECT_EQ(DDSketch::from_proto(once.to_proto()).to_proto(), once.to_proto());
}

TEST(DDSketchProto, RejectsHostileBytesWithATypedError) {
  const std::string head = mapping(kGamma);
  const auto store_with = [&](const std::string& store_hex) {
    const std::string store = from_hex(store_hex);
    ProtoWriter out;
    out.bytes_field(2, store);
    return head + out.bytes();
  };
  // Wire-level damage.
  EXPECT_EQ(decode_error_path(head + from_hex("21")), "$");                 // truncated double
  EXPECT_EQ(decode_error_path(head + from_hex("1280")), "$");               // truncated length varint
  EXPECT_EQ(decode_error_path(head + from_hex("1205" "1200")), "$");        // length beyond the data
  EXPECT_EQ(decode_error_path(head + from_hex("12ffffffffffffffffff01")), "$");  // huge length
  EXPECT_EQ(decode_error_path(head + from_hex("08ffffffffffffffffffff01")), "$");  // 11-byte varint
  EXPECT_EQ(decode_error_path(head + from_hex("0001")), "$");               // field number 0
  EXPECT_EQ(decode_error_path(head + from_hex("0f")), "$");                 // wire type 7
  EXPECT_EQ(decode_error_path(head + from_hex("4c")), "$");                 // end-group alone
  EXPECT_EQ(decode_error_path(head + from_hex("430801")), "$");             // unterminated group
  EXPECT_EQ(decode_error_path(head + from_hex("43" "4c")), "$");            // another group's end
  EXPECT_EQ(decode_error_path(head + std::string(200, '\x0b')), "$");       // groups nested too deep
  EXPECT_EQ(decode_error_path(from_hex("0a02" "0900")), "mapping");         // truncated gamma
  EXPECT_EQ(decode_error_path(store_with("1203" "000000")), "positiveValues.contiguousBinCounts");
  EXPECT_EQ(decode_error_path(store_with("0a02" "0880")), "positiveValues.binCounts");
  // Counts that are not counts.
  EXPECT_EQ(decode_error_path(store_with("1208" + double_hex(-1))), "positiveValues.contiguousBinCounts");
  EXPECT_EQ(decode_error_path(store_with("1208" + double_hex(std::nan("")))), "positiveValues.contiguousBinCounts");
  EXPECT_EQ(decode_error_path(store_with("1208" + double_hex(INFINITY))), "positiveValues.contiguousBinCounts");
  EXPECT_EQ(decode_error_path(store_with("0a0b" "0802" "11" + double_hex(-2))), "positiveValues.binCounts");
  EXPECT_EQ(decode_error_path(store_with("1210" + double_hex(DBL_MAX) + double_hex(DBL_MAX))), "positiveValues");
  EXPECT_EQ(decode_error_path(head + from_hex("21" + double_hex(-1))), "zeroCount");
  EXPECT_EQ(decode_error_path(head + from_hex("21" + double_hex(std::nan("")))), "zeroCount");
  // A bin index no value maps to (a=0.01 indexes about +-35800).
  EXPECT_EQ(decode_error_path(store_with("1208" + double_hex(1) + "18feffffff0f")), "positiveValues.contiguousBinCounts");
  ProtoWriter negative;
  negative.bytes_field(3, from_hex("0a0f" "08ffffffff0f" "11" + double_hex(1)));  // key -2^31
  EXPECT_EQ(decode_error_path(head + negative.bytes()), "negativeValues.binCounts");
}

TEST(DDSketchProto, RefusesToEncodeBinsBeyondSint32) {
  DDSketch tiny(1e-9);
  tiny.add(1);
  EXPECT_EQ(DDSketch::from_proto(tiny.to_proto()).count(), 1);
  tiny.add(1e300);  // key about 3.5e11
  EXPECT_THROW(tiny.to_proto(), ValidationError);
}

}  // namespace
}  // namespace keyscope::analytics
