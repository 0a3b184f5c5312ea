// The account actor (user side): one per account this daemon logs in. It runs
// the login exchange and answers the hub's re-challenges from the ClientKey it
// keeps in memory (never the password); it unlocks the account's private keys
// at login, seals and opens messages, keeps the history and the contacts'
// trust in the account's SQLite file, and reports every change to the event
// sink. Spawn it detached: it does SQLite and crypto on its own thread, so a
// busy account never stalls another actor.
#pragma once

#include <string>

#include "core/interfaces.hpp"

namespace chatter {

struct account_config {
  std::string user;
  std::string folder;  // accounts/<user>/
  hub_handles hub;     // the gateway; null while no hub is there
  crypto_actor crypto;
  event_sink_actor events;
  interlocutor_listener_actor robot;  // the Tux Droid; may be null
  // Test hook: flip a bit of every re-challenge answer, so tests can watch
  // the hub revoke a session. Never set outside tests.
  bool corrupt_rechallenge_answers = false;
  // Whether the hub was there when the account was spawned (later, hubup
  // and hubdown tell).
  bool hub_up = false;
  // Started again after the last actor of this account ended: its status
  // (logged out) replaces what the front-ends last heard.
  bool restarted = false;
  // The manager: the only actor whose exit ends this one (the hub can reach
  // an account, so it must not be able to end it).
  caf::actor_addr guardian;
};

struct account_state;

account_actor::behavior_type account(account_actor::stateful_pointer<account_state> self,
                                     account_config config);

// The message text's limit every entry point enforces is check_text's
// (common/validation.hpp).
// A received message whose timestamp is older than this, or further in the
// future than the skew, is still shown (it opened and is signed), at its
// arrival time, with the skew in its extras.
inline constexpr int64_t max_message_age_ms = 30LL * 24 * 3600 * 1000;
inline constexpr int64_t max_clock_skew_ms = int64_t{5} * 60 * 1000;

}  // namespace chatter
