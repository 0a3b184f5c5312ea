// What travels inside the encryption of an envelope: a kind (a message, a
// receipt, a refusal), the sender's sequence number in the conversation,
// and the body. Inside, so that the hub can neither read, forge nor
// renumber it: a receipt is as authentic as a message, and a message the
// hub drops leaves a gap the receiver sees. The codec is strict and
// bounded like the header's, since the bytes come from a peer.
//
// Every suite seals these bytes as its plaintext, so all four carry it
// unchanged. A plaintext whose first byte is not `payload_magic` (never a
// byte of UTF-8) is a message from before this format: plain text without
// a sequence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol.hpp"

namespace chatter {

enum class payload_kind : uint8_t {
  text = 1,     // a message a person wrote
  receipt = 2,  // `state` (delivered, read) of the messages `ids`
  refusal = 3,  // the message `ids[0]` was refused here; `state` says why
  request = 4,  // a contact request (core/consent.hpp); `text` is its message, maybe empty
};

struct inner_payload {
  payload_kind kind = payload_kind::text;
  // Per sender and conversation (a peer, or "#room"), from 1; 0 when not
  // counted (receipts, refusals, and messages from before sequences).
  uint64_t sequence = 0;
  std::string text;
  std::string state;
  std::vector<std::string> ids;
};

inline constexpr uint8_t payload_magic = 0xFF;
inline constexpr size_t max_receipt_ids = 500;
inline constexpr size_t max_reason_bytes = 256;
inline constexpr size_t max_request_message_bytes = 1024;
// What the codec adds around a 64 KiB text: magic, version, kind,
// sequence, three lengths and the id count.
inline constexpr size_t payload_overhead = 1 + 1 + 1 + 8 + 4 + 4 + 4;

std::string encode_payload(const inner_payload& p);

// nullopt for anything malformed: unknown version or kind, oversized or
// truncated fields, trailing bytes, a receipt without ids. Legacy plain
// text comes back as kind text with sequence 0.
std::optional<inner_payload> decode_payload(const std::string& plaintext);

// Receipts and refusals have ids of this shape, so nothing ever answers
// one of them with another (a refusal that cannot be opened is dropped, not
// refused back).
std::string receipt_id(const std::string& random_hex);
bool is_receipt_id(const std::string& id);

}  // namespace chatter
