#include "ratchet_session.hpp"

#include "core/byte_codec.hpp"
#include "core/envelope.hpp"

namespace chatter::crypto::session {

namespace {

constexpr uint8_t flag_init = 1;
constexpr uint32_t record_format = 1;
constexpr size_t init_bytes = 32 + 4 + 4;

// What the ratchet authenticates besides its own header: the session's
// associated data and the envelope header as it is without the ratchet
// header (which the ratchet computes).
bytes associated_data(const record& r, const envelope_header& without_ratchet_header) {
  auto head = encode_header(without_ratchet_header);
  bytes ad;
  ad.reserve(r.associated_data.size() + head.size() + ratchet::header_bytes);
  ad.insert(ad.end(), r.associated_data.begin(), r.associated_data.end());
  ad.insert(ad.end(), head.begin(), head.end());
  return ad;
}

}  // namespace

bytes encode_wire(const wire& w) {
  byte_writer out;
  out.reserve(1 + id_bytes + init_bytes + ratchet::header_bytes);
  out.u8(w.init ? flag_init : 0);
  out.raw(w.session_id);
  if (w.init) {
    out.raw(w.init->ephemeral);
    out.u32(w.init->signed_prekey_id);
    out.u32(w.init->one_time_prekey_id);
  }
  out.raw(ratchet::encode(w.head));
  return out.take();
}

std::optional<wire> decode_wire(const bytes& kem) {
  byte_reader r(kem);
  uint8_t flags = 0;
  if (!r.u8(flags) || flags > flag_init)
    return std::nullopt;
  size_t size = 1 + id_bytes + (flags == flag_init ? init_bytes : 0) + ratchet::header_bytes;
  if (kem.size() != size)
    return std::nullopt;
  wire w;
  bytes head;
  bool ok = r.raw(w.session_id, id_bytes);
  if (ok && flags == flag_init) {
    x3dh::initiation init;
    ok =
      r.raw(init.ephemeral, 32) && r.u32(init.signed_prekey_id) && r.u32(init.one_time_prekey_id);
    w.init = init;
  }
  ok = ok && r.raw(head, ratchet::header_bytes) && r.done();
  auto decoded = ok ? ratchet::decode(head) : std::nullopt;
  if (!decoded)
    return std::nullopt;
  w.head = *decoded;
  return w;
}

bytes serialize(const record& r) {
  byte_writer w;
  w.u32(record_format);
  w.blob(r.id);
  w.blob(r.associated_data);
  w.u8(r.pending ? 1 : 0);
  if (r.pending) {
    w.blob(r.pending->ephemeral);
    w.u32(r.pending->signed_prekey_id);
    w.u32(r.pending->one_time_prekey_id);
  }
  w.blob(ratchet::serialize(r.ratchet));
  return w.take();
}

std::optional<record> deserialize(const bytes& data) {
  byte_reader in(data);
  record r;
  uint32_t format = 0;
  uint8_t has_pending = 0;
  bool ok = in.u32(format) && format == record_format && in.blob(r.id, id_bytes)
    && r.id.size() == id_bytes && in.blob(r.associated_data, 4096) && in.u8(has_pending)
    && has_pending <= 1;
  if (ok && has_pending) {
    x3dh::initiation init;
    ok = in.blob(init.ephemeral, 32) && in.u32(init.signed_prekey_id)
      && in.u32(init.one_time_prekey_id);
    r.pending = init;
  }
  bytes state;
  ok = ok && in.blob(state, data.size()) && in.done();
  auto s = ok ? ratchet::deserialize(state) : std::nullopt;
  if (!s)
    return std::nullopt;
  r.ratchet = std::move(*s);
  return r;
}

record initiate(const private_identity& me, const public_identity& my_public,
                const x3dh::bundle& peer) {
  auto ephemeral = ratchet::generate_key_pair();
  x3dh::initiation init;
  auto agreed = x3dh::initiate(me, my_public, peer, ephemeral, init);
  record r;
  r.id.assign(ephemeral.public_key.begin(), ephemeral.public_key.begin() + id_bytes);
  r.associated_data = agreed.associated_data;
  r.ratchet =
    ratchet::init_initiator(agreed.shared_secret, peer.signed_prekey, ratchet::generate_key_pair());
  r.pending = init;
  return r;
}

record respond(const private_identity& me, const public_identity& my_public,
               const public_identity& initiator, const ratchet::key_pair& signed_prekey,
               const std::optional<ratchet::key_pair>& one_time_prekey, const bytes& session_id,
               const x3dh::initiation& init) {
  auto agreed = x3dh::respond(me, my_public, initiator, signed_prekey, one_time_prekey, init);
  record r;
  r.id = session_id;
  r.associated_data = agreed.associated_data;
  r.ratchet = ratchet::init_responder(agreed.shared_secret, signed_prekey);
  return r;
}

envelope seal(record& r, envelope_header header, const std::string& text) {
  header.suite = suite;
  header.signer_suite = suite;
  header.nonce.clear();  // derived from each message key
  wire w{r.id, r.pending, {}};
  header.kem = encode_wire(w);
  header.kem.resize(header.kem.size() - ratchet::header_bytes);  // the ratchet adds its own
  auto sealed =
    ratchet::encrypt(r.ratchet, bytes(text.begin(), text.end()), associated_data(r, header));
  auto head = ratchet::encode(sealed.head);
  header.kem.insert(header.kem.end(), head.begin(), head.end());
  envelope env;
  env.header = encode_header(header);
  env.ciphertext = std::move(sealed.ciphertext);
  // No per-message signature: X3DH authenticated both identities and the
  // AEAD authenticates every message. One zero byte, since the stores keep
  // no empty blobs.
  env.signature = bytes(1, 0);
  return env;
}

std::string open(record& r, const envelope& env) {
  auto header = decode_header(env.header);
  if (!header || header->suite != suite || header->signer_suite != suite)
    throw crypto_error("not a ratchet envelope");
  if (env.ciphertext.size() > max_ciphertext_bytes)
    throw crypto_error("oversized ciphertext");
  auto w = decode_wire(header->kem);
  if (!w || w->session_id != r.id)
    throw crypto_error("the envelope names another session");
  header->kem.resize(header->kem.size() - ratchet::header_bytes);
  auto result = ratchet::decrypt(r.ratchet, w->head, env.ciphertext, associated_data(r, *header));
  if (!result.plaintext)
    throw crypto_error(ratchet::describe(result.error));
  r.pending.reset();  // the peer has our initiation: it answered or will
  return std::string(result.plaintext->begin(), result.plaintext->end());
}

}  // namespace chatter::crypto::session
