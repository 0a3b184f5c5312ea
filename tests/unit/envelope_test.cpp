// The envelope header codec (chat/envelope.hpp): what it writes reads back
// field for field, and what a hostile peer may send instead (truncated,
// oversized, padded, of another version) is refused whole. The limits are
// tested at the boundary: the largest field accepted, one byte more refused.
#include <cstdint>

#include <gtest/gtest.h>

#include "core/byte_codec.hpp"
#include "core/envelope.hpp"

using namespace chatter;

namespace {

bytes filled(size_t n, uint8_t seed) {
  bytes out(n);
  for (size_t i = 0; i < n; ++i)
    out[i] = static_cast<uint8_t>(seed + i * 7);
  return out;
}

envelope_header sample() {
  envelope_header h;
  h.suite = "x25519-aes256gcm-ed25519";
  h.signer_suite = "ed25519";
  h.id = "0123456789abcdef";
  h.from = "alice";
  h.to = "bob";
  h.timestamp_ms = 1700000000123;
  h.kem = filled(32, 1);
  h.nonce = filled(12, 2);
  return h;
}

void expect_same(const envelope_header& a, const envelope_header& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.suite, b.suite);
  EXPECT_EQ(a.signer_suite, b.signer_suite);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.room, b.room);
  EXPECT_EQ(a.timestamp_ms, b.timestamp_ms);
  EXPECT_EQ(a.kem, b.kem);
  EXPECT_EQ(a.nonce, b.nonce);
}

// Every field at the largest size the decoder takes.
envelope_header largest() {
  envelope_header h;
  h.suite = std::string(64, 's');
  h.signer_suite = std::string(64, 'g');
  h.id = std::string(64, 'i');
  h.from = std::string(32, 'f');
  h.to = std::string(32, 't');
  h.room = std::string(64, 'r');
  h.timestamp_ms = INT64_MAX;
  h.kem = filled(1024, 3);
  h.nonce = filled(32, 4);
  return h;
}

}  // namespace

TEST(envelope_codec, a_header_reads_back_field_for_field) {
  auto h = sample();
  h.room = "#ops";
  auto back = decode_header(encode_header(h));
  ASSERT_TRUE(back);
  expect_same(*back, h);
}

TEST(envelope_codec, the_layout_is_big_endian_length_prefixed) {
  envelope_header h;
  h.suite = "ab";
  h.timestamp_ms = 0x0102030405060708;
  h.nonce = {0xee};
  bytes expected = {1,                           // version
                    0, 0, 0, 2, 'a', 'b',        // suite
                    0, 0, 0, 0,                  // signer_suite
                    0, 0, 0, 0,                  // id
                    0, 0, 0, 0,                  // from
                    0, 0, 0, 0,                  // to
                    0, 0, 0, 0,                  // room
                    1, 2, 3, 4, 5,   6,   7, 8,  // timestamp
                    0, 0, 0, 0,                  // kem
                    0, 0, 0, 1, 0xee};           // nonce
  EXPECT_EQ(encode_header(h), expected);
}

TEST(envelope_codec, empty_fields_and_extreme_timestamps_read_back) {
  for (int64_t t : {int64_t{0}, int64_t{-1}, INT64_MIN, INT64_MAX}) {
    envelope_header h;
    h.timestamp_ms = t;
    auto back = decode_header(encode_header(h));
    ASSERT_TRUE(back) << t;
    expect_same(*back, h);
  }
}

TEST(envelope_codec, text_fields_are_bytes_not_c_strings) {
  auto h = sample();
  h.id = std::string("a\0b", 3);
  h.from = "\xff\xfe";
  auto back = decode_header(encode_header(h));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id.size(), 3u);
  EXPECT_EQ(back->id, h.id);
  EXPECT_EQ(back->from, h.from);
}

TEST(envelope_codec, every_field_at_its_limit_is_accepted) {
  auto h = largest();
  auto wire = encode_header(h);
  // 8 length prefixes, the version, the timestamp and the fields.
  EXPECT_EQ(wire.size(), 1 + 8 * 4 + 8 + 64 * 4 + 32 * 2 + 1024 + 32u);
  auto back = decode_header(wire);
  ASSERT_TRUE(back);
  expect_same(*back, h);
}

TEST(envelope_codec, one_byte_over_any_field_limit_is_refused) {
  struct over {
    const char* field;
    void (*grow)(envelope_header&);
  };
  const over cases[] = {
    {"suite", [](envelope_header& h) { h.suite += 's'; }},
    {"signer_suite", [](envelope_header& h) { h.signer_suite += 'g'; }},
    {"id", [](envelope_header& h) { h.id += 'i'; }},
    {"from", [](envelope_header& h) { h.from += 'f'; }},
    {"to", [](envelope_header& h) { h.to += 't'; }},
    {"room", [](envelope_header& h) { h.room += 'r'; }},
    {"kem", [](envelope_header& h) { h.kem.push_back(0); }},
    {"nonce", [](envelope_header& h) { h.nonce.push_back(0); }},
  };
  for (auto& c : cases) {
    auto h = largest();
    c.grow(h);
    EXPECT_FALSE(decode_header(encode_header(h))) << c.field;
  }
}

TEST(envelope_codec, every_truncation_is_refused) {
  auto h = sample();
  h.room = "#r";
  auto wire = encode_header(h);
  ASSERT_TRUE(decode_header(wire));
  for (size_t n = 0; n < wire.size(); ++n) {
    bytes cut(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(decode_header(cut)) << n << " of " << wire.size() << " bytes";
  }
}

TEST(envelope_codec, trailing_bytes_are_refused) {
  auto wire = encode_header(sample());
  wire.push_back(0);
  EXPECT_FALSE(decode_header(wire));
}

TEST(envelope_codec, another_version_is_refused) {
  for (uint8_t v : {uint8_t{0}, uint8_t{2}, uint8_t{255}}) {
    auto wire = encode_header(sample());
    wire[0] = v;
    EXPECT_FALSE(decode_header(wire)) << int(v);
  }
}

TEST(envelope_codec, input_over_the_header_cap_is_refused_before_parsing) {
  // Refused by size alone: even a header that parses, padded past the cap.
  auto wire = encode_header(largest());
  wire.resize(max_header_bytes + 1, 0);
  EXPECT_FALSE(decode_header(wire));
  EXPECT_FALSE(decode_header(bytes(max_header_bytes + 1, 0)));
  // The cap is above the largest header the fields allow: no valid header
  // is refused by it.
  EXPECT_LT(encode_header(largest()).size(), max_header_bytes);
}

TEST(envelope_codec, a_length_claiming_more_than_is_left_is_refused) {
  // A suite of 60 bytes announced, 3 there: within the field's limit, so
  // only the bytes left can refuse it.
  bytes wire = {1, 0, 0, 0, 60, 'a', 'b', 'c'};
  EXPECT_FALSE(decode_header(wire));
  // A length near 4 GiB must not be added to the position and wrap.
  wire = {1, 0xff, 0xff, 0xff, 0xff, 'a'};
  EXPECT_FALSE(decode_header(wire));
  auto kem_at = encode_header(envelope_header{});
  // Version, six empty strings, timestamp: then kem's length.
  size_t kem_length = 1 + 6 * 4 + 8;
  kem_at[kem_length] = 0xff;
  EXPECT_FALSE(decode_header(kem_at));
}

TEST(envelope_codec, signed_bytes_are_the_domain_tag_header_and_ciphertext) {
  envelope env{{1, 2}, {3}, {9, 9, 9}};
  byte_writer w;
  w.str("chatter-envelope-v1");
  w.blob(bytes{1, 2});
  w.blob(bytes{3});
  EXPECT_EQ(signed_bytes(env), w.take());
}

TEST(envelope_codec, moving_a_byte_between_header_and_ciphertext_changes_what_is_signed) {
  envelope a{{1, 2, 3}, {4}, {}};
  envelope b{{1, 2}, {3, 4}, {}};
  EXPECT_NE(signed_bytes(a), signed_bytes(b));
  // The signature itself is not signed.
  envelope c{{1, 2, 3}, {4}, {7, 7}};
  EXPECT_EQ(signed_bytes(a), signed_bytes(c));
}
