#include "key_shield.hpp"

#include <botan/aead.h>
#include <botan/hash.h>
#include <botan/system_rng.h>

namespace chatter {

namespace {

constexpr size_t pad_bytes = 16 * 1024;
constexpr size_t key_bytes = 32;  // each of the three SCRAM keys

std::unique_ptr<Botan::AEAD_Mode> box(Botan::Cipher_Dir dir, const secure_bytes& pad,
                                      const bytes& nonce) {
  auto hash = Botan::HashFunction::create_or_throw("SHA-256");
  hash->update(pad);
  auto aead = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", dir);
  aead->set_key(hash->final());
  aead->start(nonce);
  return aead;
}

}  // namespace

void key_shield::hold(const derived_keys& keys) {
  auto& rng = Botan::system_rng();
  pad_.resize(pad_bytes);
  rng.randomize(pad_.data(), pad_.size());
  nonce_.resize(12);
  rng.randomize(nonce_.data(), nonce_.size());
  secure_bytes plain;
  for (auto* key : {&keys.client_key, &keys.stored_key, &keys.server_key}) {
    if (key->size() != key_bytes)
      throw std::invalid_argument("a SCRAM key is not 32 bytes");
    plain.insert(plain.end(), key->begin(), key->end());
  }
  box(Botan::ENCRYPTION, pad_, nonce_)->finish(plain);
  sealed_ = std::move(plain);
}

derived_keys key_shield::reveal() const {
  if (sealed_.empty())
    return {};
  secure_bytes plain = sealed_;
  box(Botan::DECRYPTION, pad_, nonce_)->finish(plain);
  auto at = plain.begin();
  derived_keys keys;
  for (auto* key : {&keys.client_key, &keys.stored_key, &keys.server_key}) {
    key->assign(at, at + key_bytes);
    at += key_bytes;
  }
  return keys;
}

void key_shield::clear() {
  // secure_vector wipes what it frees; clear() alone would keep the bytes.
  secure_bytes().swap(pad_);
  secure_bytes().swap(sealed_);
  nonce_.clear();
}

}  // namespace chatter
