// A ratchet session with one peer, at the envelope level: set up by X3DH,
// then every message sealed by the Double Ratchet under the suite
// `ratchet-x25519-chacha20poly1305`. The account actor keeps the records in
// its database (sealed at rest) and commits a record in the same
// transaction as the message it sealed or opened.
//
// The envelope's `kem` field carries, in order: a flags byte, the 8-byte
// session id, the X3DH initiation (flag 1: until the peer first answers),
// then the 40-byte ratchet header. Everything but the ratchet header is
// authenticated through the envelope header; the ratchet adds its own.
#pragma once

#include <optional>

#include "x3dh.hpp"

namespace chatter::crypto::session {

inline constexpr const char* suite = "ratchet-x25519-chacha20poly1305";
inline constexpr size_t id_bytes = 8;

struct record {
  bytes id;  // names the session in every message, so both of a pair of
             // simultaneous set-ups keep working
  ratchet::state ratchet;
  bytes associated_data;
  std::optional<x3dh::initiation> pending;  // ours, sent until the peer answers
};

bytes serialize(const record& r);
std::optional<record> deserialize(const bytes& data);

struct wire {
  bytes session_id;
  std::optional<x3dh::initiation> init;
  ratchet::header head;
};
bytes encode_wire(const wire& w);
std::optional<wire> decode_wire(const bytes& kem);

// The initiator's side, from the peer's bundle (verified here; throws
// crypto_error if it does not verify).
record initiate(const private_identity& me, const public_identity& my_public,
                const x3dh::bundle& peer);

// The responder's side, from the initiation in the peer's first envelope.
record respond(const private_identity& me, const public_identity& my_public,
               const public_identity& initiator, const ratchet::key_pair& signed_prekey,
               const std::optional<ratchet::key_pair>& one_time_prekey, const bytes& session_id,
               const x3dh::initiation& init);

// Fills suite, signer_suite, kem and signature of `header`'s envelope and
// advances `r`; the caller sets id, from, to, room and timestamp.
envelope seal(record& r, envelope_header header, const std::string& text);

// Opens an envelope of this session; `r` moves forward only on success.
// Throws crypto_error saying what failed.
std::string open(record& r, const envelope& env);

}  // namespace chatter::crypto::session
