// identity.json: version 2 (Argon2id + ChaCha20Poly1305) round trip, wrong
// passwords refused, and a version 1 file (PBKDF2 PEM, as written before)
// sealed again with Argon2id at the first login that opens it.
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include <botan/pkcs8.h>
#include <botan/system_rng.h>
#include <gtest/gtest.h>

#include "core/scram.hpp"
#include "member/account/identity_file.hpp"
#include "temp_dir.hpp"

using namespace chatter;

namespace {

const std::string password = "correct horse battery";

// The login's cost as the daemon's hub asks for it.
const kdf_params login_kdf{19456, 2, 1};

const crypto::private_identity& alice() {
  // Never destroyed: Botan's locked-memory pool is torn down at exit first.
  static auto& id = *new crypto::private_identity(
    crypto::generate_identity(crypto::suite_id::x25519_chacha20poly1305_ed25519));
  return id;
}

// What the daemon wrote before identity.json had a version.
locked_keys version_1_file(const crypto::private_identity& id) {
  auto pem = Botan::PKCS8::PEM_encode_encrypted_pbkdf_iter(
    *id.signing, Botan::system_rng(), password, 100000, "AES-256/GCM", "SHA-256");
  auto enc = Botan::PKCS8::PEM_encode_encrypted_pbkdf_iter(
    *id.encryption, Botan::system_rng(), password, 100000, "AES-256/GCM", "SHA-256");
  locked_keys keys;
  keys.suite = crypto::suite_name(id.suite);
  keys.signing_pem = pem;
  keys.encryption_pem = enc;
  keys.identity = crypto::public_of(id, "alice");
  return keys;
}

bool same_keys(const crypto::private_identity& a, const crypto::private_identity& b) {
  return a.suite == b.suite && a.signing->private_key_bits() == b.signing->private_key_bits()
    && a.encryption->private_key_bits() == b.encryption->private_key_bits();
}

unsigned mode_of(const std::filesystem::path& file) {
  struct stat st {};
  EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
  return st.st_mode & 0777;
}

double unlock_ms(const std::string& folder) {
  auto keys = load_identity_file(folder);
  auto start = std::chrono::steady_clock::now();
  crypto::unlock_identity(locked_identity_of(*keys), password);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
    .count();
}

}  // namespace

TEST(identity_file, version_2_round_trip) {
  test::temp_dir dir;
  auto folder = dir.path().string();
  auto locked = crypto::lock_identity(alice(), password, login_kdf);
  save_identity_file(folder, locked_keys_of(locked, crypto::public_of(alice(), "alice")));
  auto file = dir.path() / "identity.json";
  EXPECT_EQ(mode_of(file), 0600u);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("\"version\": 2"), std::string::npos) << text;
  EXPECT_NE(text.find("Argon2id"), std::string::npos) << text;
  EXPECT_EQ(text.find("PRIVATE KEY"), std::string::npos) << "no PEM in a version 2 file";

  auto keys = load_identity_file(folder);
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(keys->kdf.memory_kib, login_kdf.memory_kib);
  EXPECT_EQ(keys->kdf.iterations, login_kdf.iterations);
  EXPECT_TRUE(same_keys(unlock_identity_file(folder, *keys, password, login_kdf), alice()));
}

TEST(identity_file, wrong_password_and_edited_suite_are_refused) {
  test::temp_dir dir;
  auto folder = dir.path().string();
  auto locked = crypto::lock_identity(alice(), password, login_kdf);
  save_identity_file(folder, locked_keys_of(locked, crypto::public_of(alice(), "alice")));
  auto keys = *load_identity_file(folder);
  EXPECT_THROW(unlock_identity_file(folder, keys, password + "!", login_kdf), crypto::crypto_error);
  auto edited = keys;
  edited.suite = crypto::suite_name(crypto::suite_id::ratchet_x25519_chacha20poly1305);
  EXPECT_THROW(crypto::unlock_identity(locked_identity_of(edited), password), crypto::crypto_error);
  auto flipped = keys;
  flipped.sealed[flipped.sealed.size() / 2] ^= 1;
  EXPECT_THROW(crypto::unlock_identity(locked_identity_of(flipped), password),
               crypto::crypto_error);
}

TEST(identity_file, version_1_is_sealed_again_with_argon2id_at_login) {
  test::temp_dir dir;
  auto folder = dir.path().string();
  save_identity_file(folder, version_1_file(alice()));
  auto old = *load_identity_file(folder);
  ASSERT_TRUE(old.sealed.empty());
  double version_1_ms = unlock_ms(folder);

  // A wrong password opens nothing and leaves the file as it was.
  EXPECT_THROW(unlock_identity_file(folder, old, "wrong", login_kdf), crypto::crypto_error);
  EXPECT_TRUE(load_identity_file(folder)->sealed.empty());

  EXPECT_TRUE(same_keys(unlock_identity_file(folder, old, password, login_kdf), alice()));
  auto now = load_identity_file(folder);
  ASSERT_TRUE(now.has_value());
  EXPECT_FALSE(now->sealed.empty()) << "the file should be version 2 now";
  EXPECT_TRUE(now->signing_pem.empty());
  EXPECT_EQ(now->kdf.memory_kib, login_kdf.memory_kib);
  EXPECT_EQ(now->kdf.iterations, login_kdf.iterations);
  EXPECT_EQ(now->identity.signing_key, old.identity.signing_key);
  EXPECT_EQ(mode_of(dir.path() / "identity.json"), 0600u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "identity.json.tmp"));
  EXPECT_TRUE(same_keys(crypto::unlock_identity(locked_identity_of(*now), password), alice()));
  double version_2_ms = unlock_ms(folder);
  std::cout << "unlock identity.json: version 1 (PBKDF2-SHA-256 100k) " << version_1_ms
            << " ms, version 2 (Argon2id 19 MiB t=2) " << version_2_ms << " ms\n";
}

TEST(identity_file, sealed_again_when_the_login_costs_more_never_less) {
  test::temp_dir dir;
  auto folder = dir.path().string();
  auto cheap = crypto::lock_identity(alice(), password, {8192, 1, 1});
  save_identity_file(folder, locked_keys_of(cheap, crypto::public_of(alice(), "alice")));
  unlock_identity_file(folder, *load_identity_file(folder), password, {8192, 1, 1});
  auto raised = *load_identity_file(folder);
  EXPECT_EQ(raised.kdf.memory_kib, scram::member_kdf_floor.memory_kib)
    << "never below the member's floor, whatever the hub asks";
  EXPECT_EQ(raised.kdf.iterations, scram::member_kdf_floor.iterations);
  auto salt = raised.salt;
  unlock_identity_file(folder, raised, password, login_kdf);
  EXPECT_EQ(load_identity_file(folder)->salt, salt) << "an equal cost rewrites nothing";
}
