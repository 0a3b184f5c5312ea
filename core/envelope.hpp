// The envelope header: who, to whom, which suites, when, and the key
// material the recipient needs. It travels in clear (the hub routes by it)
// but is authenticated twice: as the AEAD's associated data and under the
// sender's signature. The codec is strict and bounded, since every byte of it
// may come from a hostile peer.
#pragma once

#include <optional>
#include <string>

#include "protocol.hpp"

namespace chatter {

struct envelope_header {
  uint8_t version = 1;
  std::string suite;         // the recipient's suite: how the content key is wrapped
  std::string signer_suite;  // the sender's suite: how the signature is made
  std::string id;            // message id, chosen by the sender, unique per sender
  std::string from;
  std::string to;
  std::string room;  // empty for one-to-one
  int64_t timestamp_ms = 0;
  bytes kem;    // ephemeral public key or wrapped content key
  bytes nonce;  // AEAD nonce, 12 bytes
};

inline constexpr size_t max_header_bytes = 4096;
// A 64 KiB text in its inner payload (chat/payload.hpp adds at most 32
// bytes around it), and the AEAD tag.
inline constexpr size_t max_ciphertext_bytes = 64 * 1024 + 32 + 16;

bytes encode_header(const envelope_header& header);

// nullopt for anything malformed: unknown version, truncated or oversized
// fields, trailing bytes.
std::optional<envelope_header> decode_header(const bytes& data);

// The bytes the sender signs: a domain tag, the header and the ciphertext,
// each length-prefixed so no two envelopes sign the same bytes.
bytes signed_bytes(const envelope& env);

}  // namespace chatter
