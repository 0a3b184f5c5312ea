#include "crypto/session.hpp"

#include "chat/envelope.hpp"

namespace chatter::crypto::session {

namespace {

constexpr uint8_t flag_init = 1;
constexpr uint32_t record_format = 1;
constexpr size_t init_bytes = 32 + 4 + 4;

void put_u32(bytes& out, uint32_t v) {
  for (int i = 3; i >= 0; --i)
    out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint32_t get_u32(const bytes& in, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i)
    v = (v << 8) | in[at + i];
  return v;
}

void put_blob(bytes& out, const bytes& b) {
  put_u32(out, static_cast<uint32_t>(b.size()));
  out.insert(out.end(), b.begin(), b.end());
}

bool get_blob(const bytes& in, size_t& at, bytes& b, size_t max) {
  if (at + 4 > in.size())
    return false;
  auto n = get_u32(in, at);
  at += 4;
  if (n > max || at + n > in.size())
    return false;
  b.assign(in.begin() + static_cast<std::ptrdiff_t>(at),
           in.begin() + static_cast<std::ptrdiff_t>(at + n));
  at += n;
  return true;
}

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

} // namespace

bytes encode_wire(const wire& w) {
  bytes out;
  out.push_back(w.init ? flag_init : 0);
  out.insert(out.end(), w.session_id.begin(), w.session_id.end());
  if (w.init) {
    out.insert(out.end(), w.init->ephemeral.begin(), w.init->ephemeral.end());
    put_u32(out, w.init->signed_prekey_id);
    put_u32(out, w.init->one_time_prekey_id);
  }
  auto h = ratchet::encode(w.head);
  out.insert(out.end(), h.begin(), h.end());
  return out;
}

std::optional<wire> decode_wire(const bytes& kem) {
  if (kem.empty() || kem[0] > flag_init)
    return std::nullopt;
  bool has_init = kem[0] == flag_init;
  size_t size = 1 + id_bytes + (has_init ? init_bytes : 0) + ratchet::header_bytes;
  if (kem.size() != size)
    return std::nullopt;
  wire w;
  size_t at = 1;
  w.session_id.assign(kem.begin() + 1, kem.begin() + 1 + id_bytes);
  at += id_bytes;
  if (has_init) {
    x3dh::initiation init;
    init.ephemeral.assign(kem.begin() + static_cast<std::ptrdiff_t>(at),
                          kem.begin() + static_cast<std::ptrdiff_t>(at + 32));
    init.signed_prekey_id = get_u32(kem, at + 32);
    init.one_time_prekey_id = get_u32(kem, at + 36);
    at += init_bytes;
    w.init = init;
  }
  auto head = ratchet::decode(bytes(kem.begin() + static_cast<std::ptrdiff_t>(at), kem.end()));
  if (!head)
    return std::nullopt;
  w.head = *head;
  return w;
}

bytes serialize(const record& r) {
  bytes out;
  put_u32(out, record_format);
  put_blob(out, r.id);
  put_blob(out, r.associated_data);
  out.push_back(r.pending ? 1 : 0);
  if (r.pending) {
    put_blob(out, r.pending->ephemeral);
    put_u32(out, r.pending->signed_prekey_id);
    put_u32(out, r.pending->one_time_prekey_id);
  }
  put_blob(out, ratchet::serialize(r.ratchet));
  return out;
}

std::optional<record> deserialize(const bytes& data) {
  record r;
  size_t at = 0;
  if (data.size() < 4 || get_u32(data, 0) != record_format)
    return std::nullopt;
  at = 4;
  if (!get_blob(data, at, r.id, id_bytes) || r.id.size() != id_bytes
      || !get_blob(data, at, r.associated_data, 4096) || at >= data.size())
    return std::nullopt;
  if (data[at++] == 1) {
    x3dh::initiation init;
    if (!get_blob(data, at, init.ephemeral, 32) || at + 8 > data.size())
      return std::nullopt;
    init.signed_prekey_id = get_u32(data, at);
    init.one_time_prekey_id = get_u32(data, at + 4);
    at += 8;
    r.pending = init;
  }
  bytes state;
  if (!get_blob(data, at, state, data.size()) || at != data.size())
    return std::nullopt;
  auto s = ratchet::deserialize(state);
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
  r.ratchet = ratchet::init_initiator(agreed.shared_secret, peer.signed_prekey,
                                      ratchet::generate_key_pair());
  r.pending = init;
  return r;
}

record respond(const private_identity& me, const public_identity& my_public,
               const public_identity& initiator, const ratchet::key_pair& signed_prekey,
               const std::optional<ratchet::key_pair>& one_time_prekey,
               const bytes& session_id, const x3dh::initiation& init) {
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
  auto sealed = ratchet::encrypt(r.ratchet, bytes(text.begin(), text.end()),
                                 associated_data(r, header));
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

} // namespace chatter::crypto::session
