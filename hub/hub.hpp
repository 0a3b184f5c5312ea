// The hub: the hub-side actors (registry, auth, keys, mailbox) spawned
// together over one SQLite file, and the door members come in by: a front
// that hands each connection a gateway of its own (gateway/gateway.hpp).
// chatterd hosts it in-process by default.
#pragma once

#include <chrono>
#include <string>

#include <caf/io/middleman_actor.hpp>

#include "core/interfaces.hpp"
#include "hub/gateway/gateway.hpp"

namespace chatter {

// What one address, one user or one recipient may hold at the hub. The
// defaults are what a public server's operator would set; `chatterd
// --help` names the options that change them.
struct hub_limits {
  unsigned signups_per_hour_per_address = 20;
  unsigned sessions_per_user = 16;
  uint32_t queued_envelopes_per_recipient = 10000;
  uint64_t queued_bytes_per_recipient = 256ull * 1024 * 1024;
  gateway_limits gateway;
};

struct hub_config {
  std::string database_path;
  std::chrono::milliseconds rechallenge_interval{std::chrono::seconds(60)};
  kdf_params kdf;
  hub_limits limits;
  // A node of a hub cluster: users may live on other nodes, so the registry
  // cannot tell an unknown user from one homed elsewhere.
  bool clustered = false;
};

// A running hub: its actors, and the actor every gateway and front lives
// for. Neither ever crosses the wire.
struct running_hub {
  hub_actors actors;
  caf::actor lifetime;
  gateway_limits limits;
};

running_hub spawn_hub(caf::actor_system& sys, const hub_config& config);

// An actor the gateways and fronts of a hub live for; stop_hub ends it.
caf::actor spawn_lifetime(caf::actor_system& sys);

// The gateway of the daemon's own accounts (the embedded hub).
hub_handles local_gateway(caf::actor_system& sys, const running_hub& hub);

// The reaper of a listening hub's idle connections (gateway/reaper.hpp),
// with the hub's deadlines; it ends with the hub.
connection_reaper_actor spawn_hub_reaper(caf::actor_system& sys, const running_hub& hub);

// The actor a listening hub publishes; `middleman` is the one it listens
// with (plain or TLS), which knows each connection's address. It tells
// `reaper` of each hello.
hub_front_actor spawn_hub_front(caf::actor_system& sys, const running_hub& hub,
                                caf::io::middleman_actor middleman, connection_reaper_actor reaper);

// Ends the hub: its gateways, fronts and actors.
void stop_hub(const running_hub& hub);

// Registers Chatter's message types and error category with a config.
void register_chatter_types(caf::actor_system_config& cfg);

}  // namespace chatter
