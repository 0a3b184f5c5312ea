// Crypto per message: seal + open of one 200-byte message by each suite,
// beside the bare Botan primitives the default suite is made of (ephemeral
// X25519, X25519 agreement both ends, HKDF-SHA-256, ChaCha20-Poly1305 both
// ways, Ed25519 sign and verify), so the table shows what Chatter's envelope
// adds; the other suites are compared with the default.
#include <botan/auto_rng.h>
#include <botan/curve25519.h>
#include <botan/ed25519.h>
#include <botan/pubkey.h>

#include "crypto/primitives.hpp"
#include "crypto/suites.hpp"
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
    if (!crypto::ed25519_verify(signer_pub, signed_part,
                                bytes(signature.begin(), signature.end())))
      throw std::runtime_error("bare Ed25519 failed");
    auto eph_pub = ephemeral.public_value();
    auto shared2 = crypto::x25519(bytes(recipient_priv.begin(), recipient_priv.end()), eph_pub);
    auto key2 = crypto::hkdf_sha256(*shared2, salt, info, 32);
    if (!crypto::aead_open(key2, nonce, aad, sealed))
      throw std::runtime_error("bare AEAD failed");
  });
}

} // namespace

std::vector<row> crypto_rows(const settings& s) {
  row def{"seal+open per message, default suite, us", "bare Botan primitives it uses", {}, {}};
  row rsa{"seal+open per message, rsa-oaep-pss-3072 recipient, us", "default suite", {}, {}};
  row elg{"seal+open per message, elgamal-2048 recipient, us", "default suite", {}, {}};
  for (int run = 0; run < s.runs; ++run) {
    auto d = seal_open_us(crypto::suite_id::x25519_chacha20poly1305_ed25519, s.iterations(2000));
    record(def, d, bare_primitives_us(s.iterations(2000)));
    record(rsa, seal_open_us(crypto::suite_id::rsa_oaep_pss_3072, s.iterations(100)), d);
    record(elg, seal_open_us(crypto::suite_id::elgamal_2048, s.iterations(100)), d);
  }
  return {def, rsa, elg};
}

} // namespace chatter::bench
