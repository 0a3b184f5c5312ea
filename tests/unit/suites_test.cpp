// The three suites: round trips within and across suites, tampering of every
// part of an envelope, wrong recipients, locked keys, fingerprints.
#include <gtest/gtest.h>

#include "core/crypto/suites.hpp"

using namespace chatter;
using namespace chatter::crypto;

namespace {

// Key generation (RSA-3072 above all) is slow: one identity per suite per run.
const private_identity& identity(suite_id s, int which = 0) {
  // Never destroyed: Botan's locked-memory pool is torn down at exit before
  // function-local statics would be.
  static auto& cache = *new std::map<std::pair<suite_id, int>, private_identity>;
  auto key = std::make_pair(s, which);
  auto i = cache.find(key);
  if (i == cache.end())
    i = cache.emplace(key, generate_identity(s)).first;
  return i->second;
}

envelope_header header_for(const std::string& from, const std::string& to) {
  envelope_header h;
  h.id = "m1";
  h.from = from;
  h.to = to;
  h.timestamp_ms = 1700000000000;
  return h;
}

const std::vector<suite_id> all = {suite_id::ratchet_x25519_chacha20poly1305,
                                   suite_id::x25519_chacha20poly1305_ed25519,
                                   suite_id::rsa_oaep_pss_3072, suite_id::elgamal_2048};

}  // namespace

TEST(suites, names_round_trip) {
  for (auto s : all)
    EXPECT_EQ(parse_suite(suite_name(s)), s);
  EXPECT_FALSE(parse_suite("rot13"));
  EXPECT_EQ(std::string(default_suite), suite_name(suite_id::ratchet_x25519_chacha20poly1305));
}

TEST(suites, every_pair_of_suites_interoperates) {
  for (auto from : all)
    for (auto to : all) {
      auto& alice = identity(from);
      auto& bob = identity(to, 1);
      auto alice_pub = public_of(alice, "alice");
      auto bob_pub = public_of(bob, "bob");
      auto env = seal(alice, bob_pub, header_for("alice", "bob"), "Bonjour Bob ☃");
      auto opened = open(bob, alice_pub, env);
      EXPECT_EQ(opened.text, "Bonjour Bob ☃") << suite_name(from) << " -> " << suite_name(to);
      // Outside a session, a ratchet-suite recipient is sealed to with the
      // X25519 suite, its keys being the same.
      auto wrapped = to == suite_id::ratchet_x25519_chacha20poly1305
        ? suite_id::x25519_chacha20poly1305_ed25519
        : to;
      EXPECT_EQ(opened.header.suite, suite_name(wrapped));
      EXPECT_EQ(opened.header.signer_suite, suite_name(from));
      EXPECT_EQ(opened.header.from, "alice");
    }
}

TEST(suites, tampering_with_any_part_is_refused) {
  for (auto s : all) {
    auto& alice = identity(s);
    auto& bob = identity(s, 1);
    auto alice_pub = public_of(alice, "alice");
    auto env = seal(alice, public_of(bob, "bob"), header_for("alice", "bob"), "pay 10 EUR");
    auto ct = env;
    ct.ciphertext[0] ^= 1;
    EXPECT_THROW(open(bob, alice_pub, ct), crypto_error) << suite_name(s);
    auto tag = env;
    tag.ciphertext.back() ^= 1;
    EXPECT_THROW(open(bob, alice_pub, tag), crypto_error) << suite_name(s);
    auto hdr = env;
    hdr.header[hdr.header.size() - 3] ^= 1;  // inside the nonce
    EXPECT_THROW(open(bob, alice_pub, hdr), crypto_error) << suite_name(s);
    auto sig = env;
    sig.signature[sig.signature.size() / 2] ^= 1;
    EXPECT_THROW(open(bob, alice_pub, sig), crypto_error) << suite_name(s);
    auto truncated = env;
    truncated.header.pop_back();
    EXPECT_THROW(open(bob, alice_pub, truncated), crypto_error) << suite_name(s);
  }
}

TEST(suites, a_forged_sender_or_a_wrong_recipient_fails) {
  auto& alice = identity(suite_id::x25519_chacha20poly1305_ed25519);
  auto& bob = identity(suite_id::x25519_chacha20poly1305_ed25519, 1);
  auto& mallory = identity(suite_id::x25519_chacha20poly1305_ed25519, 2);
  // Mallory signs with her key but claims to be alice: alice's key refuses it.
  auto forged = seal(mallory, public_of(bob, "bob"), header_for("alice", "bob"), "hi");
  EXPECT_THROW(open(bob, public_of(alice, "alice"), forged), crypto_error);
  // An envelope for bob does not open with mallory's keys.
  auto env = seal(alice, public_of(bob, "bob"), header_for("alice", "bob"), "hi");
  EXPECT_THROW(open(mallory, public_of(alice, "alice"), env), crypto_error);
}

TEST(suites, identity_binding_and_fingerprint) {
  for (auto s : all) {
    auto pub = public_of(identity(s), "alice");
    EXPECT_TRUE(verify_binding(pub)) << suite_name(s);
    auto other_user = pub;
    other_user.user = "mallory";
    EXPECT_FALSE(verify_binding(other_user)) << suite_name(s);
    auto swapped = pub;
    swapped.encryption_key = public_of(identity(s, 1), "alice").encryption_key;
    EXPECT_FALSE(verify_binding(swapped)) << suite_name(s);
  }
  auto fp = fingerprint(public_of(identity(suite_id::x25519_chacha20poly1305_ed25519), "a"));
  EXPECT_EQ(fp.size(), 12u * 5 + 11);
  EXPECT_EQ(fp.find_first_not_of("0123456789 "), std::string::npos);
  EXPECT_NE(fp,
            fingerprint(public_of(identity(suite_id::x25519_chacha20poly1305_ed25519, 1), "a")));
}

TEST(suites, locked_keys_open_with_the_password_only) {
  for (auto s : all) {
    // A cheap cost: the format is under test here, not Argon2id.
    auto locked = lock_identity(identity(s), "correct horse", {8192, 1, 1});
    EXPECT_FALSE(locked.is_version_1()) << suite_name(s);
    EXPECT_TRUE(locked.signing_pem.empty()) << suite_name(s);
    EXPECT_THROW(unlock_identity(locked, "wrong horse"), crypto_error);
    auto unlocked = unlock_identity(locked, "correct horse");
    auto env = seal(identity(s, 1), public_of(unlocked, "bob"), header_for("alice", "bob"), "x");
    EXPECT_EQ(open(unlocked, public_of(identity(s, 1), "alice"), env).text, "x");
  }
}

TEST(suites, header_codec_is_strict) {
  auto h = header_for("alice", "bob");
  h.suite = default_suite;
  h.nonce = bytes(12, 1);
  auto enc = encode_header(h);
  auto dec = decode_header(enc);
  ASSERT_TRUE(dec);
  EXPECT_EQ(dec->id, "m1");
  EXPECT_EQ(dec->timestamp_ms, 1700000000000);
  auto trailing = enc;
  trailing.push_back(0);
  EXPECT_FALSE(decode_header(trailing));
  for (size_t cut = 0; cut < enc.size(); ++cut)
    EXPECT_FALSE(decode_header(bytes(enc.begin(), enc.begin() + static_cast<long>(cut))));
  auto bad_version = enc;
  bad_version[0] = 2;
  EXPECT_FALSE(decode_header(bad_version));
  auto huge_len = enc;
  huge_len[1] = 0xff;  // suite length claims 4 GB
  EXPECT_FALSE(decode_header(huge_len));
}
