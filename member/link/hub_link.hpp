// The link to a remote hub (user side, `chatterd --hub HOST:PORT`): connects
// through CAF's middleman (plain TCP or TLS, whichever middleman actor it is
// given), asks the hub's front for its four actors, watches the connection,
// and reconnects with exponential backoff when it drops. The account manager
// hears hubup (with the handles) and hubdown; the event sink too, for the
// Manager's HubConnected property.
#pragma once

#include <chrono>
#include <string>

#include <caf/io/middleman_actor.hpp>

#include "core/interfaces.hpp"

namespace chatter {

struct hub_link_config {
  std::string host;
  uint16_t port = 0;
  caf::io::middleman_actor middleman;
  hub_listener_actor manager;
  event_sink_actor events;
  std::chrono::milliseconds first_retry{250};
  std::chrono::milliseconds max_retry{std::chrono::seconds(10)};
};

// The hub holds this link's handle (it watches the connection by it), so
// the link obeys no exit message: it ends with the manager.
using hub_link_actor = member_link_actor;

hub_link_actor hub_link(caf::actor_system& sys, hub_link_config config);

}  // namespace chatter
