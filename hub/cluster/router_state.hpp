// The router's state (router.hpp): the ring, the other nodes, the sessions
// this node is the entry of, and a move of users in progress. Private to the
// cluster/ sources.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "ring.hpp"
#include "router.hpp"
#include "wire/shielded.hpp"

namespace chatter::cluster {

// Below the members' own 10 s, so a member hears HubUnreachable, not Timeout.
inline constexpr auto forward_timeout = std::chrono::seconds(8);
// A directory search answers with what the nodes said by then.
inline constexpr auto search_deadline = std::chrono::seconds(2);
inline constexpr size_t transfer_chunk = size_t{512} * 1024;
// A link passes requests on for as long as the longest asker waits (a join's
// hand-over); each asker keeps its own, shorter, timeout.
inline constexpr auto link_timeout = std::chrono::minutes(3);

// Our link for a peer node (node_link.cpp): it takes what the peer sends us,
// and it is where this router sends what is for the peer, so that no
// message the peer receives names the router.
using node_link_actor = cluster_node_actor::extend<
  // From the router that spawned it to dial: hello at the peer's front,
  // answering the peer's link for us.
  caf::replies_to<hello_atom, hub_front_actor, std::string /*our address*/,
                  bytes /*proof*/>::with<cluster_node_actor>>;

struct peer_link {
  node_link_actor link;  // null while the node is unreachable or not yet linked
  caf::node_id node;     // the peer's, while linked
  bool connecting = false;
  std::chrono::milliseconds backoff{250};
  unsigned failures = 0;
};

// A session granted through this node: its member is connected here.
struct entry_session {
  std::string user;
  caf::actor member;
  caf::actor relay;  // a session_peer_actor the home holds
  // Its home node went down: the session died there, so it is voided (the
  // member logs in again) once the home is back.
  bool orphaned = false;
};

// A login under way: the home's attempt id, behind ours.
struct login_route {
  std::string node;
  std::string user;
  uint64_t attempt = 0;
  std::string address;  // the member's, as its gateway named it
  std::chrono::steady_clock::time_point started;
};

// Users of this node whose home is now a node that joined.
struct handoff {
  std::string to;
  ring before;
  ring after;
  bool exporting = false;  // their requests wait while their rows move
  bool started = false;
  std::vector<std::function<void()>> held;
  std::optional<caf::typed_response_promise<caf::ok_atom>> join_reply;
};

struct router_state {
  router_config config;
  ring current;
  ring previous;                           // a joining node: the ring before it came
  std::set<std::string> handoffs_pending;  // old homes still holding our users
  std::set<std::string> handed_off_to;
  std::set<std::string> received_from;
  std::optional<handoff> moving;
  std::map<std::string, peer_link> peers;         // by address
  std::map<caf::actor_addr, std::string> links;   // our live links, to the peer's address
  std::map<std::string, entry_session> sessions;  // by session token
  // Every session the cluster told us of: user and entry node.
  std::map<std::string, std::pair<std::string, std::string>> known_sessions;
  // What this node's hub actors hold for a session entered elsewhere: an
  // outlet passing on to the entry node's relay, as this router.
  std::map<std::string, session_peer_actor> remote_peers;
  std::map<uint64_t, login_route> logins;
  uint64_t next_login = 1;
  std::map<std::string, bytes> incoming;  // a snapshot arriving, by sender
  caf::actor transfer;                    // SQLite work, off the scheduler
  uint64_t ignored_system_messages = 0;

  static inline const char* name = "hub_router";

  struct target {
    std::string node;
    bool hold = false;
  };
  // Where `key` is served now; `from` is the node that sent the request here
  // (empty for a member), never sent back its way.
  target owner_of(const std::string& key, const std::string& from) const;
  bool moving_out(const std::string& key) const;
  // Where to send what is for a linked peer node (null if not linked).
  caf::actor peer_router(const std::string& node) const;
  std::vector<caf::node_id> linked_nodes() const;
  // The peer a message came from: the address of the link it came through,
  // empty for anything else.
  std::string peer_address(const caf::strong_actor_ptr& sender) const;
  void save() const;
};

// Peers hold its handle: shielded (common/shielded.hpp).
using router_actor = caf::stateful_actor<router_state, shielded<cluster_router_actor::base>>;

// router.cpp: the answers of every node to a directory search as one list:
// users whose name starts with `query` (any case) first, then by name, each
// user once, at most `limit`.
std::vector<presence_info> merge_search(std::vector<presence_info> all, const std::string& query,
                                        uint32_t limit);

// membership.cpp
void start_membership(router_actor* self);
caf::typed_response_promise<caf::ok_atom> on_join(router_actor* self, const std::string& address,
                                                  const bytes& proof);
caf::typed_response_promise<caf::ok_atom> on_import(router_actor* self, uint32_t index,
                                                    uint32_t total, const bytes& chunk);
// router.cpp: a session this node is the entry of has ended: its relay
// goes, and every node hears (`tell_home`: the home's auth too).
void session_ended(router_actor* self, const std::string& session, bool tell_home);
// This node's keys, mailbox and registry forget a session.
void forget_session(router_actor* self, const std::string& session);

// Ends a session this node is the entry of and has the member log in again
// (its home restarted, or the user moved to another node).
void lose_session(router_actor* self, const std::string& token);
caf::result<cluster_node_actor> on_hello(router_actor* self, const std::string& address,
                                         const bytes& proof, const caf::node_id& peer,
                                         const cluster_node_actor& theirs);
void on_retry(router_actor* self, const std::string& address);   // reconnect timer
void on_rejoin(router_actor* self, const std::string& address);  // join again timer
bytes join_proof(const std::string& secret, const std::string& address);

// session_relay.cpp: what the home node holds as the member's actor.
// Told its session (login_atom) once the home grants it; takes news only
// from this node's hub actors and the linked nodes, of which
// `tell_relays_of_nodes` tells it after every change.
caf::actor spawn_relay(router_actor* self, const caf::actor& member);
void tell_relays_of_nodes(router_actor* self);

// node_link.cpp: our link for the peer at `address` on node `peer`;
// `theirs` (null when we dial: the hello fills it in) is the peer's link for
// us. Registered in `links` from the start.
node_link_actor spawn_node_link(router_actor* self, const caf::node_id& peer,
                                const std::string& address, const cluster_node_actor& theirs);

// shard_transfer.cpp: list, export, import and delete, on a detached actor.
caf::actor spawn_transfer_worker(caf::actor_system& sys, const std::string& database_path);

}  // namespace chatter::cluster
