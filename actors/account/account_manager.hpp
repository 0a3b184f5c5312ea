// The account manager (user side): signs up new accounts, spawns one account
// actor per login, and remembers which accounts this daemon knows (one
// folder each under <data dir>/accounts/). Spawn it detached: it writes
// files.
#pragma once

#include <set>
#include <string>

#include "interfaces.hpp"

namespace chatter {

struct account_manager_config {
  std::string accounts_dir;
  hub_handles hub;  // the gateway; null while no hub is there
  crypto_actor crypto;
  event_sink_actor events;
  interlocutor_listener_actor robot;  // the Tux Droid; may be null
  std::set<std::string> corrupt_rechallenge_for;  // test hook, see account.hpp
};

account_manager_actor::behavior_type
account_manager(account_manager_actor::pointer self,
                account_manager_config config);

} // namespace chatter
