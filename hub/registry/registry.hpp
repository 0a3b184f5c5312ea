// The registry actor (hub side): sign-up and the user directory.
// Spawn it detached: it writes SQLite.
#pragma once

#include <string>

#include "core/interfaces.hpp"

namespace chatter {

struct registry_config {
  std::string database_path;
  kdf_params kdf;  // the cost every new account's password is stretched with
  // Sign-ups one network address may make in an hour (the daemon's own
  // accounts, address "local", are not counted).
  unsigned signups_per_hour_per_address = 20;
  // On a cluster node (hub_config::clustered): a consent action for a user
  // not in this node's directory is not refused here (the router asked the
  // user's home first), and its copy goes there through the router.
  bool clustered = false;
};

// Spawned detached: it writes SQLite.
registry_actor spawn_registry(caf::actor_system& sys, registry_config config);

}  // namespace chatter
