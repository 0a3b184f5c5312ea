// The typed interface of every actor. A request that does not match one of
// these signatures does not compile, so the D-Bus bridge and the actors
// cannot drift apart.
#pragma once

#include "protocol.hpp"

namespace chatter {

// What the hub needs from a logged-in user's daemon: answers to re-challenges
// and notice of revocation. Handed to the hub at login.
using session_peer_actor = caf::typed_actor<
  caf::reacts_to<challenge_atom, std::string /*session*/, std::string /*nonce*/>,
  caf::reacts_to<revoked_atom, std::string /*session*/, std::string /*reason*/>>;

using registry_actor = caf::typed_actor<
  caf::replies_to<offer_atom, std::string /*user*/>::with<signup_offer>,
  caf::replies_to<signup_atom, signup_request>::with<caf::ok_atom>,
  caf::replies_to<lookup_atom, std::string /*user*/>::with<user_record>>;

using auth_actor = caf::typed_actor<
  caf::replies_to<login_atom, std::string /*user*/,
                  std::string /*client nonce*/>::with<login_challenge>,
  caf::replies_to<proof_atom, uint64_t /*attempt*/, bytes /*client proof*/,
                  session_peer_actor>::with<login_grant>,
  caf::replies_to<answer_atom, std::string /*session*/, std::string /*nonce*/,
                  bytes /*proof*/>::with<int64_t /*accepted at, ms*/>,
  caf::replies_to<logout_atom, std::string /*session*/>::with<caf::ok_atom>,
  caf::reacts_to<due_atom, std::string /*session*/>>;

// Runs Argon2id off the scheduler's threads (spawned detached, one per use).
using kdf_actor = caf::typed_actor<
  caf::replies_to<derive_atom, std::string /*password*/,
                  bytes /*salt*/>::with<derived_keys>>;

// One account of this daemon; extends session_peer_actor for the hub.
using account_actor = caf::typed_actor<
  caf::reacts_to<challenge_atom, std::string, std::string>,
  caf::reacts_to<revoked_atom, std::string, std::string>,
  caf::replies_to<login_atom, std::string /*password*/>::with<account_status>,
  caf::replies_to<logout_atom>::with<caf::ok_atom>,
  caf::replies_to<status_atom>::with<account_status>>;

// The daemon's accounts: sign-up, login, logout.
using account_manager_actor = caf::typed_actor<
  caf::replies_to<register_atom, std::string /*user*/, std::string /*password*/,
                  std::string /*display name*/>::with<caf::ok_atom>,
  caf::replies_to<login_atom, std::string /*user*/,
                  std::string /*password*/>::with<account_status>,
  caf::replies_to<logout_atom, std::string /*user*/>::with<caf::ok_atom>>;

// Where account events go: the D-Bus bridge turns them into objects,
// property changes and signals.
using event_sink_actor = caf::typed_actor<
  caf::reacts_to<known_atom, std::string /*user*/>,
  caf::reacts_to<authed_atom, account_status>,
  caf::reacts_to<reauth_atom, std::string /*user*/, int64_t /*ms*/>,
  caf::reacts_to<revoked_atom, std::string /*user*/, std::string /*reason*/>>;

} // namespace chatter
