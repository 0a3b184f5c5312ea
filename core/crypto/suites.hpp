// Chatter's cipher suites: identity keys, sealing a message to a recipient
// and opening it, signatures, fingerprints, and the password-locked form of
// the private keys. Pure functions over Botan; the crypto actor calls them.
//
// A suite names a key-wrapping scheme and a signature scheme. A message is
// wrapped with the recipient's suite and signed with the sender's, so
// accounts on different suites talk to each other; both names are in the
// authenticated header.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <botan/pk_keys.h>

#include "core/envelope.hpp"
#include "primitives.hpp"

namespace chatter::crypto {

enum class suite_id {
  // X3DH once per pair of accounts, then the Double Ratchet (crypto/ratchet):
  // Ed25519 and X25519 identity keys, as the next suite.
  ratchet_x25519_chacha20poly1305,
  x25519_chacha20poly1305_ed25519,  // ephemeral X25519 + HKDF, Ed25519
  rsa_oaep_pss_3072,                // RSA-OAEP wraps the key, RSA-PSS signs
  elgamal_2048,                     // ElGamal (OAEP) wraps the key, DSA-2048 signs
};

inline constexpr const char* default_suite = "ratchet-x25519-chacha20poly1305";

// The ratchet suite's identity keys are the X25519 suite's; an envelope
// wrapped with the X25519 suite opens with either.
bool has_x25519_keys(suite_id id);

std::optional<suite_id> parse_suite(const std::string& name);
const char* suite_name(suite_id id);
std::vector<std::string> suite_names();

struct private_identity {
  suite_id suite = suite_id::ratchet_x25519_chacha20poly1305;
  std::shared_ptr<Botan::Private_Key> signing;
  std::shared_ptr<Botan::Private_Key> encryption;
};

private_identity generate_identity(suite_id suite);
public_identity public_of(const private_identity& id, const std::string& user);

// Checks the binding signature: the encryption key and suite are the
// signing key's own.
bool verify_binding(const public_identity& pub);

// Signatures with the identity's signing key, under a caller's domain tag.
bytes sign_with(const private_identity& id, const bytes& message);
bool verify_with(const public_identity& pub, const bytes& message, const bytes& signature);

// The raw X25519 keys of an identity with X25519 keys; throws crypto_error
// for other suites or a malformed key.
bytes dh_private_of(const private_identity& id);
bytes dh_public_of(const public_identity& pub);

// SHA-256 of the signing key as 12 groups of 5 digits, for people to compare.
std::string fingerprint(const public_identity& pub);

// The private keys as stored on disk (see locked_keys in protocol.hpp).
// Version 2: both keys' PKCS#8 in one ChaCha20Poly1305 box, its key
// Argon2id(password, salt) at the cost `kdf`, the suite bound as associated
// data. Version 1 (`sealed` empty): PKCS#8 PEM under PBES2 (PBKDF2-SHA-256,
// 100k iterations, AES-256/GCM); only opened, never written any more.
struct locked_identity {
  std::string suite;
  std::string signing_pem;     // version 1
  std::string encryption_pem;  // version 1
  kdf_params kdf;              // version 2 from here on
  bytes salt;
  bytes nonce;
  bytes sealed;

  bool is_version_1() const {
    return sealed.empty();
  }
};
// Seals with Argon2id at the cost `kdf` (the caller picks it: at least the
// login's, see scram::at_least_floor).
locked_identity lock_identity(const private_identity& id, std::string_view password,
                              const kdf_params& kdf);
// Either version. Throws crypto_error for a wrong password or a damaged file.
private_identity unlock_identity(const locked_identity& locked, std::string_view password);

// Fills suite, signer_suite, kem and nonce of `header`; the caller sets the
// rest (id, from, to, room, timestamp). A ratchet-suite recipient gets the
// X25519 suite here; its sessions are sealed by crypto/session instead.
envelope seal(const private_identity& sender, const public_identity& recipient,
              envelope_header header, const std::string& plaintext);

struct opened_message {
  envelope_header header;
  std::string text;
};
// Verifies the signature with `sender`'s key, then unwraps and decrypts.
// Throws crypto_error saying what failed.
opened_message open(const private_identity& me, const public_identity& sender, const envelope& env);

}  // namespace chatter::crypto
