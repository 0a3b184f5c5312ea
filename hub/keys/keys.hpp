// The keys actor (hub side): the public-key directory. A logged-in user
// publishes its own identity (checked: the binding signature must hold);
// anyone logged in fetches anyone's. Spawn it detached: it uses SQLite.
#pragma once

#include <string>

#include "core/interfaces.hpp"

namespace chatter {

keys_actor spawn_keys(caf::actor_system& sys, const std::string& database_path);

}  // namespace chatter
