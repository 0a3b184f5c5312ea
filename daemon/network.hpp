// The network side of chatterd, shared by the daemon and a hub node: CAF's
// middleman (TLS through caf_openssl when a certificate is given) and
// publishing the hub's front on --listen.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman_actor.hpp>

#include "core/interfaces.hpp"
#include "hub/hub.hpp"
#include "options.hpp"

namespace chatter {

// The hub's database, re-challenge and limits, as the options say.
hub_config hub_config_from(const daemon_options& opts);

// What a process that serves the network does first: SIGPIPE ignored (a
// reader of stdout that went away must not kill the hub) and the open-file
// limit raised to its hard limit (each member connection is a descriptor).
void prepare_process_for_network();

// Loads the middleman, and the TLS manager when opts has a certificate.
void load_network(caf::actor_system_config& cfg, const daemon_options& opts);

// The middleman to connect through: TLS or plain, as loaded.
caf::io::middleman_actor network_middleman(caf::actor_system& sys, const daemon_options& opts);

// Publishes `front` on opts.listen and prints "chatterd: hub listening on
// HOST:PORT" (scripts and tests read it) with `suffix`; throws when the port
// cannot be had. `reaper` then watches the connections accepted on it.
uint16_t publish_hub(caf::actor_system& sys, const hub_front_actor& front,
                     const connection_reaper_actor& reaper, const daemon_options& opts,
                     const std::string& suffix = {});

}  // namespace chatter
