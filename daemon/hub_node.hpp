// chatterd --hub-node: one node of a hub cluster (hub/cluster/router.hpp).
#pragma once

#include "options.hpp"
#include "startup.hpp"

namespace chatter {

// Runs until SIGINT/SIGTERM (watched by `signals`, which it tells once the
// node is up); returns the exit code.
int run_hub_node(const daemon_options& opts, signal_watch& signals);

}  // namespace chatter
