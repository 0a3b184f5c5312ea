#include "payload.hpp"

#include "byte_codec.hpp"

namespace chatter {

namespace {

constexpr uint8_t payload_version = 1;
constexpr size_t max_text_bytes = size_t{64} * 1024;
constexpr size_t max_id_bytes = 64;

bool kind_known(uint8_t kind) {
  return kind >= static_cast<uint8_t>(payload_kind::text)
    && kind <= static_cast<uint8_t>(payload_kind::request);
}

// Each kind carries only its own fields: a receipt with text, or a refusal
// of several ids, is malformed rather than half-read.
bool shape_ok(const inner_payload& p) {
  switch (p.kind) {
  case payload_kind::text: return p.state.empty() && p.ids.empty();
  case payload_kind::receipt:
    return p.text.empty() && p.sequence == 0 && !p.ids.empty()
      && (p.state == "delivered" || p.state == "read");
  case payload_kind::refusal:
    return p.text.empty() && p.sequence == 0 && p.ids.size() == 1 && !p.state.empty();
  case payload_kind::request:
    return p.text.size() <= max_request_message_bytes && p.sequence == 0 && p.state.empty()
      && p.ids.empty();
  }
  return false;
}

bool read_ids(byte_reader& r, std::vector<std::string>& ids) {
  uint32_t count = 0;
  if (!r.u32(count) || count > max_receipt_ids)
    return false;
  ids.resize(count);
  for (auto& id : ids)
    if (!r.str(id, max_id_bytes) || id.empty())
      return false;
  return true;
}

}  // namespace

std::string encode_payload(const inner_payload& p) {
  byte_writer w;
  w.reserve(payload_overhead + p.text.size() + p.state.size() + 68 * p.ids.size());
  w.u8(payload_magic);
  w.u8(payload_version);
  w.u8(static_cast<uint8_t>(p.kind));
  w.i64(static_cast<int64_t>(p.sequence));
  w.str(p.text);
  w.str(p.state);
  w.u32(static_cast<uint32_t>(p.ids.size()));
  for (auto& id : p.ids)
    w.str(id);
  auto out = w.take();
  return std::string(out.begin(), out.end());
}

std::optional<inner_payload> decode_payload(const std::string& plaintext) {
  if (plaintext.empty() || static_cast<uint8_t>(plaintext[0]) != payload_magic) {
    if (plaintext.size() > max_text_bytes)
      return std::nullopt;
    return inner_payload{payload_kind::text, 0, plaintext, {}, {}};
  }
  bytes data(plaintext.begin(), plaintext.end());
  byte_reader r(data);
  uint8_t magic = 0, version = 0, kind = 0;
  int64_t sequence = 0;
  inner_payload p;
  bool ok = r.u8(magic) && r.u8(version) && version == payload_version && r.u8(kind)
    && kind_known(kind) && r.i64(sequence) && sequence >= 0 && r.str(p.text, max_text_bytes)
    && r.str(p.state, max_reason_bytes) && read_ids(r, p.ids) && r.done();
  if (!ok)
    return std::nullopt;
  p.kind = static_cast<payload_kind>(kind);
  p.sequence = static_cast<uint64_t>(sequence);
  if (!shape_ok(p))
    return std::nullopt;
  return p;
}

std::string receipt_id(const std::string& random_hex) {
  return "r" + random_hex;
}

bool is_receipt_id(const std::string& id) {
  return !id.empty() && id[0] == 'r';
}

}  // namespace chatter
