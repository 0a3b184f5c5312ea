// Crypto per message: seal + open of one 200-byte message by each suite.
// The ratchet suite (the default) beside the bare ChaCha20-Poly1305 call it
// ends in; the x25519 suite beside the bare Botan primitives it is made of (ephemeral
// X25519, X25519 agreement both ends, HKDF-SHA-256, ChaCha20-Poly1305 both
// ways, Ed25519 sign and verify), so the table shows what Chatter's envelope
// adds; the other suites are compared with the default.
#include <botan/auto_rng.h>
#include <botan/curve25519.h>
#include <botan/ed25519.h>
#include <botan/pubkey.h>

#include <botan/aead.h>

#include "core/crypto/primitives.hpp"
#include "core/crypto/ratchet_session.hpp"
#include "core/crypto/suites.hpp"
#include "harness.hpp"

namespace chatter::bench {

namespace {

const std::string text(200, 'x');

double seal_open_us(crypto::suite_id suite, int n) {
  auto alice = crypto::generate_identity(crypto::suite_id::x25519_chacha20poly1305_ed25519);
  auto bob = crypto::generate_identity(suite);
  auto alice_pub = crypto::public_of(alice, "alice");
  auto bob_pub = crypto::public_of(bob, "bob");
  return micros_per_op(n, [&] {
    envelope_header h;
    h.id = "0123456789abcdef0123456789abcdef";
    h.from = "alice";
    h.to = "bob";
    h.timestamp_ms = 1'700'000'000'000;
    auto env = crypto::seal(alice, bob_pub, h, text);
    if (crypto::open(bob, alice_pub, env).text.size() != text.size())
      throw std::runtime_error("the default suite lost the text");
  });
}

double bare_primitives_us(int n) {
  Botan::AutoSeeded_RNG rng;
  Botan::Ed25519_PrivateKey signer(rng);
  auto signer_pub = signer.get_public_key();
  Botan::Curve25519_PrivateKey recipient(rng);
  auto recipient_pub = recipient.public_value();
  auto recipient_priv = recipient.get_x();
  bytes aad(120, 0x42), nonce(12, 0), salt, info{'c', 'h', 'a', 't'};
  bytes plain(text.begin(), text.end());
  return micros_per_op(n, [&] {
    // Sender.
    Botan::Curve25519_PrivateKey ephemeral(rng);
    auto eph_x = ephemeral.get_x();
    auto shared = crypto::x25519(bytes(eph_x.begin(), eph_x.end()), recipient_pub);
    auto key = crypto::hkdf_sha256(*shared, salt, info, 32);
    auto sealed = crypto::aead_seal(key, nonce, aad, plain);
    Botan::PK_Signer sign(signer, rng, "Pure");
    sign.update(aad);
    sign.update(sealed);
    auto signature = sign.signature(rng);
    // Recipient.
    bytes signed_part = aad;
    signed_part.insert(signed_part.end(), sealed.begin(), sealed.end());
    if (!crypto::ed25519_verify(signer_pub, signed_part, bytes(signature.begin(), signature.end())))
      throw std::runtime_error("bare Ed25519 failed");
    auto eph_pub = ephemeral.public_value();
    auto shared2 = crypto::x25519(bytes(recipient_priv.begin(), recipient_priv.end()), eph_pub);
    auto key2 = crypto::hkdf_sha256(*shared2, salt, info, 32);
    if (!crypto::aead_open(key2, nonce, aad, sealed))
      throw std::runtime_error("bare AEAD failed");
  });
}

envelope_header ratchet_header(const std::string& from, const std::string& to) {
  envelope_header h;
  h.id = "0123456789abcdef0123456789abcdef";
  h.from = from;
  h.to = to;
  h.timestamp_ms = 1'700'000'000'000;
  return h;
}

// A session pair as X3DH leaves it, through the real set-up.
struct session_pair {
  crypto::session::record alice, bob;
};
session_pair set_up_sessions() {
  auto alice = crypto::generate_identity(crypto::suite_id::ratchet_x25519_chacha20poly1305);
  auto bob = crypto::generate_identity(crypto::suite_id::ratchet_x25519_chacha20poly1305);
  auto alice_pub = crypto::public_of(alice, "alice"), bob_pub = crypto::public_of(bob, "bob");
  auto spk = crypto::ratchet::generate_key_pair();
  crypto::x3dh::bundle b{
    bob_pub, 1, spk.public_key, crypto::x3dh::sign_prekey(bob, "bob", 1, spk.public_key), 0, {}};
  session_pair p;
  p.alice = crypto::session::initiate(alice, alice_pub, b);
  auto first = crypto::session::seal(p.alice, ratchet_header("alice", "bob"), text);
  auto w = crypto::session::decode_wire(decode_header(first.header)->kem);
  p.bob =
    crypto::session::respond(bob, bob_pub, alice_pub, spk, std::nullopt, w->session_id, *w->init);
  crypto::session::open(p.bob, first);
  return p;
}

// Seal + open of a 200-byte message in a session: `alternate` makes every
// message a reply (a DH ratchet step each), else one sender's chain.
double ratchet_us(int n, bool alternate) {
  auto p = set_up_sessions();
  bool from_alice = true;
  return micros_per_op(n, [&] {
    auto& sender = from_alice ? p.alice : p.bob;
    auto& recipient = from_alice ? p.bob : p.alice;
    auto env = crypto::session::seal(
      sender, from_alice ? ratchet_header("alice", "bob") : ratchet_header("bob", "alice"), text);
    if (crypto::session::open(recipient, env).size() != text.size())
      throw std::runtime_error("the ratchet lost the text");
    if (alternate)
      from_alice = !from_alice;
  });
}

// The bare ChaCha20-Poly1305 call both ways, Botan objects made once (as the
// ratchet keeps them), a fresh key each time.
double bare_aead_us(int n) {
  auto enc = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", Botan::ENCRYPTION);
  auto dec = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", Botan::DECRYPTION);
  bytes key(32, 7), nonce(12, 0), aad(160, 0x42);
  return micros_per_op(n, [&] {
    ++key[0];
    enc->set_key(key);
    enc->set_associated_data(aad.data(), aad.size());
    enc->start(nonce);
    Botan::secure_vector<uint8_t> buf(text.begin(), text.end());
    enc->finish(buf);
    dec->set_key(key);
    dec->set_associated_data(aad.data(), aad.size());
    dec->start(nonce);
    dec->finish(buf);
    if (buf.size() != text.size())
      throw std::runtime_error("bare AEAD failed");
  });
}

}  // namespace

std::vector<row> crypto_rows(const settings& s) {
  row chain{"seal+open per message, ratchet suite (default), one sender's chain, us",
            "bare ChaCha20-Poly1305 seal+open",
            {},
            {}};
  row turns{"seal+open per message, ratchet suite, every message a reply (DH step), us",
            "bare ChaCha20-Poly1305 seal+open",
            {},
            {}};
  row def{"seal+open per message, x25519-chacha20poly1305-ed25519 suite, us",
          "bare Botan primitives it uses",
          {},
          {}};
  row rsa{"seal+open per message, rsa-oaep-pss-3072 recipient, us", "x25519 suite", {}, {}};
  row elg{"seal+open per message, elgamal-2048 recipient, us", "x25519 suite", {}, {}};
  for (int run = 0; run < s.runs; ++run) {
    auto aead = bare_aead_us(s.iterations(20000));
    record(chain, ratchet_us(s.iterations(20000), false), aead);
    record(turns, ratchet_us(s.iterations(2000), true), aead);
    auto d = seal_open_us(crypto::suite_id::x25519_chacha20poly1305_ed25519, s.iterations(2000));
    record(def, d, bare_primitives_us(s.iterations(2000)));
    record(rsa, seal_open_us(crypto::suite_id::rsa_oaep_pss_3072, s.iterations(100)), d);
    record(elg, seal_open_us(crypto::suite_id::elgamal_2048, s.iterations(100)), d);
  }
  return {chain, turns, def, rsa, elg};
}

}  // namespace chatter::bench
