// What one account actor keeps, shared by the files that implement it
// (account.cpp: session and messages; social.cpp: contacts, presence,
// directory). Private to the account actor: no other actor sees it.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "account/account.hpp"
#include "account/key_shield.hpp"
#include "crypto/suites.hpp"
#include "store/account_store.hpp"

namespace chatter {

struct account_state {
  account_config config;
  account_status status;
  std::string session;
  session_peer_actor inlet;  // what the hub holds as this account's peer
  // ClientKey, StoredKey and ServerKey (this one to check the hub's proof
  // when logging in again), sealed in memory between uses.
  key_shield keys;
  identity_ref identity;  // unlocked at login, dropped at logout
  public_identity public_id;  // ours, as published (set with `identity`)
  bytes at_rest_key;  // seals ratchet sessions and prekeys (sessions.cpp); from `identity`
  std::unique_ptr<store::account_store> store;
  bool login_under_way = false;
  bool hub_up = false;  // between hubup and hubdown
  std::deque<envelope> early;  // delivered before the login finished
  uint64_t dropped = 0;        // envelopes refused: forged, stale, malformed
  uint64_t ignored_system_messages = 0;  // exits not from our manager
  std::map<std::string, presence_info> presence;  // contacts, as the hub last said
  std::set<std::string> arrived;  // interlocutors announced in this session
  std::set<std::pair<std::string, std::string>> in_flight;  // (id, recipient) at the hub's door

  bool logged_in() const {
    return !session.empty() && identity != nullptr;
  }
};

using account_state_ptr = std::shared_ptr<account_state>;

// How long the account waits for the hub.
inline constexpr auto hub_timeout = std::chrono::seconds(10);

// social.cpp: contacts, presence and the directory.
namespace social {

// After a login: watch the contacts' presence, and say who is here.
void start_session(account_actor::pointer self, const account_state_ptr& st);
// A contact's presence changed (or is first known).
void presence_changed(account_actor::pointer self, const account_state_ptr& st,
                      const presence_info& info);
// `user` wrote to us: a new interlocutor the first time in this session.
void interlocutor_seen(account_actor::pointer self, const account_state_ptr& st,
                       const std::string& user);

caf::result<caf::ok_atom> set_presence(account_actor::pointer self,
                                       const account_state_ptr& st,
                                       const std::string& status, const std::string& message);
caf::result<caf::ok_atom> add_contact(account_actor::pointer self, const account_state_ptr& st,
                                      const std::string& user);
caf::result<caf::ok_atom> remove_contact(account_actor::pointer self,
                                         const account_state_ptr& st, const std::string& user);
std::vector<contact_info> list_contacts(const account_state_ptr& st);

} // namespace social

} // namespace chatter
