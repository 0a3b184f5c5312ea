// What one account actor keeps, shared by the files that implement it
// (login.cpp: the session; messaging.cpp: messages; social.cpp: contacts,
// presence, directory; health.cpp: the account's State). It lives in the
// actor (stateful_pointer), so every callback that reaches it runs on the
// account's own thread while the actor is alive. Private to the account
// actor: no other actor sees it.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "account.hpp"
#include "core/crypto/suites.hpp"
#include "key_shield.hpp"
#include "messaging_state.hpp"
#include "store/account_store.hpp"
#include "timeouts.hpp"

namespace chatter {

class messaging;

// Request words kept while the hub's news of the request is on its way.
inline constexpr size_t max_early_requests = 100;

// Where the account's session stands (login.cpp moves it).
enum class session_phase : uint8_t {
  locked,      // no keys in memory: Login with the password is the way in
  logging_in,  // a Login with the password is under way
  online,      // the hub holds our session
  offline,     // keys held, no session (the hub is away or lost it)
  relogging,   // logging in again from the keys held
};

struct account_state {
  account_config config;
  account_status status;
  session_phase phase = session_phase::locked;
  uint64_t login_generation = 0;  // bumped by each login and logout (login.cpp)
  std::string session;
  session_peer_actor inlet;  // what the hub holds as this account's peer
  // ClientKey, StoredKey and ServerKey (this one to check the hub's proof
  // when logging in again), sealed in memory between uses.
  key_shield keys;
  identity_ref identity;      // unlocked at login, dropped at logout
  public_identity public_id;  // ours, as published (set with `identity`)
  bytes at_rest_key;          // seals ratchet sessions and prekeys (sessions.cpp); from `identity`
  std::unique_ptr<store::account_store> store;  // null when the file would not open
  std::shared_ptr<messaging> messenger;         // sending, receiving, key trust (messaging.cpp)
  std::string health = "ok";      // the State property: ok, degraded: ..., failed: ...
  int64_t reopen_backoff_ms = 0;  // after a transient failure to open the store
  int64_t reopen_at_ms = 0;
  bool hub_up = false;                            // between hubup and hubdown
  std::deque<envelope> early;                     // delivered before the login finished
  uint64_t dropped = 0;                           // envelopes refused: forged, stale, malformed
  uint64_t ignored_system_messages = 0;           // exits and downs not from our manager
  std::map<std::string, presence_info> presence;  // contacts, as the hub last said
  std::map<std::string, consent_entry> consents;  // our consent rows, as the hub last said
  bool consents_read = false;  // this session has read them (else the timer asks again)
  // A request's words that came before the hub said "pending-in" (at most
  // max_early_requests), and who has rung since they asked.
  std::map<std::string, std::string> early_requests;
  std::set<std::string> rung;
  std::set<std::string> arrived;  // interlocutors announced in this session
  std::set<std::pair<std::string, std::string>> in_flight;  // (id, recipient) at the hub's door
  messaging_state messages;                                 // messaging.cpp's queues

  bool logged_in() const {
    return !session.empty() && identity != nullptr;
  }

  static inline const char* name = "account";
};

// The account's state as its delegates hold it: valid while the actor lives,
// which is as long as any of their callbacks can run.
using account_state_ptr = account_state*;
using account_pointer = account_actor::stateful_pointer<account_state>;

// NotLoggedIn, with the one sentence every row uses.
caf::error not_logged_in(const account_state& st);
// An empty error when the hub holds our session, else NotLoggedIn.
caf::error require_session(const account_state& st);
// Whether the message being handled came from the hub's side of our session
// (our inlet) and names our current session: only those may challenge,
// revoke or push.
bool from_our_auth(account_actor::pointer self, const account_state& st,
                   const std::string& session);

// social.cpp: contacts, consent, presence and the directory.
namespace social {

// During a login: read our consent rows from the hub, watch the accepted
// contacts' presence (they arrive as they are found online), then `then`
// (also when the hub did not answer: the rows come with later changes).
void start_session(account_actor::pointer self, const account_state_ptr& st,
                   const std::function<void()>& then);
// Our row about a user as the hub last said ("none" when there is none),
// and whether it is accepted.
std::string state_of(const account_state_ptr& st, const std::string& user);
bool accepted(const account_state_ptr& st, const std::string& user);
// The other user's action changed our row (pushed by the hub).
void consent_pushed(account_actor::pointer self, const account_state_ptr& st,
                    const consent_entry& e);
// A contact request's words arrived, end to end (ContactRequested).
void contact_requested(account_actor::pointer self, const account_state_ptr& st,
                       const std::string& from, const std::string& message);
// A contact's presence changed (or is first known).
void presence_changed(account_actor::pointer self, const account_state_ptr& st,
                      const presence_info& info);
// `user` wrote to us: a new interlocutor the first time in this session.
void interlocutor_seen(account_actor::pointer self, const account_state_ptr& st,
                       const std::string& user);

caf::result<caf::ok_atom> set_presence(account_actor::pointer self, const account_state_ptr& st,
                                       const std::string& status, const std::string& message);
// request (with `message` for them), accept, decline, block, unblock.
caf::result<caf::ok_atom> change_consent(account_actor::pointer self, const account_state_ptr& st,
                                         const std::string& user, const std::string& action,
                                         const std::string& message);
caf::result<caf::ok_atom> remove_contact(account_actor::pointer self, const account_state_ptr& st,
                                         const std::string& user);
std::vector<contact_info> list_contacts(const account_state_ptr& st);
std::vector<std::string> blocked_users(const account_state_ptr& st);

}  // namespace social

}  // namespace chatter
