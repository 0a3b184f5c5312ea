// chatterd --hub-node: one node of a hub cluster (actors/cluster/router.hpp).
#pragma once

#include "options.hpp"

namespace chatter {

// Runs until SIGINT/SIGTERM (already blocked by the caller); returns the
// exit code.
int run_hub_node(const daemon_options& opts, const sigset_t& signals);

} // namespace chatter
