// The robot's hands: owns the backend and performs one turn at a time. Spawn
// it detached: a backend blocks (HTTP with short timeouts, espeak-ng), and
// that must never hold a scheduler thread.
#pragma once

#include "backend.hpp"
#include "core/interfaces.hpp"

namespace chatter {

struct tux_worker_config {
  tux::backend_config backend;
  event_sink_actor events;  // hears of each action done (ActionPerformed)
};

tux_worker_actor::behavior_type
tux_worker(tux_worker_actor::stateful_pointer<std::unique_ptr<tux::backend>> self,
           tux_worker_config config);

}  // namespace chatter
