// The network side of chatterd, shared by the daemon and a hub node: CAF's
// middleman (TLS through caf_openssl when a certificate is given) and
// publishing the hub's front on --listen.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman_actor.hpp>

#include "interfaces.hpp"
#include "options.hpp"

namespace chatter {

// Loads the middleman, and the TLS manager when opts has a certificate.
void load_network(caf::actor_system_config& cfg, const daemon_options& opts);

// The middleman to connect through: TLS or plain, as loaded.
caf::io::middleman_actor network_middleman(caf::actor_system& sys, const daemon_options& opts);

// Publishes `front` on opts.listen and prints "chatterd: hub listening on
// HOST:PORT" (scripts and tests read it) with `suffix`; throws when the port
// cannot be had.
uint16_t publish_hub(caf::actor_system& sys, const hub_front_actor& front,
                     const daemon_options& opts, const std::string& suffix = {});

} // namespace chatter
