// The account's session as a small state machine (session_phase in
// account_state.hpp):
//
//   locked --Login(password)--> logging_in --granted--> online
//   online --hub away, session lost, late answer--> offline
//   offline --hub back, retry timer--> relogging --granted--> online
//   any --Logout, wrong answer, replaced, keys refused--> locked
//
// A login is a chain of named steps (challenge, derive, prove, unlock, open,
// publish, finish), each a function of one attempt; the SCRAM exchange
// itself is auth/scram.hpp. Logging in again uses the ClientKey kept in
// memory since the password was typed, never the password.
#pragma once

#include <string>

#include "account_state.hpp"

namespace chatter::login {

// Login with the password: answers the status once online.
caf::result<account_status> with_password(account_pointer self, const secret& password);
// Logs in again from the keys held, when offline and the hub is there.
void again(account_pointer self);
// Logout: ends the session at the hub and forgets the keys.
caf::result<caf::ok_atom> logout(account_pointer self);

void hub_up(account_pointer self, const hub_handles& hub);
void hub_down(account_pointer self);

// From the hub's side of our session (checked with from_our_auth):
void challenged(account_pointer self, const std::string& session, const std::string& nonce);
void revoked(account_pointer self, const std::string& session, const std::string& reason);
void session_lost(account_pointer self, const std::string& session);

}  // namespace chatter::login
