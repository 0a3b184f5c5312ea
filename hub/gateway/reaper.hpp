// The hub's connection reaper (issue 16, point 5). An attacker who opens
// a thousand TCP connections to the hub's port and sends nothing, or
// connects, says hello and never logs in, would hold a descriptor each
// until the hub has none left for real members. The reaper closes such
// connections: every scan interval it lists the sockets accepted on the
// hub's port (gateway/sockets.hpp), matches them with what the front and the
// gateways told it, and shuts down those that connection_table says are
// due, logging each at info with the address. A proven peer node of the
// cluster is never closed.
//
// Detached: the scan makes system calls, one per open descriptor, that must
// not hold up a scheduler thread.
#pragma once

#include <chrono>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "connection_table.hpp"
#include "core/interfaces.hpp"

namespace chatter {

struct reaper_config {
  caf::actor lifetime;  // the reaper ends with it (stop_hub)
  reaper_deadlines deadlines;
  std::chrono::milliseconds scan_interval{std::chrono::seconds(1)};
};

// Idle until told the port it watches (reap_atom, port): the hub publishes
// its front, which needs the reaper's handle, before it knows the port.
connection_reaper_actor spawn_reaper(caf::actor_system& sys, reaper_config config);

}  // namespace chatter
