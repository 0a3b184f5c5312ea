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
};

registry_actor::behavior_type registry(registry_actor::pointer self, registry_config config);

}  // namespace chatter
