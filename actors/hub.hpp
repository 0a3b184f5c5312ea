// The hub: the set of hub-side actors (registry, auth, keys, mailbox) spawned
// together over
// one SQLite file. chatterd hosts it in-process by default.
#pragma once

#include <chrono>
#include <string>

#include "interfaces.hpp"

namespace chatter {

struct hub_config {
  std::string database_path;
  std::chrono::milliseconds rechallenge_interval{std::chrono::seconds(60)};
  kdf_params kdf;
};

hub_handles spawn_hub(caf::actor_system& sys, const hub_config& config);

// The actor a listening hub publishes: it answers "hello" with the handles.
hub_front_actor spawn_hub_front(caf::actor_system& sys, const hub_handles& hub);

// Registers Chatter's message types and error category with a config.
void register_chatter_types(caf::actor_system_config& cfg);

} // namespace chatter
