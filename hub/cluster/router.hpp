// One node of a hub cluster (`chatterd --hub-node --cluster ...`). The router
// is what the node publishes: members and the other nodes talk to it, never
// to the node's registry, auth, keys and mailbox directly. It plays all four
// (the hub front hands out the router under each of the four names), and
// sends each request to the node where the user it concerns lives: the
// user's home on the consistent-hash ring (ring.hpp), through the home
// node's router. A directory search asks every node and merges.
//
// Sessions: a member logs in at the node it is connected to (its entry
// node). The entry router gives the home node's auth a session relay
// (session_relay.cpp) instead of the member's own actor, so everything the
// home sends the member (re-challenges, envelopes, receipts, presence) comes
// back through the entry node, as if from the hub the member knows. The
// entry router then tells every node of the session, so any node's keys,
// mailbox and registry accept it from the routers.
//
// Members reach the router only through the node's gateways (gateway/), which
// check their sessions and limits and name their network address. Peers
// never hold it: a peer that proves the cluster secret at the node's front
// gets a link (node_link.cpp) that takes messages from that node only and
// passes them on as its own, so the router knows a peer by the link a
// message came through, never by the node id a message claims.
//
// Membership: nodes agree on the member list given at start. A node started
// with --join is new: the nodes already running hand over the users whose
// home moves to it (membership.cpp), and until each has, requests for those
// users still go to their old home.
#pragma once

#include <set>
#include <string>

#include <caf/io/middleman_actor.hpp>

#include "core/interfaces.hpp"

namespace chatter::cluster {

struct router_config {
  std::string self_address;            // HOST:PORT, as the member list spells it
  std::set<std::string> members;       // the ring at start, this node included
  bool joining = false;                // added to a running cluster
  std::string secret;                  // shared by the nodes; proves a join
  std::string database_path;           // the node's hub.db
  std::string state_file;              // what the node learned about membership
  hub_actors local;                    // this node's own hub actors
  caf::io::middleman_actor middleman;  // plain TCP or TLS, as members use
  caf::actor lifetime;                 // the hub's (stop_hub): the router ends with it
};

// The router as this node's own actors see it: what peers send through
// their links, and what only this node sends it. Never crosses the wire.
using cluster_router_actor = cluster_node_actor::extend<
  // From this node's front: a peer node proved the cluster secret and handed
  // over its link for us; the answer is our link for it.
  caf::replies_to<hello_atom, std::string /*address*/, bytes /*proof*/, caf::node_id,
                  cluster_node_actor>::with<cluster_node_actor>,
  // Its own timers: dial a peer again, join a peer again.
  caf::reacts_to<retry_atom, std::string /*address*/>,
  caf::reacts_to<join_atom, std::string /*address*/>>;

cluster_router_actor spawn_router(caf::actor_system& sys, router_config config);

// The router under the names of the four hub actors: what the node's
// gateways forward to. A row the router lacks is a compile error here.
hub_actors as_hub(const cluster_router_actor& router);

// The proof a node at `address` shows the node it dials: an HMAC of the
// cluster secret over its address and both nodes' ids, so a proof seen on
// the wire opens no other connection (empty without a secret).
bytes node_proof(const std::string& secret, const std::string& address, const caf::node_id& from,
                 const caf::node_id& to);

}  // namespace chatter::cluster
