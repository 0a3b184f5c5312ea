// Envelopes as a hostile peer can make them: the header codec and the whole
// open path (signature, suite, key unwrap, AEAD, UTF-8). Three shapes of
// input, chosen by the first byte:
//   0  raw bytes: u16 header length, header, u16 ciphertext length,
//      ciphertext, the rest is the signature;
//   1  a genuine envelope with the input XORed over it (tampering);
//   2  header and ciphertext from the input, then signed with the sender's
//      real key: a peer who holds a key and lies in everything else;
//   3  a genuine ratchet-suite envelope of an established session with the
//      input XORed over its header and ciphertext.
// Invariants: the codecs round-trip what they accept, open() succeeds only
// on the genuine header and ciphertext (anything else would be a forgery),
// and a ratchet session that refuses an envelope is left as it was.
#include <botan/auto_rng.h>
#include <botan/pubkey.h>

#include "core/crypto/primitives.hpp"
#include "core/crypto/ratchet_session.hpp"
#include "core/crypto/suites.hpp"
#include "core/envelope.hpp"
#include "fuzz_target.hpp"

using namespace chatter;
using fuzz::require;

namespace {

struct keys {
  crypto::private_identity me =
    crypto::generate_identity(crypto::suite_id::x25519_chacha20poly1305_ed25519);
  crypto::private_identity sender =
    crypto::generate_identity(crypto::suite_id::x25519_chacha20poly1305_ed25519);
  public_identity me_pub = crypto::public_of(me, "bob");
  public_identity sender_pub = crypto::public_of(sender, "alice");
  envelope genuine;
  bytes bob_session;  // serialised, after the session's first message
  envelope genuine_ratchet;

  keys() {
    envelope_header h;
    h.id = "m-1";
    h.from = "alice";
    h.to = "bob";
    h.timestamp_ms = 1'790'000'000'000;
    genuine = crypto::seal(sender, me_pub, h, "hello bob, this is a genuine message");
    set_up_ratchet(h);
  }

  void set_up_ratchet(envelope_header h) {
    auto alice = crypto::generate_identity(crypto::suite_id::ratchet_x25519_chacha20poly1305);
    auto bob = crypto::generate_identity(crypto::suite_id::ratchet_x25519_chacha20poly1305);
    auto alice_pub = crypto::public_of(alice, "alice"), bob_pub = crypto::public_of(bob, "bob");
    auto spk = crypto::ratchet::generate_key_pair();
    crypto::x3dh::bundle b{
      bob_pub, 1, spk.public_key, crypto::x3dh::sign_prekey(bob, "bob", 1, spk.public_key), 0, {}};
    auto sending = crypto::session::initiate(alice, alice_pub, b);
    auto first = crypto::session::seal(sending, h, "first");
    auto w = crypto::session::decode_wire(decode_header(first.header)->kem);
    auto receiving =
      crypto::session::respond(bob, bob_pub, alice_pub, spk, std::nullopt, w->session_id, *w->init);
    crypto::session::open(receiving, first);
    bob_session = crypto::session::serialize(receiving);
    h.id = "m-2";
    genuine_ratchet = crypto::session::seal(sending, h, "hello bob, this is a genuine message");
  }
};

keys& fixture() {
  static keys k;
  return k;
}

bool same_header(const envelope_header& a, const envelope_header& b) {
  return a.version == b.version && a.suite == b.suite && a.signer_suite == b.signer_suite
    && a.id == b.id && a.from == b.from && a.to == b.to && a.room == b.room
    && a.timestamp_ms == b.timestamp_ms && a.kem == b.kem && a.nonce == b.nonce;
}

// Reads a big-endian u16 length and that many bytes; short input gives less.
bytes take(const uint8_t*& p, const uint8_t* end) {
  size_t n = 0;
  if (end - p >= 2) {
    n = static_cast<size_t>(p[0]) << 8 | p[1];
    p += 2;
  } else {
    p = end;
  }
  n = std::min(n, static_cast<size_t>(end - p));
  bytes out(p, p + n);
  p += n;
  return out;
}

void append_chunk(std::vector<uint8_t>& out, const bytes& chunk) {
  out.push_back(static_cast<uint8_t>(chunk.size() >> 8));
  out.push_back(static_cast<uint8_t>(chunk.size() & 0xff));
  out.insert(out.end(), chunk.begin(), chunk.end());
}

bytes sign_as_sender(const envelope& env) {
  Botan::AutoSeeded_RNG rng;
  Botan::PK_Signer signer(*fixture().sender.signing, rng, "Pure");
  auto sig = signer.sign_message(signed_bytes(env), rng);
  return bytes(sig.begin(), sig.end());
}

void check_wire(const bytes& kem) {
  auto w = crypto::session::decode_wire(kem);
  if (w)
    require(crypto::session::encode_wire(*w) == kem, "the ratchet wire codec does not round-trip");
}

void check_codec(const bytes& header) {
  auto decoded = decode_header(header);
  if (!decoded)
    return;
  check_wire(decoded->kem);
  require(header.size() <= max_header_bytes, "an oversized header was accepted");
  auto again = decode_header(encode_header(*decoded));
  require(again.has_value(), "a decoded header does not decode after re-encoding");
  require(same_header(*decoded, *again), "the header codec does not round-trip");
}

int open_ratchet(const uint8_t* p, size_t n) {
  auto& k = fixture();
  envelope env = k.genuine_ratchet;
  for (size_t i = 0; i < n; ++i) {
    auto& part = i % 2 ? env.ciphertext : env.header;
    part[(i / 2) % part.size()] ^= p[i];
  }
  check_codec(env.header);
  auto session = crypto::session::deserialize(k.bob_session);
  require(session.has_value(), "the fixture's session does not load");
  try {
    auto text = crypto::session::open(*session, env);
    require(env.header == k.genuine_ratchet.header
              && env.ciphertext == k.genuine_ratchet.ciphertext,
            "a ratchet session opened an envelope the sender never sealed");
    require(text == "hello bob, this is a genuine message", "the ratchet returned other text");
  } catch (const crypto::crypto_error&) {
    require(crypto::session::serialize(*session) == k.bob_session,
            "a refused envelope changed the ratchet session");
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto& k = fixture();
  std::vector<uint8_t> raw{0}, tamper{1, 0, 0, 0, 1}, resigned{2}, ratchet{3, 0, 0, 1};
  for (auto* out : {&raw, &resigned}) {
    append_chunk(*out, k.genuine.header);
    append_chunk(*out, k.genuine.ciphertext);
  }
  raw.insert(raw.end(), k.genuine.signature.begin(), k.genuine.signature.end());
  fuzz::write_seeds_if_asked({raw, tamper, resigned, ratchet});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto& k = fixture();
  const uint8_t* p = data + 1;
  const uint8_t* end = data + size;
  envelope env;
  if (data[0] % 4 == 3)
    return open_ratchet(data + 1, size - 1);
  switch (data[0] % 4) {
  case 0:
    env.header = take(p, end);
    env.ciphertext = take(p, end);
    env.signature.assign(p, end);
    break;
  case 1: {
    env = k.genuine;
    bytes* parts[] = {&env.header, &env.ciphertext, &env.signature};
    size_t i = 0;
    for (; p < end; ++p, ++i) {
      auto& part = *parts[i % 3];
      if (!part.empty())
        part[(i / 3) % part.size()] ^= *p;
    }
    break;
  }
  default:
    env.header = take(p, end);
    env.ciphertext = take(p, end);
    env.signature = sign_as_sender(env);
    break;
  }
  check_codec(env.header);
  try {
    auto opened = crypto::open(k.me, k.sender_pub, env);
    require(env.header == k.genuine.header && env.ciphertext == k.genuine.ciphertext,
            "open() accepted a header or ciphertext the sender never sealed");
    require(opened.text == "hello bob, this is a genuine message", "open() returned other text");
  } catch (const crypto::crypto_error&) {
    // refused, as it should be: the daemon counts and drops these
  }
  return 0;
}
