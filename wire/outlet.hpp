// An outlet: the one actor of either side of the wire that the other side
// holds for a session. Both the hub (hub/gateway, hub/cluster) and the member
// (member/account/login.cpp) spawn them.
#pragma once

#include "core/interfaces.hpp"

namespace chatter {

// What the hub sends a session (challenges, envelopes, receipts...) passes
// through outlets, so that the actor a peer holds is never one with a wider
// interface:
// - at the hub, the hub actors hold one as the session's peer; it passes
//   each message on to the member as sent by the gateway (or a router);
// - at the member, the hub holds one (the inlet) instead of the account;
//   it takes messages only from the gateway and passes them to the account.
// An outlet ends when `member` does, after passing on a revocation, or when
// its guardian tells it to.
struct outlet_config {
  session_peer_actor member;  // where messages go
  caf::actor speaker;         // sent as this actor; null: as the outlet
  caf::actor_addr only_from;  // messages from anyone else are dropped; null: any
  caf::actor_addr guardian;   // the only actor whose exit message ends it
};

session_peer_actor spawn_outlet(caf::actor_system& sys, outlet_config config);

}  // namespace chatter
