// The account manager (user side): signs up new accounts (signup.cpp),
// spawns one account actor per known account on demand, and remembers which
// accounts this daemon knows (one folder each under <data dir>/accounts/).
// Accounts are monitored, not linked: one that ends unexpectedly is reported
// `failed` and started again from its files with backoff, and the others
// never notice. Spawn it detached: it writes files.
#pragma once

#include <map>
#include <set>
#include <string>

#include "core/interfaces.hpp"

namespace chatter {

struct account_manager_config {
  std::string accounts_dir;
  hub_handles hub;  // the gateway; null while no hub is there
  crypto_actor crypto;
  event_sink_actor events;
  interlocutor_listener_actor robot;              // the Tux Droid; may be null
  std::set<std::string> corrupt_rechallenge_for;  // test hook, see account.hpp
};

struct manager_state {
  // When an account last started, and how long to wait before the next
  // start after it ended.
  struct restarts {
    int64_t started_ms = 0;
    int64_t backoff_ms = 0;
  };

  account_manager_config config;
  bool hub_up = false;
  std::set<std::string> known;
  std::map<std::string, account_actor> accounts;
  std::map<caf::actor_addr, std::string> user_of;
  std::map<std::string, restarts> restart;

  static inline const char* name = "account manager";
};

using manager_pointer = account_manager_actor::stateful_pointer<manager_state>;

account_manager_actor::behavior_type account_manager(manager_pointer self,
                                                     account_manager_config config);

// signup.cpp: Register, from the hub's offer to the keys saved here. The
// settings' suite is judged here (empty: the default suite), where the
// suites are known.
caf::result<caf::ok_atom> sign_up(manager_pointer self, const std::string& user,
                                  const secret& password, registration_settings settings);
// Empty when `suite` names a suite this daemon makes keys with ("" is the
// default one), else a sentence naming the known ones.
std::string check_suite(const std::string& suite);
// An account this daemon now knows: its folder and account.json, and the
// event that makes its D-Bus object.
void learn_account(manager_pointer self, const std::string& user);
// Creates `folder` 0700 when it does not exist; never changes an existing one.
void make_private_folder(const std::string& folder);
caf::error hub_unreachable();

}  // namespace chatter
