// The hub's front door (hub side). A hub publishes one front actor; each
// member connection says hello and gets a gateway of its own, the only actor
// of the hub it can ever reach. The gateway
// - keeps the member's network address, as the connection shows it (CAF's
//   middleman answers get_atom with it), and names it to the hub actors,
//   whose login and sign-up limits are keyed by it;
// - turns a proof into a session only through auth, and from then on accepts
//   session-bound requests only for the sessions proved through it;
// - limits each session (envelopes, receipts, searches) and the connection;
// - answers every request itself, so no handle of a hub actor crosses the
//   wire, and hands the hub actors a local outlet per session that passes
//   what they send the member on as coming from the gateway.
// Behind it is either the hub's own actors or, on a cluster node, the
// router playing all four.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <caf/io/middleman_actor.hpp>

#include "core/interfaces.hpp"

namespace chatter {

// Token buckets: sustained rate per second and burst, each far above what a
// person (or a client batching for one) sends, far below what tires the hub.
struct rate {
  double per_second;
  double burst;
};

struct gateway_limits {
  rate requests{5000, 20000};   // any request, per connection
  rate envelopes{1000, 10000};  // per session
  rate receipts{2000, 20000};   // acks and read receipts, per session
  rate searches{20, 100};       // directory searches, per session
  size_t gateways_per_address = 32;
  std::chrono::milliseconds forward_timeout{std::chrono::seconds(9)};
  // The connection reaper (gateway/reaper.hpp) closes a connection that
  // says no hello this long after it was accepted (CAF's handshake
  // included), or holds no session this long after its hello or its last
  // session's end.
  std::chrono::milliseconds handshake_deadline{std::chrono::seconds(5)};
  std::chrono::milliseconds login_deadline{std::chrono::seconds(30)};
};

struct gateway_config {
  hub_actors hub;
  std::string address;       // the member's host as the connection shows it
  caf::node_id member_node;  // none for the daemon's own accounts
  member_link_actor link;    // the member's end of the connection
  caf::actor lifetime;       // the gateway ends with it (stop_hub)
  gateway_limits limits;
  connection_reaper_actor reaper;  // hears how many sessions it holds; null: none
};

member_gateway_actor spawn_gateway(caf::actor_system& sys, gateway_config config);

using node_door_actor =
  caf::typed_actor<caf::replies_to<hello_atom, std::string /*address*/, bytes /*proof*/,
                                   caf::node_id, cluster_node_actor>::with<cluster_node_actor>>;

struct front_config {
  hub_actors hub;
  caf::io::middleman_actor middleman;  // the one the hub listens with
  caf::actor lifetime;
  gateway_limits limits;
  // A cluster node: its router, which checks a peer node's hello (named with
  // the node the hello came from, as CAF saw it) and answers its link.
  node_door_actor node_door;
  // Hears of each hello, with its connection's address; null: none.
  connection_reaper_actor reaper;
};

hub_front_actor spawn_front(caf::actor_system& sys, front_config config);

}  // namespace chatter
