#include "suites.hpp"

#include <cstdio>

#include <botan/aead.h>
#include <botan/curve25519.h>
#include <botan/data_src.h>
#include <botan/dl_group.h>
#include <botan/dsa.h>
#include <botan/ed25519.h>
#include <botan/elgamal.h>
#include <botan/mem_ops.h>
#include <botan/pkcs8.h>
#include <botan/pubkey.h>
#include <botan/pwdhash.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>
#include <botan/x509_key.h>

namespace chatter::crypto {

namespace {

const char* signature_padding(suite_id id) {
  switch (id) {
  case suite_id::ratchet_x25519_chacha20poly1305:
  case suite_id::x25519_chacha20poly1305_ed25519: return "Pure";
  case suite_id::rsa_oaep_pss_3072: return "PSSR(SHA-256,MGF1,32)";
  case suite_id::elgamal_2048: return "EMSA1(SHA-256)";
  }
  return "";
}

bytes sign(const private_identity& id, const bytes& message) {
  Botan::PK_Signer signer(*id.signing, Botan::system_rng(), signature_padding(id.suite));
  return signer.sign_message(message, Botan::system_rng());
}

std::unique_ptr<Botan::Public_Key> load_public(const bytes& der) {
  try {
    return std::unique_ptr<Botan::Public_Key>(Botan::X509::load_key(der));
  } catch (const std::exception&) {
    throw crypto_error("a public key is malformed");
  }
}

bool verify(suite_id suite, const bytes& signing_key_der, const bytes& message,
            const bytes& signature) {
  if (has_x25519_keys(suite)) {
    auto key = load_public(signing_key_der);
    auto* ed = dynamic_cast<Botan::Ed25519_PublicKey*>(key.get());
    return ed && ed25519_verify(ed->get_public_key(), message, signature);
  }
  auto key = load_public(signing_key_der);
  if (suite == suite_id::rsa_oaep_pss_3072)
    return key->algo_name() == "RSA" && rsa_pss_verify(*key, message, signature);
  if (key->algo_name() != "DSA")
    return false;
  try {
    Botan::PK_Verifier verifier(*key, signature_padding(suite));
    return verifier.verify_message(message, signature);
  } catch (const std::exception&) {
    return false;
  }
}

bytes binding_bytes(const std::string& user, const std::string& suite,
                    const bytes& encryption_key) {
  std::string tag = "chatter-identity-v1\n" + user + "\n" + suite + "\n";
  bytes out(tag.begin(), tag.end());
  out.insert(out.end(), encryption_key.begin(), encryption_key.end());
  return out;
}

bytes x25519_info(const bytes& eph, const bytes& recipient) {
  std::string tag = "chatter-v1 x25519-chacha20poly1305-ed25519";
  bytes info(tag.begin(), tag.end());
  info.insert(info.end(), eph.begin(), eph.end());
  info.insert(info.end(), recipient.begin(), recipient.end());
  return info;
}

}  // namespace

bool has_x25519_keys(suite_id id) {
  return id == suite_id::ratchet_x25519_chacha20poly1305
    || id == suite_id::x25519_chacha20poly1305_ed25519;
}

std::optional<suite_id> parse_suite(const std::string& name) {
  for (auto id :
       {suite_id::ratchet_x25519_chacha20poly1305, suite_id::x25519_chacha20poly1305_ed25519,
        suite_id::rsa_oaep_pss_3072, suite_id::elgamal_2048})
    if (name == suite_name(id))
      return id;
  return std::nullopt;
}

const char* suite_name(suite_id id) {
  switch (id) {
  case suite_id::ratchet_x25519_chacha20poly1305: return "ratchet-x25519-chacha20poly1305";
  case suite_id::x25519_chacha20poly1305_ed25519: return "x25519-chacha20poly1305-ed25519";
  case suite_id::rsa_oaep_pss_3072: return "rsa-oaep-pss-3072";
  case suite_id::elgamal_2048: return "elgamal-2048";
  }
  return "";
}

std::vector<std::string> suite_names() {
  return {suite_name(suite_id::ratchet_x25519_chacha20poly1305),
          suite_name(suite_id::x25519_chacha20poly1305_ed25519),
          suite_name(suite_id::rsa_oaep_pss_3072), suite_name(suite_id::elgamal_2048)};
}

private_identity generate_identity(suite_id suite) {
  auto& rng = Botan::system_rng();
  private_identity id;
  id.suite = suite;
  switch (suite) {
  case suite_id::ratchet_x25519_chacha20poly1305:
  case suite_id::x25519_chacha20poly1305_ed25519:
    id.signing = std::make_shared<Botan::Ed25519_PrivateKey>(rng);
    id.encryption = std::make_shared<Botan::Curve25519_PrivateKey>(rng);
    break;
  case suite_id::rsa_oaep_pss_3072:
    id.signing = std::make_shared<Botan::RSA_PrivateKey>(rng, 3072);
    id.encryption = id.signing;
    break;
  case suite_id::elgamal_2048:
    id.signing = std::make_shared<Botan::DSA_PrivateKey>(rng, Botan::DL_Group("dsa/botan/2048"));
    id.encryption =
      std::make_shared<Botan::ElGamal_PrivateKey>(rng, Botan::DL_Group("modp/ietf/2048"));
    break;
  }
  return id;
}

public_identity public_of(const private_identity& id, const std::string& user) {
  public_identity pub;
  pub.user = user;
  pub.suite = suite_name(id.suite);
  pub.signing_key = Botan::X509::BER_encode(*id.signing);
  pub.encryption_key = Botan::X509::BER_encode(*id.encryption);
  pub.binding_signature = sign(id, binding_bytes(user, pub.suite, pub.encryption_key));
  return pub;
}

bool verify_binding(const public_identity& pub) {
  auto suite = parse_suite(pub.suite);
  if (!suite)
    return false;
  try {
    return verify(*suite, pub.signing_key, binding_bytes(pub.user, pub.suite, pub.encryption_key),
                  pub.binding_signature);
  } catch (const crypto_error&) {
    return false;
  }
}

bytes sign_with(const private_identity& id, const bytes& message) {
  return sign(id, message);
}

bool verify_with(const public_identity& pub, const bytes& message, const bytes& signature) {
  auto suite = parse_suite(pub.suite);
  try {
    return suite && verify(*suite, pub.signing_key, message, signature);
  } catch (const crypto_error&) {
    return false;
  }
}

bytes dh_private_of(const private_identity& id) {
  auto* x = dynamic_cast<const Botan::Curve25519_PrivateKey*>(id.encryption.get());
  if (!has_x25519_keys(id.suite) || !x)
    throw crypto_error("the identity has no X25519 key");
  auto priv = x->get_x();
  return bytes(priv.begin(), priv.end());
}

bytes dh_public_of(const public_identity& pub) {
  auto suite = parse_suite(pub.suite);
  auto key = load_public(pub.encryption_key);
  auto* x = dynamic_cast<const Botan::Curve25519_PublicKey*>(key.get());
  if (!suite || !has_x25519_keys(*suite) || !x)
    throw crypto_error("the identity has no X25519 key");
  return x->public_value();
}

std::string fingerprint(const public_identity& pub) {
  auto digest = sha256(pub.signing_key);
  std::string out;
  for (size_t chunk = 0; chunk < 6; ++chunk) {
    uint64_t v = 0;
    for (size_t i = 0; i < 5; ++i)
      v = (v << 8) | digest[chunk * 5 + i];
    v %= 10000000000ULL;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%05llu %05llu", static_cast<unsigned long long>(v / 100000),
                  static_cast<unsigned long long>(v % 100000));
    if (!out.empty())
      out += ' ';
    out += buf;
  }
  return out;
}

namespace {

using secure_bytes = Botan::secure_vector<uint8_t>;

constexpr const char* identity_aead = "ChaCha20Poly1305";

secure_bytes identity_key(std::string_view password, const bytes& salt, const kdf_params& kdf) {
  auto family = Botan::PasswordHashFamily::create_or_throw("Argon2id");
  auto hash = family->from_params(kdf.memory_kib, kdf.iterations, kdf.parallelism);
  secure_bytes key(32);
  hash->derive_key(key.data(), key.size(), password.data(), password.size(), salt.data(),
                   salt.size());
  return key;
}

// The suite is bound to the box, so a file whose suite was edited won't open.
std::unique_ptr<Botan::AEAD_Mode> identity_box(Botan::Cipher_Dir dir, const secure_bytes& key,
                                               const std::string& suite, const bytes& nonce) {
  auto box = Botan::AEAD_Mode::create_or_throw(identity_aead, dir);
  box->set_key(key);
  std::string ad = "chatter identity.json v2 " + suite;
  box->set_associated_data(reinterpret_cast<const uint8_t*>(ad.data()), ad.size());
  box->start(nonce);
  return box;
}

// A length (4 bytes, big-endian) and the key's PKCS#8 DER; an empty one for
// an encryption key that is the signing key.
void append_key(secure_bytes& out, const Botan::Private_Key* key) {
  secure_bytes der = key ? Botan::PKCS8::BER_encode(*key) : secure_bytes{};
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>(der.size() >> shift));
  out.insert(out.end(), der.begin(), der.end());
}

std::shared_ptr<Botan::Private_Key> take_key(const secure_bytes& in, size_t& at) {
  if (in.size() - at < 4)
    throw crypto_error("the key file is damaged (a truncated key)");
  size_t size = 0;
  for (int i = 0; i < 4; ++i)
    size = (size << 8) | in[at++];
  if (in.size() - at < size)
    throw crypto_error("the key file is damaged (a truncated key)");
  if (size == 0)
    return nullptr;
  Botan::DataSource_Memory src(in.data() + at, size);
  at += size;
  return std::shared_ptr<Botan::Private_Key>(Botan::PKCS8::load_key(src));
}

private_identity unlock_version_1(const locked_identity& locked, std::string_view password) {
  // Botan's PBES2 wants a std::string: this one copy is scrubbed below.
  std::string pass(password);
  auto load = [&](const std::string& pem) {
    try {
      Botan::DataSource_Memory src(pem);
      return std::shared_ptr<Botan::Private_Key>(Botan::PKCS8::load_key(src, pass));
    } catch (const std::exception&) {
      Botan::secure_scrub_memory(pass.data(), pass.size());
      throw crypto_error("cannot unlock the private keys (wrong password or damaged file)");
    }
  };
  private_identity id;
  id.signing = load(locked.signing_pem);
  id.encryption =
    locked.encryption_pem == locked.signing_pem ? id.signing : load(locked.encryption_pem);
  Botan::secure_scrub_memory(pass.data(), pass.size());
  return id;
}

private_identity unlock_version_2(const locked_identity& locked, std::string_view password) {
  secure_bytes plain(locked.sealed.begin(), locked.sealed.end());
  try {
    identity_box(Botan::DECRYPTION, identity_key(password, locked.salt, locked.kdf), locked.suite,
                 locked.nonce)
      ->finish(plain);
  } catch (const std::exception&) {
    throw crypto_error("cannot unlock the private keys (wrong password or damaged file)");
  }
  private_identity id;
  try {
    size_t at = 0;
    id.signing = take_key(plain, at);
    id.encryption = take_key(plain, at);
  } catch (const std::exception&) {
    throw crypto_error("the key file is damaged (its keys do not parse)");
  }
  if (!id.signing)
    throw crypto_error("the key file is damaged (no signing key)");
  if (!id.encryption)
    id.encryption = id.signing;
  return id;
}

}  // namespace

locked_identity lock_identity(const private_identity& id, std::string_view password,
                              const kdf_params& kdf) {
  auto& rng = Botan::system_rng();
  locked_identity out;
  out.suite = suite_name(id.suite);
  out.kdf = kdf;
  out.salt.resize(16);
  rng.randomize(out.salt.data(), out.salt.size());
  out.nonce.resize(12);
  rng.randomize(out.nonce.data(), out.nonce.size());
  secure_bytes plain;
  append_key(plain, id.signing.get());
  append_key(plain, id.encryption == id.signing ? nullptr : id.encryption.get());
  identity_box(Botan::ENCRYPTION, identity_key(password, out.salt, kdf), out.suite, out.nonce)
    ->finish(plain);
  out.sealed.assign(plain.begin(), plain.end());
  return out;
}

private_identity unlock_identity(const locked_identity& locked, std::string_view password) {
  auto suite = parse_suite(locked.suite);
  if (!suite)
    throw crypto_error("unknown suite '" + locked.suite + "' in the key file");
  auto id =
    locked.is_version_1() ? unlock_version_1(locked, password) : unlock_version_2(locked, password);
  id.suite = *suite;
  return id;
}

envelope seal(const private_identity& sender, const public_identity& recipient,
              envelope_header header, const std::string& plaintext) {
  auto suite = parse_suite(recipient.suite);
  if (!suite)
    throw crypto_error("the recipient's suite '" + recipient.suite + "' is unknown");
  if (*suite == suite_id::ratchet_x25519_chacha20poly1305)
    suite = suite_id::x25519_chacha20poly1305_ed25519;
  auto& rng = Botan::system_rng();
  header.suite = suite_name(*suite);
  header.signer_suite = suite_name(sender.suite);
  header.nonce = random_bytes(12);
  bytes content_key;
  auto recipient_key = load_public(recipient.encryption_key);
  if (*suite == suite_id::x25519_chacha20poly1305_ed25519) {
    auto* x = dynamic_cast<Botan::Curve25519_PublicKey*>(recipient_key.get());
    if (!x)
      throw crypto_error("the recipient's encryption key is not X25519");
    Botan::Curve25519_PrivateKey eph(rng);
    auto eph_priv = eph.get_x();
    auto shared = x25519(bytes(eph_priv.begin(), eph_priv.end()), x->public_value());
    if (!shared)
      throw crypto_error("the recipient's X25519 key is of low order");
    header.kem = eph.public_value();
    content_key = hkdf_sha256(*shared, {}, x25519_info(header.kem, x->public_value()), 32);
  } else {
    bool rsa = *suite == suite_id::rsa_oaep_pss_3072;
    if (recipient_key->algo_name() != (rsa ? "RSA" : "ElGamal"))
      throw crypto_error("the recipient's encryption key does not match its suite");
    content_key = random_bytes(32);
    Botan::PK_Encryptor_EME enc(*recipient_key, rng, "OAEP(SHA-256)");
    header.kem = enc.encrypt(content_key, rng);
  }
  envelope env;
  env.header = encode_header(header);
  bytes pt(plaintext.begin(), plaintext.end());
  env.ciphertext = aead_seal(content_key, header.nonce, env.header, pt);
  env.signature = sign(sender, signed_bytes(env));
  return env;
}

opened_message open(const private_identity& me, const public_identity& sender,
                    const envelope& env) {
  auto header = decode_header(env.header);
  if (!header)
    throw crypto_error("malformed envelope header");
  if (env.ciphertext.size() > max_ciphertext_bytes)
    throw crypto_error("oversized ciphertext");
  auto signer = parse_suite(header->signer_suite);
  if (!signer || header->signer_suite != sender.suite)
    throw crypto_error("the envelope names a signature suite the sender does not use");
  if (!verify(*signer, sender.signing_key, signed_bytes(env), env.signature))
    throw crypto_error("bad signature");
  auto suite = parse_suite(header->suite);
  if (!suite)
    throw crypto_error("unknown suite '" + header->suite + "'");
  if (*suite != me.suite
      && !(*suite == suite_id::x25519_chacha20poly1305_ed25519 && has_x25519_keys(me.suite)))
    throw crypto_error("the envelope is wrapped for another suite than ours");
  if (*suite == suite_id::ratchet_x25519_chacha20poly1305)
    throw crypto_error("a ratchet envelope opens only through its session");
  std::optional<bytes> content_key;
  if (*suite == suite_id::x25519_chacha20poly1305_ed25519) {
    auto* mine = dynamic_cast<Botan::Curve25519_PrivateKey*>(me.encryption.get());
    if (!mine)
      throw crypto_error("our encryption key is not X25519");
    auto priv = mine->get_x();
    auto shared = x25519(bytes(priv.begin(), priv.end()), header->kem);
    if (shared)
      content_key = hkdf_sha256(*shared, {}, x25519_info(header->kem, mine->public_value()), 32);
  } else if (*suite == suite_id::rsa_oaep_pss_3072) {
    content_key = rsa_oaep_decrypt(*me.encryption, header->kem);
  } else {
    try {
      Botan::PK_Decryptor_EME dec(*me.encryption, Botan::system_rng(), "OAEP(SHA-256)");
      auto k = dec.decrypt(header->kem);
      content_key = bytes(k.begin(), k.end());
    } catch (const std::exception&) {
    }
  }
  if (!content_key || content_key->size() != 32)
    throw crypto_error("cannot unwrap the content key");
  auto plain = aead_open(*content_key, header->nonce, env.header, env.ciphertext);
  if (!plain)
    throw crypto_error("the ciphertext or header was tampered with");
  return {*header, std::string(plain->begin(), plain->end())};
}

}  // namespace chatter::crypto
