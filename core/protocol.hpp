// Every message exchanged between Chatter's actors, local or remote: the data
// types with their inspect() overloads and the atoms that name requests.
// Atoms hold at most 10 characters (CAF 0.17). Anything that crosses a node
// boundary must be declared here so both ends register the same types.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <string_view>
#include <type_traits>

#include <botan/secmem.h>
#include <caf/all.hpp>
#include <caf/detail/stringification_inspector.hpp>

namespace chatter {

// Binary fields. A type of its own, not std::vector<uint8_t>, for one reason:
// CAF 0.17 loads a byte vector by resizing it to the length the peer wrote
// before reading a byte (data_processor::apply_sequence), so a forged length
// made any receiver allocate and zero 4 GiB (found by tests/fuzz/fuzz_wire).
// Our inspect() below refuses lengths past max_wire_bytes first.
struct bytes : std::vector<uint8_t> {
  using std::vector<uint8_t>::vector;
  bytes() = default;
  bytes(const std::vector<uint8_t>& v) : std::vector<uint8_t>(v) {}
  bytes(std::vector<uint8_t>&& v) : std::vector<uint8_t>(std::move(v)) {}
};

// Far above any field we send (an envelope's ciphertext is at most 64 KiB).
inline constexpr size_t max_wire_bytes = size_t{1024} * 1024;

template <class Inspector>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type
inspect(Inspector& f, bytes& x) {
  return f(static_cast<std::vector<uint8_t>&>(x));
}

// The same wire format as CAF's own (a length, then the raw bytes).
template <class Inspector>
typename std::enable_if<!Inspector::reads_state, typename Inspector::result_type>::type
inspect(Inspector& f, bytes& x) {
  size_t size = 0;
  if (auto err = f.begin_sequence(size))
    return err;
  if (size > max_wire_bytes)
    return caf::make_error(caf::sec::invalid_argument, "a byte field longer than 1 MiB");
  x.resize(size);
  if (size > 0)
    if (auto err = f.apply_raw(size, x.data()))
      return err;
  return f.end_sequence();
}

// Bytes that must not outlive their use: Botan's allocator wipes them when
// they are freed (a std::string or a std::vector leaves them in the heap).
using secure_bytes = Botan::secure_vector<uint8_t>;

// A password on its way from the D-Bus argument to the key derivation and
// the identity unlock: never a std::string after the D-Bus adaptor.
struct secret {
  secure_bytes value;

  secret() = default;
  explicit secret(std::string_view text) : value(text.begin(), text.end()) {}
  std::string_view view() const {
    return {reinterpret_cast<const char*>(value.data()), value.size()};
  }
};

// What never leaves this process: CAF carries it between local actors (a
// local message is not serialized), a log shows its size only, and a node
// refuses to write or read it (a hostile peer cannot make us allocate it).
template <class Inspector, class T>
typename Inspector::result_type inspect_local_only(Inspector& f, const char* name, size_t size,
                                                   T&) {
  if constexpr (std::is_same<Inspector, caf::detail::stringification_inspector>::value) {
    std::string shown = std::to_string(size) + " secret bytes";
    return f(caf::meta::type_name(name), shown);
  } else {
    (void)f;
    return caf::make_error(caf::sec::invalid_argument, std::string(name) + " never crosses a node");
  }
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, secret& x) {
  return inspect_local_only(f, "secret", x.value.size(), x);
}

namespace crypto {
struct private_identity;
}  // namespace crypto

// An account's unlocked private keys: held by its account actor from login
// to logout and lent, read-only, to the crypto workers. Local only: it never
// crosses a node, so it has no inspect() (see CAF_ALLOW_UNSAFE_MESSAGE_TYPE
// below).
using identity_ref = std::shared_ptr<const crypto::private_identity>;

// Argon2id cost, chosen by the hub at sign-up and replayed at every login.
struct kdf_params {
  uint32_t memory_kib = 19456;
  uint32_t iterations = 2;
  uint32_t parallelism = 1;
};

// The hub's answer to "I want to sign up": a fresh salt and the KDF cost.
struct signup_offer {
  bytes salt;
  kdf_params kdf;
};

// What a client sends to create an account: SCRAM verifiers only. The hub
// never sees the password nor the salted password.
struct signup_request {
  std::string user;
  std::string display_name;
  bytes salt;
  kdf_params kdf;
  bytes stored_key;
  bytes server_key;
};

// The hub's first login answer: its nonce (client nonce + server part).
struct login_challenge {
  uint64_t attempt = 0;
  std::string nonce;
  bytes salt;
  kdf_params kdf;
};

// The hub's final login answer: the session and the hub's own proof.
struct login_grant {
  std::string session;
  bytes server_signature;
  int64_t rechallenge_interval_ms = 0;
};

// What Register asks for besides the user and the password (its a{sv}
// options, checked by parse_registration in common/validation.hpp). An
// empty suite is the default; the account manager knows the suites.
struct registration_settings {
  std::string display_name;
  std::string suite;
};

// A directory entry.
struct user_record {
  std::string user;
  std::string display_name;
  int64_t created_ms = 0;
};

// What the client derives from the password; never leaves the user's daemon
// (the hub gets copies of the stored and server keys at sign-up only).
struct derived_keys {
  secure_bytes client_key;
  secure_bytes stored_key;
  secure_bytes server_key;
};

// One account as the daemon's front-ends see it.
struct account_status {
  std::string user;
  bool authenticated = false;
  int64_t last_reauthentication_ms = 0;
  std::string suite;
  std::string fingerprint;
  std::string display_name;
  std::string presence = "offline";  // online, away, busy, offline
};

// A user's presence as the hub's registry knows it: the directory's answer
// and the event fanned out to the sessions that watch the user.
struct presence_info {
  std::string user;
  std::string display_name;
  std::string status;  // online, away, busy, offline
  std::string message;
};

// One entry of an account's contact list, as the front-ends see it.
struct contact_info {
  std::string user;
  std::string display_name;
  std::string presence;
  std::string trust;  // tofu (first key seen), verified, changed, none (no key yet)
  std::string fingerprint;
  // Consent (core/consent.hpp): pending-out, pending-in, accepted, declined,
  // blocked.
  std::string state;
};

// A user's consent row as the hub tells its owner: at login (the list), in
// the answer to an action, and when the other user's action changed it.
struct consent_entry {
  std::string user;  // the other user
  std::string display_name;
  std::string state;  // as contact_info::state, or none
};

// A room (group chat) as the hub keeps it: a name and its members.
struct room_info {
  std::string name;
  std::string owner;
  std::vector<std::string> members;
};

// A sealed message: header (see chat/envelope.hpp), AEAD ciphertext, and the
// sender's signature over both. The hub can route it but not read it.
struct envelope {
  bytes header;
  bytes ciphertext;
  bytes signature;
};

// The hub protocol's batches (at most max_batch entries a message): a
// member hands over several envelopes at once and acknowledges several
// with one message; the hub delivers and reports receipts the same way.
inline constexpr size_t max_batch = 256;

// An envelope as an ack names it: its sender and the sender's message id.
struct message_ref {
  std::string sender;
  std::string id;
};

// What became of one envelope of a batch: `code` 0 when the hub has it,
// else an errc (common/errors.hpp) with the hub's sentence.
struct envelope_outcome {
  uint8_t code = 0;
  std::string reason;
};

// A receipt the hub made (members log it; delivered and read that count
// come end to end).
struct receipt_info {
  std::string id;
  std::string recipient;
  std::string state;  // delivered or read
};

// An account's public keys as published at the hub: a signing key (its
// identity, which the fingerprint names), an encryption key, and the signing
// key's signature binding the encryption key and the suite to it. Keys are
// X.509 SubjectPublicKeyInfo DER.
struct public_identity {
  std::string user;
  std::string suite;
  bytes signing_key;
  bytes encryption_key;
  bytes binding_signature;
};

// X3DH prekeys (crypto/x3dh.hpp): raw X25519 public keys. The signed prekey
// is signed with the owner's identity signing key; one-time prekeys are
// handed out once each.
struct signed_prekey {
  uint32_t id = 0;
  bytes public_key;
  bytes signature;
};
struct one_time_prekey {
  uint32_t id = 0;  // 0: none (the hub ran out)
  bytes public_key;
};
// One fetch at the hub: what a first message to `identity.user` needs.
struct prekey_bundle {
  public_identity identity;
  signed_prekey signed_key;
  one_time_prekey one_time;
};
// A message to seal, once per recipient, all under the same id.
struct seal_order {
  identity_ref sender;
  std::vector<public_identity> recipients;
  std::string id;
  std::string from;
  std::string room;  // empty for one-to-one
  int64_t timestamp_ms = 0;
  std::string text;
};

// An account's private keys as written to disk (identity.json), locked by the
// password, with the public identity beside them (readable while logged out).
// Version 2: both keys' PKCS#8 sealed together with ChaCha20Poly1305 under
// Argon2id(password, salt) at the cost `kdf`. Version 1 (files written before
// it; `sealed` empty): PKCS#8 PEM under PBKDF2-SHA-256, opened and re-sealed
// as version 2 at the next login.
struct locked_keys {
  std::string suite;
  std::string signing_pem;     // version 1 only
  std::string encryption_pem;  // version 1 only
  public_identity identity;
  kdf_params kdf;  // version 2 from here on
  bytes salt;
  bytes nonce;
  bytes sealed;
};

// One message as the account's history and the front-ends see it.
struct message_record {
  std::string id;
  std::string from;
  std::string to;
  std::string text;
  int64_t timestamp_ms = 0;
  std::string state;  // queued, sent, delivered, read, failed, refused; received, read
  // What the front-ends show beside the text (docs/dbus-api.md, "extras"):
  // sent_at and clock_skew_ms for a skewed sender clock, missing_before
  // for a gap before it, reason for a refused one.
  std::map<std::string, std::string> extras;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, message_record& x) {
  return f(caf::meta::type_name("message_record"), x.id, x.from, x.to, x.text, x.timestamp_ms,
           x.state, x.extras);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, envelope& x) {
  return f(caf::meta::type_name("envelope"), x.header, x.ciphertext, x.signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, message_ref& x) {
  return f(caf::meta::type_name("message_ref"), x.sender, x.id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, envelope_outcome& x) {
  return f(caf::meta::type_name("envelope_outcome"), x.code, x.reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, receipt_info& x) {
  return f(caf::meta::type_name("receipt_info"), x.id, x.recipient, x.state);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, public_identity& x) {
  return f(caf::meta::type_name("public_identity"), x.user, x.suite, x.signing_key,
           x.encryption_key, x.binding_signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signed_prekey& x) {
  return f(caf::meta::type_name("signed_prekey"), x.id, x.public_key, x.signature);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, one_time_prekey& x) {
  return f(caf::meta::type_name("one_time_prekey"), x.id, x.public_key);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, prekey_bundle& x) {
  return f(caf::meta::type_name("prekey_bundle"), x.identity, x.signed_key, x.one_time);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, locked_keys& x) {
  return f(caf::meta::type_name("locked_keys"), x.suite, x.signing_pem, x.encryption_pem,
           x.identity, x.kdf, x.salt, x.nonce, x.sealed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kdf_params& x) {
  return f(caf::meta::type_name("kdf_params"), x.memory_kib, x.iterations, x.parallelism);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signup_offer& x) {
  return f(caf::meta::type_name("signup_offer"), x.salt, x.kdf);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signup_request& x) {
  return f(caf::meta::type_name("signup_request"), x.user, x.display_name, x.salt, x.kdf,
           x.stored_key, x.server_key);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, login_challenge& x) {
  return f(caf::meta::type_name("login_challenge"), x.attempt, x.nonce, x.salt, x.kdf);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, login_grant& x) {
  return f(caf::meta::type_name("login_grant"), x.session, x.server_signature,
           x.rechallenge_interval_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registration_settings& x) {
  return f(caf::meta::type_name("registration_settings"), x.display_name, x.suite);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_record& x) {
  return f(caf::meta::type_name("user_record"), x.user, x.display_name, x.created_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, derived_keys& x) {
  return inspect_local_only(f, "derived_keys",
                            x.client_key.size() + x.stored_key.size() + x.server_key.size(), x);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_status& x) {
  return f(caf::meta::type_name("account_status"), x.user, x.authenticated,
           x.last_reauthentication_ms, x.suite, x.fingerprint, x.display_name, x.presence);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, presence_info& x) {
  return f(caf::meta::type_name("presence_info"), x.user, x.display_name, x.status, x.message);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, contact_info& x) {
  return f(caf::meta::type_name("contact_info"), x.user, x.display_name, x.presence, x.trust,
           x.fingerprint, x.state);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, consent_entry& x) {
  return f(caf::meta::type_name("consent_entry"), x.user, x.display_name, x.state);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, room_info& x) {
  return f(caf::meta::type_name("room_info"), x.name, x.owner, x.members);
}

}  // namespace chatter

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chatter::identity_ref)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chatter::seal_order)

CAF_BEGIN_TYPE_ID_BLOCK(chatter, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(chatter, (chatter::bytes))
CAF_ADD_TYPE_ID(chatter, (chatter::kdf_params))
CAF_ADD_TYPE_ID(chatter, (chatter::signup_offer))
CAF_ADD_TYPE_ID(chatter, (chatter::signup_request))
CAF_ADD_TYPE_ID(chatter, (chatter::login_challenge))
CAF_ADD_TYPE_ID(chatter, (chatter::login_grant))
CAF_ADD_TYPE_ID(chatter, (chatter::user_record))
CAF_ADD_TYPE_ID(chatter, (chatter::derived_keys))
CAF_ADD_TYPE_ID(chatter, (chatter::account_status))
CAF_ADD_TYPE_ID(chatter, (chatter::envelope))
CAF_ADD_TYPE_ID(chatter, (std::vector<chatter::envelope>))
CAF_ADD_TYPE_ID(chatter, (chatter::message_ref))
CAF_ADD_TYPE_ID(chatter, (std::vector<chatter::message_ref>))
CAF_ADD_TYPE_ID(chatter, (chatter::envelope_outcome))
CAF_ADD_TYPE_ID(chatter, (std::vector<chatter::envelope_outcome>))
CAF_ADD_TYPE_ID(chatter, (chatter::receipt_info))
CAF_ADD_TYPE_ID(chatter, (std::vector<chatter::receipt_info>))
CAF_ADD_TYPE_ID(chatter, (chatter::public_identity))
CAF_ADD_TYPE_ID(chatter, (chatter::message_record))
CAF_ADD_TYPE_ID(chatter, (chatter::locked_keys))
CAF_ADD_TYPE_ID(chatter, (std::vector<chatter::message_record>))
CAF_ADD_TYPE_ID(chatter, (std::vector<std::string>))
CAF_ADD_TYPE_ID(chatter, (chatter::presence_info))
CAF_ADD_TYPE_ID(chatter, (std::vector<chatter::presence_info>))
CAF_ADD_TYPE_ID(chatter, (chatter::contact_info))
CAF_ADD_TYPE_ID(chatter, (std::vector<chatter::contact_info>))
CAF_ADD_TYPE_ID(chatter, (chatter::room_info))
CAF_ADD_TYPE_ID(chatter, (std::vector<chatter::room_info>))
CAF_ADD_TYPE_ID(chatter, (chatter::signed_prekey))
CAF_ADD_TYPE_ID(chatter, (chatter::one_time_prekey))
CAF_ADD_TYPE_ID(chatter, (std::vector<chatter::one_time_prekey>))
CAF_ADD_TYPE_ID(chatter, (chatter::prekey_bundle))

// registry
CAF_ADD_ATOM(chatter, chatter, offer_atom, "offer")
CAF_ADD_ATOM(chatter, chatter, signup_atom, "signup")
CAF_ADD_ATOM(chatter, chatter, lookup_atom, "lookup")
CAF_ADD_ATOM(chatter, chatter, search_atom, "search")
CAF_ADD_ATOM(chatter, chatter, watch_atom, "watch")
CAF_ADD_ATOM(chatter, chatter, unwatch_atom, "unwatch")
CAF_ADD_ATOM(chatter, chatter, presence_atom, "presence")
// rooms: membership at the hub
CAF_ADD_ATOM(chatter, chatter, roomnew_atom, "roomnew")
CAF_ADD_ATOM(chatter, chatter, roominv_atom, "roominv")
CAF_ADD_ATOM(chatter, chatter, roomleave_atom, "roomleave")
CAF_ADD_ATOM(chatter, chatter, roomget_atom, "roomget")
CAF_ADD_ATOM(chatter, chatter, rooms_atom, "rooms")
// auth
CAF_ADD_ATOM(chatter, chatter, login_atom, "login")
CAF_ADD_ATOM(chatter, chatter, proof_atom, "proof")
CAF_ADD_ATOM(chatter, chatter, logout_atom, "logout")
CAF_ADD_ATOM(chatter, chatter, challenge_atom, "challenge")
CAF_ADD_ATOM(chatter, chatter, answer_atom, "answer")
CAF_ADD_ATOM(chatter, chatter, revoked_atom, "revoked")
CAF_ADD_ATOM(chatter, chatter, due_atom, "due")
// keys and mailbox
CAF_ADD_ATOM(chatter, chatter, pubkey_atom, "pubkey")
CAF_ADD_ATOM(chatter, chatter, fetchkey_atom, "fetchkey")
CAF_ADD_ATOM(chatter, chatter, prekeys_atom, "prekeys")
CAF_ADD_ATOM(chatter, chatter, bundle_atom, "bundle")
CAF_ADD_ATOM(chatter, chatter, replenish_atom, "replenish")
CAF_ADD_ATOM(chatter, chatter, resetsess_atom, "resetsess")
CAF_ADD_ATOM(chatter, chatter, enqueue_atom, "enqueue")
CAF_ADD_ATOM(chatter, chatter, ack_atom, "ack")
CAF_ADD_ATOM(chatter, chatter, deliver_atom, "deliver")
CAF_ADD_ATOM(chatter, chatter, receipt_atom, "receipt")
CAF_ADD_ATOM(chatter, chatter, readrcpt_atom, "readrcpt")
CAF_ADD_ATOM(chatter, chatter, online_atom, "online")
CAF_ADD_ATOM(chatter, chatter, offline_atom, "offline")
// the hub's front door and the link to a remote hub
CAF_ADD_ATOM(chatter, chatter, hello_atom, "hello")
CAF_ADD_ATOM(chatter, chatter, hubup_atom, "hubup")
CAF_ADD_ATOM(chatter, chatter, hubdown_atom, "hubdown")
CAF_ADD_ATOM(chatter, chatter, retry_atom, "retry")
// between the nodes of a hub cluster (cluster/router.hpp)
CAF_ADD_ATOM(chatter, chatter, join_atom, "join")
CAF_ADD_ATOM(chatter, chatter, import_atom, "import")
CAF_ADD_ATOM(chatter, chatter, export_atom, "export")
CAF_ADD_ATOM(chatter, chatter, shed_atom, "shed")
// user side
CAF_ADD_ATOM(chatter, chatter, derive_atom, "derive")
CAF_ADD_ATOM(chatter, chatter, keygen_atom, "keygen")
CAF_ADD_ATOM(chatter, chatter, seal_atom, "seal")
CAF_ADD_ATOM(chatter, chatter, open_atom, "open")
CAF_ADD_ATOM(chatter, chatter, register_atom, "register")
CAF_ADD_ATOM(chatter, chatter, status_atom, "status")
CAF_ADD_ATOM(chatter, chatter, send_atom, "send")
CAF_ADD_ATOM(chatter, chatter, history_atom, "history")
CAF_ADD_ATOM(chatter, chatter, pendmsgs_atom, "pendmsgs")
CAF_ADD_ATOM(chatter, chatter, ackmsgs_atom, "ackmsgs")
CAF_ADD_ATOM(chatter, chatter, fprint_atom, "fprint")
CAF_ADD_ATOM(chatter, chatter, verify_atom, "verify")
CAF_ADD_ATOM(chatter, chatter, addcont_atom, "addcont")
CAF_ADD_ATOM(chatter, chatter, rmcont_atom, "rmcont")
CAF_ADD_ATOM(chatter, chatter, contacts_atom, "contacts")
CAF_ADD_ATOM(chatter, chatter, markread_atom, "markread")
CAF_ADD_ATOM(chatter, chatter, stats_atom, "stats")
CAF_ADD_ATOM(chatter, chatter, account_atom, "account")
// events for the front-ends (the D-Bus bridge)
CAF_ADD_ATOM(chatter, chatter, known_atom, "known")
CAF_ADD_ATOM(chatter, chatter, authed_atom, "authed")
CAF_ADD_ATOM(chatter, chatter, reauth_atom, "reauth")
CAF_ADD_ATOM(chatter, chatter, received_atom, "received")
CAF_ADD_ATOM(chatter, chatter, state_atom, "state")
CAF_ADD_ATOM(chatter, chatter, keychange_atom, "keychange")
CAF_ADD_ATOM(chatter, chatter, arrived_atom, "arrived")
CAF_ADD_ATOM(chatter, chatter, health_atom, "health")
CAF_ADD_ATOM(chatter, chatter, respawn_atom, "respawn")
// the Tux Droid robot
CAF_ADD_ATOM(chatter, chatter, speak_atom, "speak")
CAF_ADD_ATOM(chatter, chatter, perform_atom, "perform")
CAF_ADD_ATOM(chatter, chatter, react_atom, "react")
CAF_ADD_ATOM(chatter, chatter, flush_atom, "flush")
CAF_ADD_ATOM(chatter, chatter, probe_atom, "probe")
CAF_ADD_ATOM(chatter, chatter, performed_atom, "performed")
CAF_ADD_ATOM(chatter, chatter, tuxstate_atom, "tuxstate")
// the hub's connection reaper
CAF_ADD_ATOM(chatter, chatter, reap_atom, "reap")
// a gap in a conversation's sequence numbers (MessagesMissing), and a
// message state with its extras (the reason of a refusal)
CAF_ADD_ATOM(chatter, chatter, missing_atom, "missing")
CAF_ADD_TYPE_ID(chatter, (std::map<std::string, std::string>))
// a password between this daemon's actors (added last: no id above it moved)
CAF_ADD_TYPE_ID(chatter, (chatter::secret))
// Register's options, from the D-Bus bridge to the account manager
CAF_ADD_TYPE_ID(chatter, (chatter::registration_settings))
// consent between users (core/consent.hpp): an action on one's own row, the
// list of one's rows, the hub's copy of an action into the other's row (one
// cluster node to another), and the account's events
CAF_ADD_TYPE_ID(chatter, (chatter::consent_entry))
CAF_ADD_TYPE_ID(chatter, (std::vector<chatter::consent_entry>))
CAF_ADD_ATOM(chatter, chatter, consent_atom, "consent")
CAF_ADD_ATOM(chatter, chatter, consents_atom, "consents")
CAF_ADD_ATOM(chatter, chatter, consentcp_atom, "consentcp")
CAF_ADD_ATOM(chatter, chatter, requested_atom, "requested")
CAF_ADD_ATOM(chatter, chatter, blocked_atom, "blocked")

CAF_END_TYPE_ID_BLOCK(chatter)
