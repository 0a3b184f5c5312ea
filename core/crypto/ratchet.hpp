// The Double Ratchet (Signal's specification, revision 1, section 3), with
// X25519 for the DH ratchet, HKDF-SHA-256 for the root chain, HMAC-SHA-256
// for the symmetric chains and ChaCha20-Poly1305 for the messages. Pure
// functions over a session value; the account actor stores the value
// (sealed, see session_store) and calls these.
//
// The receiving side never changes `state` unless the message opens, so a
// forged or replayed message costs nothing but the attempt.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>

#include "primitives.hpp"

namespace chatter::crypto::ratchet {

// libsignal's bounds: a header may ask to skip at most this many keys in one
// chain, and at most this many skipped keys are kept (the oldest go first).
inline constexpr uint32_t max_forward_jump = 25000;
inline constexpr size_t max_skipped_keys = 2000;

struct key_pair {
  bytes private_key;  // 32 bytes, X25519
  bytes public_key;   // 32 bytes
};
key_pair generate_key_pair();
// The key pair of a known private key (for recorded test vectors).
key_pair key_pair_of(const bytes& private_key);

struct header {
  bytes dh;         // the sender's current ratchet public key
  uint32_t pn = 0;  // length of the sender's previous sending chain
  uint32_t n = 0;   // this message's number in the current sending chain
};

struct state {
  bytes root_key;
  key_pair dh_self;
  bytes dh_remote;  // empty until the first message is received (responder)
  bytes chain_send;
  bytes chain_recv;
  uint32_t n_send = 0;
  uint32_t n_recv = 0;
  uint32_t prev_send = 0;
  // Skipped message keys by (ratchet key, number); `skipped_order` keeps
  // insertion order so the oldest is evicted first.
  std::map<std::pair<bytes, uint32_t>, bytes> skipped;
  std::deque<std::pair<bytes, uint32_t>> skipped_order;
};

// RatchetInitAlice: the initiator knows the responder's signed prekey.
// `fresh` is the initiator's first ratchet key pair (random in use; fixed in
// the recorded vectors).
state init_initiator(const bytes& shared_secret, const bytes& responder_prekey_public,
                     const key_pair& fresh);
// RatchetInitBob: the responder's first ratchet key is its signed prekey.
state init_responder(const bytes& shared_secret, const key_pair& signed_prekey);

struct sealed_message {
  header head;
  bytes ciphertext;  // ChaCha20-Poly1305 output, tag appended
};

// Encrypts under the next sending key and advances the sending chain.
// `associated_data` is the caller's context (identities, envelope fields);
// the header is authenticated in addition. Throws crypto_error if there is
// no sending chain yet (a responder before its first receipt).
sealed_message encrypt(state& s, const bytes& plaintext, const bytes& associated_data);

enum class open_error {
  refused_jump,      // the header asks to skip more than max_forward_jump keys
  bad_ratchet_key,   // the header's ratchet key is not a valid X25519 key
  not_authentic,     // the AEAD tag does not verify (forged, tampered, or replayed)
  no_sending_chain,  // nothing to decrypt with yet
};
const char* describe(open_error e);

struct open_result {
  std::optional<bytes> plaintext;
  open_error error = open_error::not_authentic;
};

// Decrypts; on success `s` moves forward (new DH step, skipped keys stored,
// the used key deleted). On failure `s` is unchanged. `fresh` is the key
// pair a DH ratchet step would take for the next sending chain.
open_result decrypt(state& s, const header& head, const bytes& ciphertext,
                    const bytes& associated_data, const key_pair& fresh);
// The same with a random fresh key pair.
open_result decrypt(state& s, const header& head, const bytes& ciphertext,
                    const bytes& associated_data);

// The header on the wire: 32-byte key, then pn and n, big-endian.
inline constexpr size_t header_bytes = 40;
bytes encode(const header& head);
std::optional<header> decode(const bytes& data);

// The session as bytes, for the account's store (which seals it). Strict:
// nullopt on anything malformed or out of bounds.
bytes serialize(const state& s);
std::optional<state> deserialize(const bytes& data);

}  // namespace chatter::crypto::ratchet
