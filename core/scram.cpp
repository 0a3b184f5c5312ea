#include "scram.hpp"

#include <algorithm>

#include <botan/base64.h>
#include <botan/hash.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>
#include <botan/pwdhash.h>
#include <botan/system_rng.h>

namespace chatter::scram {

secure_bytes salted_password(std::string_view password, const bytes& salt, const kdf_params& kdf) {
  auto family = Botan::PasswordHashFamily::create_or_throw("Argon2id");
  auto hash = family->from_params(kdf.memory_kib, kdf.iterations, kdf.parallelism);
  secure_bytes out(32);
  hash->derive_key(out.data(), out.size(), password.data(), password.size(), salt.data(),
                   salt.size());
  return out;
}

namespace {

secure_bytes hmac(const uint8_t* key, size_t key_size, std::string_view message) {
  auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  mac->set_key(key, key_size);
  mac->update(reinterpret_cast<const uint8_t*>(message.data()), message.size());
  return mac->final();
}

secure_bytes hash_of(const uint8_t* data, size_t size) {
  auto hash = Botan::HashFunction::create_or_throw("SHA-256");
  hash->update(data, size);
  return hash->final();
}

}  // namespace

bytes hmac_sha256(const bytes& key, std::string_view message) {
  auto tag = hmac(key.data(), key.size(), message);
  return bytes(tag.begin(), tag.end());
}

bytes sha256(const bytes& data) {
  auto digest = hash_of(data.data(), data.size());
  return bytes(digest.begin(), digest.end());
}

secure_bytes sha256(const secure_bytes& data) {
  return hash_of(data.data(), data.size());
}

secure_bytes client_key(const secure_bytes& sp) {
  return hmac(sp.data(), sp.size(), "Client Key");
}

secure_bytes server_key(const secure_bytes& sp) {
  return hmac(sp.data(), sp.size(), "Server Key");
}

secure_bytes stored_key(const secure_bytes& ck) {
  return sha256(ck);
}

bytes to_bytes(const secure_bytes& key) {
  return bytes(key.begin(), key.end());
}

derived_keys derive(std::string_view password, const bytes& salt, const kdf_params& kdf) {
  auto sp = salted_password(password, salt, kdf);
  derived_keys keys;
  keys.client_key = client_key(sp);
  keys.stored_key = stored_key(keys.client_key);
  keys.server_key = server_key(sp);
  return keys;
}

namespace {

template <class Out, class A, class B>
Out xor_bytes(const A& a, const B& b) {
  Out out(a.size());
  for (size_t i = 0; i < a.size(); ++i)
    out[i] = a[i] ^ b[i];
  return out;
}

}  // namespace

bytes client_proof(const secure_bytes& ck, const secure_bytes& sk, std::string_view auth_message) {
  return xor_bytes<bytes>(ck, hmac(sk.data(), sk.size(), auth_message));
}

bool verify_client_proof(const bytes& sk, std::string_view auth_message, const bytes& proof) {
  auto signature = hmac(sk.data(), sk.size(), auth_message);
  if (proof.size() != signature.size())
    return false;
  // The recovered ClientKey is wiped when freed: an embedded hub shares the
  // member's memory.
  auto recovered = xor_bytes<secure_bytes>(proof, signature);
  auto digest = sha256(recovered);
  return sk.size() == digest.size()
    && Botan::constant_time_compare(digest.data(), sk.data(), sk.size());
}

bytes server_signature(const bytes& srv_key, std::string_view auth_message) {
  return hmac_sha256(srv_key, auth_message);
}

bytes server_signature(const secure_bytes& srv_key, std::string_view auth_message) {
  auto tag = hmac(srv_key.data(), srv_key.size(), auth_message);
  return bytes(tag.begin(), tag.end());
}

bool equal_constant_time(const bytes& a, const bytes& b) {
  return a.size() == b.size() && Botan::constant_time_compare(a.data(), b.data(), a.size());
}

std::string login_auth_message(std::string_view user, std::string_view client_nonce,
                               std::string_view nonce, const bytes& salt, const kdf_params& kdf) {
  std::string msg = "chatter-login-v1,n=";
  msg += user;
  msg += ",r=";
  msg += client_nonce;
  msg += ",r=";
  msg += nonce;
  msg += ",s=";
  msg += to_base64(salt);
  msg += ",m=" + std::to_string(kdf.memory_kib);
  msg += ",t=" + std::to_string(kdf.iterations);
  msg += ",p=" + std::to_string(kdf.parallelism);
  return msg;
}

std::string rechallenge_auth_message(std::string_view user, std::string_view session,
                                     std::string_view nonce) {
  std::string msg = "chatter-rechallenge-v1,n=";
  msg += user;
  msg += ",S=";
  msg += session;
  msg += ",r=";
  msg += nonce;
  return msg;
}

bytes random_bytes(size_t n) {
  bytes out(n);
  Botan::system_rng().randomize(out.data(), out.size());
  return out;
}

std::string random_nonce() {
  return to_base64(random_bytes(24));
}

std::string to_base64(const bytes& data) {
  return Botan::base64_encode(data.data(), data.size());
}

bytes from_base64(std::string_view text) {
  auto decoded = Botan::base64_decode(std::string(text));
  return bytes(decoded.begin(), decoded.end());
}

bool acceptable(const kdf_params& kdf) {
  return kdf.memory_kib >= 8192 && kdf.memory_kib <= 1024 * 1024 && kdf.iterations >= 1
    && kdf.iterations <= 16 && kdf.parallelism >= 1 && kdf.parallelism <= 8;
}

bool at_least_member_floor(const kdf_params& kdf) {
  return acceptable(kdf) && kdf.memory_kib >= member_kdf_floor.memory_kib
    && kdf.iterations >= member_kdf_floor.iterations
    && kdf.parallelism >= member_kdf_floor.parallelism;
}

kdf_params raised_to_member_floor(const kdf_params& kdf) {
  return {std::max(kdf.memory_kib, member_kdf_floor.memory_kib),
          std::max(kdf.iterations, member_kdf_floor.iterations),
          std::max(kdf.parallelism, member_kdf_floor.parallelism)};
}

}  // namespace chatter::scram
