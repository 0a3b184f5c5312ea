#include "envelope.hpp"

#include "byte_codec.hpp"

namespace chatter {

bytes encode_header(const envelope_header& h) {
  byte_writer w;
  w.reserve(64 + h.suite.size() + h.signer_suite.size() + h.id.size() + h.from.size() + h.to.size()
            + h.room.size() + h.kem.size() + h.nonce.size());
  w.u8(h.version);
  w.str(h.suite);
  w.str(h.signer_suite);
  w.str(h.id);
  w.str(h.from);
  w.str(h.to);
  w.str(h.room);
  w.i64(h.timestamp_ms);
  w.blob(h.kem);
  w.blob(h.nonce);
  return w.take();
}

std::optional<envelope_header> decode_header(const bytes& data) {
  if (data.size() > max_header_bytes)
    return std::nullopt;
  byte_reader r(data);
  envelope_header h;
  bool ok = r.u8(h.version) && h.version == 1 && r.str(h.suite, 64) && r.str(h.signer_suite, 64)
    && r.str(h.id, 64) && r.str(h.from, 32) && r.str(h.to, 32) && r.str(h.room, 64)
    && r.i64(h.timestamp_ms) && r.blob(h.kem, 1024) && r.blob(h.nonce, 32) && r.done();
  if (!ok)
    return std::nullopt;
  return h;
}

bytes signed_bytes(const envelope& env) {
  byte_writer w;
  w.str("chatter-envelope-v1");
  w.blob(env.header);
  w.blob(env.ciphertext);
  return w.take();
}

}  // namespace chatter
