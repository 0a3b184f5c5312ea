// The SCRAM steps against RFC 7677's SCRAM-SHA-256 example, and our framing.
#include <gtest/gtest.h>

#include <botan/pwdhash.h>

#include "core/scram.hpp"

using namespace chatter;

namespace {

// RFC 7677 §3: user "user", password "pencil", i=4096.
const char* rfc_salt = "W22ZaJ0SNY7soEsUEjb6gQ==";
const char* rfc_auth_message = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
                               "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                               "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
                               "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
const char* rfc_proof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
const char* rfc_server_signature = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// RFC 7677 stretches with PBKDF2; we use Argon2id, so the vector enters
// after the KDF, at SaltedPassword.
secure_bytes rfc_salted_password() {
  auto salt = scram::from_base64(rfc_salt);
  auto family = Botan::PasswordHashFamily::create_or_throw("PBKDF2(SHA-256)");
  auto kdf = family->from_params(4096);
  secure_bytes out(32);
  std::string password = "pencil";
  kdf->derive_key(out.data(), out.size(), password.data(), password.size(), salt.data(),
                  salt.size());
  return out;
}

kdf_params cheap_kdf() {
  return kdf_params{8192, 1, 1};
}

}  // namespace

TEST(scram, rfc7677_client_proof) {
  auto sp = rfc_salted_password();
  auto ck = scram::client_key(sp);
  auto sk = scram::stored_key(ck);
  EXPECT_EQ(scram::to_base64(scram::client_proof(ck, sk, rfc_auth_message)), rfc_proof);
}

TEST(scram, rfc7677_server_signature) {
  auto sp = rfc_salted_password();
  auto sig = scram::server_signature(scram::server_key(sp), rfc_auth_message);
  EXPECT_EQ(scram::to_base64(sig), rfc_server_signature);
}

TEST(scram, rfc7677_proof_verifies_against_stored_key_only) {
  auto sk = scram::stored_key(scram::client_key(rfc_salted_password()));
  EXPECT_TRUE(scram::verify_client_proof(scram::to_bytes(sk), rfc_auth_message,
                                         scram::from_base64(rfc_proof)));
}

TEST(scram, altered_proof_or_message_is_refused) {
  auto sk = scram::stored_key(scram::client_key(rfc_salted_password()));
  auto proof = scram::from_base64(rfc_proof);
  auto bad = proof;
  bad[5] ^= 0x40;
  EXPECT_FALSE(scram::verify_client_proof(scram::to_bytes(sk), rfc_auth_message, bad));
  EXPECT_FALSE(
    scram::verify_client_proof(scram::to_bytes(sk), std::string(rfc_auth_message) + "x", proof));
  EXPECT_FALSE(scram::verify_client_proof(scram::to_bytes(sk), rfc_auth_message,
                                          bytes(proof.begin(), proof.end() - 1)));
  EXPECT_FALSE(scram::verify_client_proof(scram::to_bytes(sk), rfc_auth_message, {}));
}

TEST(scram, derive_is_deterministic_and_salt_sensitive) {
  auto salt = scram::random_bytes(16);
  auto a = scram::derive("correct horse", salt, cheap_kdf());
  auto b = scram::derive("correct horse", salt, cheap_kdf());
  EXPECT_EQ(a.client_key, b.client_key);
  EXPECT_EQ(a.server_key, b.server_key);
  EXPECT_EQ(a.stored_key, scram::sha256(a.client_key));
  auto other_salt = scram::derive("correct horse", scram::random_bytes(16), cheap_kdf());
  EXPECT_NE(a.client_key, other_salt.client_key);
  auto other_password = scram::derive("correct horsf", salt, cheap_kdf());
  EXPECT_NE(a.client_key, other_password.client_key);
}

TEST(scram, argon2id_cost_parameters_change_the_output) {
  auto salt = scram::random_bytes(16);
  auto a = scram::salted_password("pw", salt, {8192, 1, 1});
  auto b = scram::salted_password("pw", salt, {8192, 2, 1});
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

TEST(scram, a_login_proof_never_answers_a_rechallenge) {
  auto keys = scram::derive("pw", scram::random_bytes(16), cheap_kdf());
  auto login = scram::login_auth_message("alice", "c", "cs", {1, 2}, cheap_kdf());
  auto proof = scram::client_proof(keys.client_key, keys.stored_key, login);
  EXPECT_TRUE(scram::verify_client_proof(scram::to_bytes(keys.stored_key), login, proof));
  auto again = scram::rechallenge_auth_message("alice", "session", "cs");
  EXPECT_FALSE(scram::verify_client_proof(scram::to_bytes(keys.stored_key), again, proof));
}

TEST(scram, nonces_do_not_repeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i)
    EXPECT_TRUE(seen.insert(scram::random_nonce()).second);
}

TEST(scram, kdf_floor) {
  EXPECT_TRUE(scram::acceptable({19456, 2, 1}));
  EXPECT_FALSE(scram::acceptable({1024, 2, 1}));
  EXPECT_FALSE(scram::acceptable({19456, 0, 1}));
  EXPECT_FALSE(scram::acceptable({19456, 2, 0}));
}
