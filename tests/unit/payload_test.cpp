// The inner payload codec (chat/payload.hpp): what it accepts round-trips,
// and every malformed shape a peer could send is refused.
#include <gtest/gtest.h>

#include "core/crypto/suites.hpp"
#include "core/envelope.hpp"
#include "core/payload.hpp"

using namespace chatter;

namespace {

inner_payload text(uint64_t seq, std::string body) {
  return {payload_kind::text, seq, std::move(body), {}, {}};
}

std::string tampered(std::string s, size_t at, uint8_t value) {
  s[at] = static_cast<char>(value);
  return s;
}

}  // namespace

TEST(payload, a_text_round_trips_with_its_sequence) {
  auto back = decode_payload(encode_payload(text(42, "hello")));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, payload_kind::text);
  EXPECT_EQ(back->sequence, 42u);
  EXPECT_EQ(back->text, "hello");
}

TEST(payload, receipts_and_refusals_round_trip) {
  inner_payload r{payload_kind::receipt, 0, "", "read", {"a1", "b2"}};
  auto back = decode_payload(encode_payload(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->state, "read");
  EXPECT_EQ(back->ids, (std::vector<std::string>{"a1", "b2"}));
  inner_payload f{payload_kind::refusal, 0, "", "bad signature", {"a1"}};
  back = decode_payload(encode_payload(f));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, payload_kind::refusal);
  EXPECT_EQ(back->state, "bad signature");
}

TEST(payload, plain_text_from_before_sequences_is_a_message_without_one) {
  auto back = decode_payload("Lunch at noon?");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, payload_kind::text);
  EXPECT_EQ(back->sequence, 0u);
  EXPECT_EQ(back->text, "Lunch at noon?");
}

TEST(payload, malformed_shapes_are_refused) {
  auto good = encode_payload(text(1, "hi"));
  EXPECT_FALSE(decode_payload(good + "x")) << "trailing bytes";
  EXPECT_FALSE(decode_payload(good.substr(0, good.size() - 1))) << "truncated";
  EXPECT_FALSE(decode_payload(tampered(good, 1, 2))) << "unknown version";
  EXPECT_FALSE(decode_payload(tampered(good, 2, 9))) << "unknown kind";
  EXPECT_FALSE(decode_payload(tampered(good, 3, 0x80))) << "negative sequence";
  EXPECT_FALSE(decode_payload(std::string(1, static_cast<char>(payload_magic))));
  // A receipt with text, or without ids, or of an unknown state.
  EXPECT_FALSE(decode_payload(encode_payload({payload_kind::receipt, 0, "x", "read", {"a"}})));
  EXPECT_FALSE(decode_payload(encode_payload({payload_kind::receipt, 0, "", "read", {}})));
  EXPECT_FALSE(decode_payload(encode_payload({payload_kind::receipt, 0, "", "seen", {"a"}})));
  EXPECT_FALSE(decode_payload(encode_payload({payload_kind::refusal, 0, "", "", {"a"}})));
  EXPECT_FALSE(decode_payload(encode_payload({payload_kind::refusal, 0, "", "x", {"a", "b"}})));
  EXPECT_FALSE(decode_payload(encode_payload({payload_kind::text, 1, "x", "", {"a"}})));
  // A contact request carries its words only.
  EXPECT_FALSE(decode_payload(encode_payload({payload_kind::request, 1, "hi", "", {}})));
  EXPECT_FALSE(decode_payload(encode_payload({payload_kind::request, 0, "hi", "x", {}})));
  EXPECT_FALSE(decode_payload(encode_payload({payload_kind::request, 0, "hi", "", {"a"}})));
}

TEST(payload, a_contact_request_round_trips_with_its_words_up_to_1_kib) {
  auto back =
    decode_payload(encode_payload({payload_kind::request, 0, "Alice from the lab", "", {}}));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, payload_kind::request);
  EXPECT_EQ(back->text, "Alice from the lab");
  EXPECT_TRUE(decode_payload(encode_payload({payload_kind::request, 0, "", "", {}})));
  EXPECT_TRUE(decode_payload(encode_payload(
    {payload_kind::request, 0, std::string(max_request_message_bytes, 'a'), "", {}})));
  EXPECT_FALSE(decode_payload(encode_payload(
    {payload_kind::request, 0, std::string(max_request_message_bytes + 1, 'a'), "", {}})));
}

TEST(payload, bounds_are_enforced) {
  EXPECT_TRUE(decode_payload(encode_payload(text(1, std::string(size_t{64} * 1024, 'a')))));
  EXPECT_FALSE(decode_payload(encode_payload(text(1, std::string(64 * 1024 + 1, 'a')))));
  std::vector<std::string> many(max_receipt_ids + 1, "id");
  EXPECT_FALSE(decode_payload(encode_payload({payload_kind::receipt, 0, "", "read", many})));
  many.pop_back();
  EXPECT_TRUE(decode_payload(encode_payload({payload_kind::receipt, 0, "", "read", many})));
  EXPECT_FALSE(
    decode_payload(encode_payload({payload_kind::receipt, 0, "", "read", {std::string(65, 'a')}})));
}

TEST(payload, a_full_size_text_fits_an_envelope_of_every_pool_suite) {
  auto payload = encode_payload(text(7, std::string(size_t{64} * 1024, 'a')));
  for (auto suite : {crypto::suite_id::x25519_chacha20poly1305_ed25519,
                     crypto::suite_id::ratchet_x25519_chacha20poly1305}) {
    auto alice = crypto::generate_identity(suite), bob = crypto::generate_identity(suite);
    envelope_header h;
    h.id = "m";
    h.from = "alice";
    h.to = "bob";
    auto env = crypto::seal(alice, crypto::public_of(bob, "bob"), h, payload);
    EXPECT_LE(env.ciphertext.size(), max_ciphertext_bytes);
    auto opened = crypto::open(bob, crypto::public_of(alice, "alice"), env);
    EXPECT_EQ(decode_payload(opened.text)->sequence, 7u);
  }
}
