// Thin wrappers over Botan for every primitive a suite uses, each with the
// exact parameters Chatter uses (12-byte nonces, SHA-256, salt 32, ...), so
// the Wycheproof vectors test what the suites really call.
#pragma once

#include <optional>
#include <stdexcept>

#include <botan/pk_keys.h>

#include "core/protocol.hpp"

namespace chatter::crypto {

struct crypto_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bytes random_bytes(size_t n);
bytes sha256(const bytes& data);
bytes hmac_sha256(const bytes& key, const bytes& message);
bytes hkdf_sha256(const bytes& ikm, const bytes& salt, const bytes& info, size_t size);

// ChaCha20-Poly1305 (RFC 8439): 32-byte key, 12-byte nonce, tag appended.
bytes aead_seal(const bytes& key, const bytes& nonce, const bytes& aad, const bytes& plaintext);
std::optional<bytes> aead_open(const bytes& key, const bytes& nonce, const bytes& aad,
                               const bytes& sealed);

// X25519; nullopt for malformed input or an all-zero (low-order) result.
std::optional<bytes> x25519(const bytes& private_key, const bytes& peer_public);

bool ed25519_verify(const bytes& public_key, const bytes& message, const bytes& signature);

// RSA-PSS with SHA-256, MGF1(SHA-256), 32-byte salt.
bool rsa_pss_verify(const Botan::Public_Key& key, const bytes& message, const bytes& signature);
// RSA-OAEP with SHA-256 and MGF1(SHA-256), empty label.
std::optional<bytes> rsa_oaep_decrypt(const Botan::Private_Key& key, const bytes& ciphertext);

}  // namespace chatter::crypto
