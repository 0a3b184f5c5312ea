// The tuxdroid actor (user side): greets each new interlocutor and, when
// asked, reads incoming messages out, through one backend (see backend.hpp).
// It keeps the to-do list (coalescer.hpp) and hands one turn at a time to a
// detached worker, so the robot's speed never reaches the chat: events and
// requests are queued and answered at once.
#pragma once

#include <chrono>
#include <string>

#include "backend.hpp"
#include "core/interfaces.hpp"

namespace chatter {

struct tuxdroid_config {
  tux::backend_config backend;
  std::string greeting;  // "{name}" template for one arrival; empty: the language's
  bool react_on_arrival = true;
  bool react_on_message = false;
  // Events that come this close together make one turn.
  std::chrono::milliseconds gather{150};
  // A turn lasts at least this long, so a robot that answers at once is not
  // flooded with one turn per event either.
  std::chrono::milliseconds min_turn{1000};
  std::chrono::seconds probe_interval{5};
  event_sink_actor events;  // ActionPerformed and the TuxDroid properties
};

// Spawns the actor and its worker; the worker ends with the actor.
tuxdroid_actor spawn_tuxdroid(caf::actor_system& sys, tuxdroid_config config);

}  // namespace chatter
