#include "x3dh.hpp"

#include "core/byte_codec.hpp"

namespace chatter::crypto::x3dh {

namespace {

bytes tagged(const char* tag, std::initializer_list<const bytes*> parts) {
  byte_writer w;
  w.raw(reinterpret_cast<const uint8_t*>(tag), std::char_traits<char>::length(tag));
  for (const auto* p : parts)
    w.blob(*p);
  return w.take();
}

bytes u32_bytes(uint32_t v) {
  byte_writer w;
  w.u32(v);
  return w.take();
}

bytes dh(const bytes& private_key, const bytes& public_key) {
  auto out = x25519(private_key, public_key);
  if (!out)
    throw crypto_error("an X3DH key is not a valid X25519 key");
  return *out;
}

// KDF(DH1 || DH2 || DH3 [|| DH4]) with 32 0xFF bytes in front, as the
// specification asks for X25519.
bytes derive(const std::vector<bytes>& dhs) {
  bytes ikm(32, 0xFF);
  for (const auto& d : dhs)
    ikm.insert(ikm.end(), d.begin(), d.end());
  std::string info = "chatter-x3dh-v1";
  return hkdf_sha256(ikm, bytes(32, 0), bytes(info.begin(), info.end()), 32);
}

bytes associated_data(const public_identity& initiator, const public_identity& responder) {
  bytes a(initiator.user.begin(), initiator.user.end());
  bytes b(responder.user.begin(), responder.user.end());
  return tagged("chatter-x3dh-v1 ad",
                {&a, &initiator.signing_key, &initiator.encryption_key, &b, &responder.signing_key,
                 &responder.encryption_key});
}

}  // namespace

bytes sign_prekey(const private_identity& owner, const std::string& user, uint32_t id,
                  const bytes& prekey_public) {
  bytes u(user.begin(), user.end());
  auto n = u32_bytes(id);
  return sign_with(owner, tagged("chatter-signed-prekey-v1", {&u, &n, &prekey_public}));
}

bool verify_signed_prekey(const public_identity& owner, uint32_t id, const bytes& prekey_public,
                          const bytes& signature) {
  if (prekey_public.size() != 32)
    return false;
  bytes u(owner.user.begin(), owner.user.end());
  auto n = u32_bytes(id);
  return verify_with(owner, tagged("chatter-signed-prekey-v1", {&u, &n, &prekey_public}),
                     signature);
}

bundle bundle_of(const prekey_bundle& b) {
  return {b.identity,    b.signed_key.id,      b.signed_key.public_key, b.signed_key.signature,
          b.one_time.id, b.one_time.public_key};
}

bool verify_bundle(const bundle& b) {
  auto suite = parse_suite(b.identity.suite);
  if (!suite || !has_x25519_keys(*suite) || !verify_binding(b.identity)
      || (b.one_time_prekey_id != 0 && b.one_time_prekey.size() != 32))
    return false;
  return verify_signed_prekey(b.identity, b.signed_prekey_id, b.signed_prekey,
                              b.signed_prekey_signature);
}

agreement initiate(const private_identity& me, const public_identity& my_public, const bundle& peer,
                   const ratchet::key_pair& ephemeral, initiation& out) {
  if (!verify_bundle(peer))
    throw crypto_error("the peer's prekey bundle does not verify");
  auto my_dh = dh_private_of(me);
  auto peer_dh = dh_public_of(peer.identity);
  std::vector<bytes> dhs{dh(my_dh, peer.signed_prekey), dh(ephemeral.private_key, peer_dh),
                         dh(ephemeral.private_key, peer.signed_prekey)};
  if (peer.one_time_prekey_id != 0)
    dhs.push_back(dh(ephemeral.private_key, peer.one_time_prekey));
  out = {ephemeral.public_key, peer.signed_prekey_id, peer.one_time_prekey_id};
  return {derive(dhs), associated_data(my_public, peer.identity)};
}

agreement respond(const private_identity& me, const public_identity& my_public,
                  const public_identity& initiator, const ratchet::key_pair& signed_prekey,
                  const std::optional<ratchet::key_pair>& one_time_prekey, const initiation& in) {
  if (in.ephemeral.size() != 32)
    throw crypto_error("the initiation's ephemeral key is malformed");
  if ((in.one_time_prekey_id != 0) != one_time_prekey.has_value())
    throw crypto_error("the initiation names a one-time prekey we do not have");
  auto my_dh = dh_private_of(me);
  auto peer_dh = dh_public_of(initiator);
  std::vector<bytes> dhs{dh(signed_prekey.private_key, peer_dh), dh(my_dh, in.ephemeral),
                         dh(signed_prekey.private_key, in.ephemeral)};
  if (one_time_prekey)
    dhs.push_back(dh(one_time_prekey->private_key, in.ephemeral));
  return {derive(dhs), associated_data(initiator, my_public)};
}

}  // namespace chatter::crypto::x3dh
