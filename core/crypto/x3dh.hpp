// X3DH (Signal's specification, revision 1) over Chatter's identities: the
// identity DH key is the account's X25519 encryption key, bound to its
// Ed25519 signing key by the identity's binding signature; the signed prekey
// is signed with that Ed25519 key. The shared secret starts a Double Ratchet
// (crypto/ratchet.hpp); the associated data binds both identities to it.
#pragma once

#include <optional>

#include "ratchet.hpp"
#include "suites.hpp"

namespace chatter::crypto::x3dh {

// What the hub hands out for one fetch: the owner's identity, its current
// signed prekey and at most one one-time prekey (id 0: none was left).
struct bundle {
  public_identity identity;
  uint32_t signed_prekey_id = 0;
  bytes signed_prekey;
  bytes signed_prekey_signature;
  uint32_t one_time_prekey_id = 0;
  bytes one_time_prekey;
};

// The signature over a signed prekey, made with the identity's signing key.
bytes sign_prekey(const private_identity& owner, const std::string& user, uint32_t id,
                  const bytes& prekey_public);
// Checks a signed prekey against its owner's identity.
bool verify_signed_prekey(const public_identity& owner, uint32_t id, const bytes& prekey_public,
                          const bytes& signature);
// The bundle as the hub hands it out (protocol.hpp).
bundle bundle_of(const prekey_bundle& b);
// Checks the bundle's binding and prekey signatures, and that the identity
// has X25519 keys (the X25519 and ratchet suites).
bool verify_bundle(const bundle& b);

// The initiator's part, sent in the first messages until the responder
// answers.
struct initiation {
  bytes ephemeral;  // 32 bytes
  uint32_t signed_prekey_id = 0;
  uint32_t one_time_prekey_id = 0;
};

struct agreement {
  bytes shared_secret;    // SK, 32 bytes
  bytes associated_data;  // AD = the initiator's identity, then the responder's
};

// The initiator's side; `ephemeral` is random in use, fixed in the vectors.
// Throws crypto_error if the bundle does not verify or a DH fails.
agreement initiate(const private_identity& me, const public_identity& my_public, const bundle& peer,
                   const ratchet::key_pair& ephemeral, initiation& out);

// The responder's side, from its own prekeys named in `in`.
agreement respond(const private_identity& me, const public_identity& my_public,
                  const public_identity& initiator, const ratchet::key_pair& signed_prekey,
                  const std::optional<ratchet::key_pair>& one_time_prekey, const initiation& in);

}  // namespace chatter::crypto::x3dh
