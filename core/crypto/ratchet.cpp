#include "ratchet.hpp"

#include <algorithm>

#include <botan/aead.h>
#include <botan/curve25519.h>
#include <botan/mac.h>
#include <botan/system_rng.h>

#include "core/byte_codec.hpp"

namespace chatter::crypto::ratchet {

namespace {

// The per-message path runs a few HMACs and one AEAD call; creating the
// Botan objects each time would cost more than the work itself, so each
// thread keeps one of each.
Botan::MessageAuthenticationCode& hmac() {
  thread_local auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  return *mac;
}

Botan::AEAD_Mode& aead(Botan::Cipher_Dir dir) {
  thread_local auto enc = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", Botan::ENCRYPTION);
  thread_local auto dec = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", Botan::DECRYPTION);
  return dir == Botan::ENCRYPTION ? *enc : *dec;
}

bytes mac_of(const uint8_t* key, size_t key_len, const uint8_t* msg, size_t msg_len) {
  auto& mac = hmac();
  mac.set_key(key, key_len);
  mac.update(msg, msg_len);
  bytes out(32);
  mac.final(out.data());
  return out;
}

// HKDF-SHA-256 (RFC 5869), for outputs of at most 64 bytes.
bytes hkdf(const bytes& ikm, const bytes& salt, const char* info, size_t size) {
  static const bytes zero_salt(32, 0);
  const bytes& s = salt.empty() ? zero_salt : salt;
  auto prk = mac_of(s.data(), s.size(), ikm.data(), ikm.size());
  auto& mac = hmac();
  mac.set_key(prk);
  bytes out;
  bytes block;
  for (uint8_t counter = 1; out.size() < size; ++counter) {
    mac.update(block);
    mac.update(reinterpret_cast<const uint8_t*>(info), std::char_traits<char>::length(info));
    mac.update(counter);
    block.resize(32);
    mac.final(block.data());
    out.insert(out.end(), block.begin(), block.end());
  }
  out.resize(size);
  return out;
}

// X25519 straight through Botan's curve25519_donna: the key objects and the
// key-agreement operation around it cost more than the multiplication.
std::optional<bytes> dh_raw(const bytes& private_key, const bytes& public_key) {
  if (private_key.size() != 32 || public_key.size() != 32)
    return std::nullopt;
  bytes out(32);
  Botan::curve25519_donna(out.data(), private_key.data(), public_key.data());
  uint8_t any = 0;
  for (auto b : out)
    any |= b;
  if (any == 0)  // a low-order point: refused, as RFC 7748 allows
    return std::nullopt;
  return out;
}

bytes dh(const bytes& private_key, const bytes& public_key) {
  auto out = dh_raw(private_key, public_key);
  if (!out)
    throw crypto_error("a ratchet key is not a valid X25519 key");
  return *out;
}

// KDF_RK: the root key is HKDF's salt, the DH output its input.
std::pair<bytes, bytes> kdf_root(const bytes& root_key, const bytes& dh_out) {
  auto out = hkdf(dh_out, root_key, "chatter-ratchet-v1 root", 64);
  return {bytes(out.begin(), out.begin() + 32), bytes(out.begin() + 32, out.end())};
}

// KDF_CK: message key = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02).
bytes step_chain(bytes& chain_key) {
  auto& mac = hmac();
  mac.set_key(chain_key);
  bytes message_key(32);
  mac.update(0x01);
  mac.final(message_key.data());
  mac.update(0x02);
  mac.final(chain_key.data());
  return message_key;
}

// ENCRYPT(mk, ...): each message key encrypts exactly one message, so the
// AEAD takes it as its key with a constant nonce, one of the choices the
// specification gives (section 5.2); no further derivation per message.
const bytes& constant_nonce() {
  static const bytes zero(12, 0);
  return zero;
}

bytes full_ad(const bytes& associated_data, const header& head) {
  bytes ad;
  ad.reserve(associated_data.size() + header_bytes);
  ad.insert(ad.end(), associated_data.begin(), associated_data.end());
  auto h = encode(head);
  ad.insert(ad.end(), h.begin(), h.end());
  return ad;
}

bytes seal_with(const bytes& message_key, const bytes& ad, const bytes& plaintext) {
  auto& mode = aead(Botan::ENCRYPTION);
  mode.set_key(message_key);
  mode.set_associated_data(ad.data(), ad.size());
  mode.start(constant_nonce());
  Botan::secure_vector<uint8_t> buf(plaintext.begin(), plaintext.end());
  mode.finish(buf);
  return bytes(buf.begin(), buf.end());
}

std::optional<bytes> open_with(const bytes& message_key, const bytes& ad, const bytes& ciphertext) {
  if (ciphertext.size() < 16)
    return std::nullopt;
  auto& mode = aead(Botan::DECRYPTION);
  mode.set_key(message_key);
  mode.set_associated_data(ad.data(), ad.size());
  mode.start(constant_nonce());
  Botan::secure_vector<uint8_t> buf(ciphertext.begin(), ciphertext.end());
  try {
    mode.finish(buf);
  } catch (const Botan::Invalid_Authentication_Tag&) {
    return std::nullopt;
  }
  return bytes(buf.begin(), buf.end());
}

// The part of a state a decryption attempt may change, apart from the
// skipped keys: cheap to copy, so an attempt works on a copy.
struct chains {
  bytes root_key;
  key_pair dh_self;
  bytes dh_remote;
  bytes chain_send;
  bytes chain_recv;
  uint32_t n_send, n_recv, prev_send;
};
chains chains_of(const state& s) {
  return {s.root_key,   s.dh_self, s.dh_remote, s.chain_send,
          s.chain_recv, s.n_send,  s.n_recv,    s.prev_send};
}
void commit(state& s, chains&& c) {
  s.root_key = std::move(c.root_key);
  s.dh_self = std::move(c.dh_self);
  s.dh_remote = std::move(c.dh_remote);
  s.chain_send = std::move(c.chain_send);
  s.chain_recv = std::move(c.chain_recv);
  s.n_send = c.n_send;
  s.n_recv = c.n_recv;
  s.prev_send = c.prev_send;
}

using skipped_key = std::pair<std::pair<bytes, uint32_t>, bytes>;

// SkipMessageKeys, collecting into `out` rather than into the state.
void skip_until(chains& c, uint32_t until, std::vector<skipped_key>& out) {
  if (c.chain_recv.empty())
    return;
  while (c.n_recv < until) {
    auto mk = step_chain(c.chain_recv);
    out.push_back({{c.dh_remote, c.n_recv}, std::move(mk)});
    ++c.n_recv;
  }
}

bool jump_too_far(uint32_t from, uint32_t until) {
  return until > from && until - from > max_forward_jump;
}

void remember(state& s, std::vector<skipped_key>&& keys) {
  // Only the newest max_skipped_keys can ever be kept; skip deriving the map
  // entries for the rest.
  size_t first = keys.size() > max_skipped_keys ? keys.size() - max_skipped_keys : 0;
  for (size_t i = first; i < keys.size(); ++i) {
    auto& [id, mk] = keys[i];
    if (s.skipped.emplace(id, std::move(mk)).second)
      s.skipped_order.push_back(id);
  }
  while (s.skipped_order.size() > max_skipped_keys) {
    s.skipped.erase(s.skipped_order.front());
    s.skipped_order.pop_front();
  }
}

// A key in the stored state: one length byte (0 or 32), then the key.
void put_key(byte_writer& w, const bytes& b) {
  w.u8(static_cast<uint8_t>(b.size()));
  w.raw(b);
}

bool get_key(byte_reader& r, bytes& b, bool may_be_empty) {
  uint8_t n = 0;
  return r.u8(n) && (n == 32 || (n == 0 && may_be_empty)) && r.raw(b, n);
}

constexpr uint32_t state_format = 1;

}  // namespace

key_pair key_pair_of(const bytes& private_key) {
  if (private_key.size() != 32)
    throw crypto_error("an X25519 private key has 32 bytes");
  key_pair kp{private_key, bytes(32)};
  Botan::curve25519_basepoint(kp.public_key.data(), private_key.data());
  return kp;
}

key_pair generate_key_pair() {
  return key_pair_of(random_bytes(32));
}

state init_initiator(const bytes& shared_secret, const bytes& responder_prekey_public,
                     const key_pair& fresh) {
  state s;
  s.dh_self = fresh;
  s.dh_remote = responder_prekey_public;
  std::tie(s.root_key, s.chain_send) =
    kdf_root(shared_secret, dh(fresh.private_key, responder_prekey_public));
  return s;
}

state init_responder(const bytes& shared_secret, const key_pair& signed_prekey) {
  state s;
  s.dh_self = signed_prekey;
  s.root_key = shared_secret;
  return s;
}

sealed_message encrypt(state& s, const bytes& plaintext, const bytes& associated_data) {
  if (s.chain_send.empty())
    throw crypto_error("the session has no sending chain yet");
  auto mk = step_chain(s.chain_send);
  sealed_message out;
  out.head = {s.dh_self.public_key, s.prev_send, s.n_send};
  ++s.n_send;
  out.ciphertext = seal_with(mk, full_ad(associated_data, out.head), plaintext);
  return out;
}

open_result decrypt(state& s, const header& head, const bytes& ciphertext,
                    const bytes& associated_data, const key_pair& fresh) {
  auto ad = full_ad(associated_data, head);
  auto known = s.skipped.find({head.dh, head.n});
  if (known != s.skipped.end()) {
    auto plain = open_with(known->second, ad, ciphertext);
    if (!plain)
      return {std::nullopt, open_error::not_authentic};
    auto id = known->first;
    s.skipped.erase(known);  // the key is used once, then gone
    s.skipped_order.erase(std::find(s.skipped_order.begin(), s.skipped_order.end(), id));
    return {std::move(plain), open_error::not_authentic};
  }
  // Bounds first, before any key is derived, so a hostile header is cheap.
  bool new_chain = head.dh != s.dh_remote;
  if (new_chain) {
    if ((!s.chain_recv.empty() && jump_too_far(s.n_recv, head.pn)) || jump_too_far(0, head.n))
      return {std::nullopt, open_error::refused_jump};
  } else {
    if (s.chain_recv.empty())
      return {std::nullopt, open_error::no_sending_chain};
    if (head.n < s.n_recv)  // already used and not skipped: a replay
      return {std::nullopt, open_error::not_authentic};
    if (jump_too_far(s.n_recv, head.n))
      return {std::nullopt, open_error::refused_jump};
  }

  auto c = chains_of(s);
  std::vector<skipped_key> skipped;
  if (new_chain) {
    skip_until(c, head.pn, skipped);
    auto shared = dh_raw(c.dh_self.private_key, head.dh);
    if (!shared)
      return {std::nullopt, open_error::bad_ratchet_key};
    c.prev_send = c.n_send;
    c.n_send = 0;
    c.n_recv = 0;
    c.dh_remote = head.dh;
    std::tie(c.root_key, c.chain_recv) = kdf_root(c.root_key, *shared);
    c.dh_self = fresh;
    std::tie(c.root_key, c.chain_send) =
      kdf_root(c.root_key, dh(c.dh_self.private_key, c.dh_remote));
  }
  skip_until(c, head.n, skipped);
  auto mk = step_chain(c.chain_recv);
  ++c.n_recv;
  auto plain = open_with(mk, ad, ciphertext);
  if (!plain)
    return {std::nullopt, open_error::not_authentic};
  commit(s, std::move(c));
  remember(s, std::move(skipped));
  return {std::move(plain), open_error::not_authentic};
}

open_result decrypt(state& s, const header& head, const bytes& ciphertext,
                    const bytes& associated_data) {
  // A fresh key pair is only needed for a DH step; skip the scalar
  // multiplication when the message continues the current chain.
  if (head.dh == s.dh_remote)
    return decrypt(s, head, ciphertext, associated_data, s.dh_self);
  return decrypt(s, head, ciphertext, associated_data, generate_key_pair());
}

const char* describe(open_error e) {
  switch (e) {
  case open_error::refused_jump: return "the header skips too many messages";
  case open_error::bad_ratchet_key: return "the header's ratchet key is invalid";
  case open_error::not_authentic:
    return "the message does not authenticate (forged, tampered or replayed)";
  case open_error::no_sending_chain: return "the session cannot receive on this chain yet";
  }
  return "";
}

bytes encode(const header& head) {
  byte_writer w;
  w.reserve(header_bytes);
  if (head.dh.size() == 32) {
    w.raw(head.dh);
  } else {  // never from our own state; keeps the size fixed regardless
    bytes dh = head.dh;
    dh.resize(32);
    w.raw(dh);
  }
  w.u32(head.pn);
  w.u32(head.n);
  return w.take();
}

std::optional<header> decode(const bytes& data) {
  if (data.size() != header_bytes)
    return std::nullopt;
  byte_reader r(data);
  header h;
  if (!r.raw(h.dh, 32) || !r.u32(h.pn) || !r.u32(h.n))
    return std::nullopt;
  return h;
}

bytes serialize(const state& s) {
  byte_writer w;
  w.u32(state_format);
  for (const bytes* k : {&s.root_key, &s.dh_self.private_key, &s.dh_self.public_key, &s.dh_remote,
                         &s.chain_send, &s.chain_recv})
    put_key(w, *k);
  w.u32(s.n_send);
  w.u32(s.n_recv);
  w.u32(s.prev_send);
  w.u32(static_cast<uint32_t>(s.skipped_order.size()));
  for (const auto& id : s.skipped_order) {
    put_key(w, id.first);
    w.u32(id.second);
    put_key(w, s.skipped.at(id));
  }
  return w.take();
}

std::optional<state> deserialize(const bytes& data) {
  byte_reader r(data);
  state s;
  uint32_t format = 0, count = 0;
  bool ok = r.u32(format) && format == state_format && get_key(r, s.root_key, false)
    && get_key(r, s.dh_self.private_key, false) && get_key(r, s.dh_self.public_key, false)
    && get_key(r, s.dh_remote, true) && get_key(r, s.chain_send, true)
    && get_key(r, s.chain_recv, true) && r.u32(s.n_send) && r.u32(s.n_recv) && r.u32(s.prev_send)
    && r.u32(count) && count <= max_skipped_keys;
  for (uint32_t i = 0; ok && i < count; ++i) {
    std::pair<bytes, uint32_t> id;
    bytes mk;
    ok = get_key(r, id.first, false) && r.u32(id.second) && get_key(r, mk, false)
      && s.skipped.emplace(id, mk).second;
    if (ok)
      s.skipped_order.push_back(id);
  }
  if (!ok || !r.done())
    return std::nullopt;
  return s;
}

}  // namespace chatter::crypto::ratchet
