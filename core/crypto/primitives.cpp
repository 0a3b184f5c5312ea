#include "primitives.hpp"

#include <botan/aead.h>
#include <botan/curve25519.h>
#include <botan/ed25519.h>
#include <botan/hash.h>
#include <botan/kdf.h>
#include <botan/mac.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>

namespace chatter::crypto {

bytes random_bytes(size_t n) {
  bytes out(n);
  Botan::system_rng().randomize(out.data(), out.size());
  return out;
}

bytes sha256(const bytes& data) {
  auto hash = Botan::HashFunction::create_or_throw("SHA-256");
  hash->update(data);
  auto out = hash->final();
  return bytes(out.begin(), out.end());
}

bytes hmac_sha256(const bytes& key, const bytes& message) {
  auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  mac->set_key(key);
  mac->update(message);
  auto out = mac->final();
  return bytes(out.begin(), out.end());
}

bytes hkdf_sha256(const bytes& ikm, const bytes& salt, const bytes& info, size_t size) {
  if (size > 255 * 32)
    throw crypto_error("HKDF-SHA256 output longer than 8160 bytes");
  auto kdf = Botan::get_kdf("HKDF(SHA-256)");
  auto out = kdf->derive_key(size, ikm.data(), ikm.size(), salt.data(), salt.size(), info.data(),
                             info.size());
  return bytes(out.begin(), out.end());
}

bytes aead_seal(const bytes& key, const bytes& nonce, const bytes& aad, const bytes& plaintext) {
  if (key.size() != 32 || nonce.size() != 12)
    throw crypto_error("ChaCha20-Poly1305 needs a 32-byte key and a 12-byte nonce");
  auto mode = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", Botan::ENCRYPTION);
  mode->set_key(key);
  mode->set_associated_data(aad.data(), aad.size());
  mode->start(nonce);
  Botan::secure_vector<uint8_t> buf(plaintext.begin(), plaintext.end());
  mode->finish(buf);
  return bytes(buf.begin(), buf.end());
}

std::optional<bytes> aead_open(const bytes& key, const bytes& nonce, const bytes& aad,
                               const bytes& sealed) {
  if (key.size() != 32 || nonce.size() != 12 || sealed.size() < 16)
    return std::nullopt;
  auto mode = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", Botan::DECRYPTION);
  mode->set_key(key);
  mode->set_associated_data(aad.data(), aad.size());
  mode->start(nonce);
  Botan::secure_vector<uint8_t> buf(sealed.begin(), sealed.end());
  try {
    mode->finish(buf);
  } catch (const Botan::Invalid_Authentication_Tag&) {
    return std::nullopt;
  }
  return bytes(buf.begin(), buf.end());
}

std::optional<bytes> x25519(const bytes& private_key, const bytes& peer_public) {
  if (private_key.size() != 32 || peer_public.size() != 32)
    return std::nullopt;
  Botan::Curve25519_PrivateKey key(
    Botan::secure_vector<uint8_t>(private_key.begin(), private_key.end()));
  Botan::PK_Key_Agreement ka(key, Botan::system_rng(), "Raw");
  bytes shared;
  try {
    auto k = ka.derive_key(0, peer_public).bits_of();
    shared.assign(k.begin(), k.end());
  } catch (const std::exception&) {
    return std::nullopt;
  }
  uint8_t any = 0;
  for (auto b : shared)
    any |= b;
  if (any == 0)
    return std::nullopt;
  return shared;
}

namespace {

// The group order L of edwards25519, little-endian: a signature whose S is
// not below L is malleable and refused (RFC 8032 §5.1.7).
constexpr uint8_t ed25519_order[32] = {
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

bool scalar_is_canonical(const uint8_t* s) {
  for (int i = 31; i >= 0; --i) {
    if (s[i] < ed25519_order[i])
      return true;
    if (s[i] > ed25519_order[i])
      return false;
  }
  return false;  // equal to L
}

size_t modulus_bytes(const Botan::Public_Key& key) {
  return (key.key_length() + 7) / 8;
}

}  // namespace

bool ed25519_verify(const bytes& public_key, const bytes& message, const bytes& signature) {
  if (public_key.size() != 32 || signature.size() != 64)
    return false;
  if (!scalar_is_canonical(signature.data() + 32))
    return false;
  try {
    Botan::Ed25519_PublicKey key(public_key.data(), public_key.size());
    Botan::PK_Verifier verifier(key, "Pure");
    return verifier.verify_message(message, signature);
  } catch (const std::exception&) {
    return false;
  }
}

bool rsa_pss_verify(const Botan::Public_Key& key, const bytes& message, const bytes& signature) {
  // Botan accepts leading zero bytes; a signature is exactly modulus-sized.
  if (signature.size() != modulus_bytes(key))
    return false;
  try {
    Botan::PK_Verifier verifier(key, "PSSR(SHA-256,MGF1,32)");
    return verifier.verify_message(message, signature);
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<bytes> rsa_oaep_decrypt(const Botan::Private_Key& key, const bytes& ciphertext) {
  if (ciphertext.size() != modulus_bytes(key))
    return std::nullopt;
  try {
    Botan::PK_Decryptor_EME dec(key, Botan::system_rng(), "OAEP(SHA-256)");
    auto out = dec.decrypt(ciphertext);
    return bytes(out.begin(), out.end());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace chatter::crypto
