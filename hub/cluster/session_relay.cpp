// A session relay: the home node's auth, keys, mailbox and registry hold it
// as the member's actor. It passes everything on to the member as coming
// from the router, the only hub the member knows (the member checks that
// re-challenges, presence and revocations come from its hub). It ends with
// the session: when the member goes away, or the home revokes the session;
// auth, which monitors it, then ends the session at the home too.
//
// Peer nodes hold its handle, so it is shielded, and it takes news only from
// this node's hub actors and from the nodes linked to this one (their
// mailboxes send receipts, their registries presence); the router tells it
// when that set changes.
#include <algorithm>

#include "router_state.hpp"
#include "wire/system_messages.hpp"

namespace chatter::cluster {

namespace {

struct relay_state {
  std::string session;
  std::vector<caf::actor_addr> hub;  // this node's hub actors
  std::vector<caf::node_id> nodes;   // the linked peer nodes
  uint64_t refused = 0;
  uint64_t ignored_system_messages = 0;
  static inline const char* name = "cluster_session_relay";
};

using relay_ptr = caf::stateful_actor<relay_state, shielded<caf::event_based_actor>>*;

bool from_hub(relay_ptr self) {
  auto& st = self->state;
  auto& sender = self->current_sender();
  if (sender) {
    if (sender->node() == self->node()) {
      auto addr = caf::actor_cast<caf::actor_addr>(sender);
      if (std::find(st.hub.begin(), st.hub.end(), addr) != st.hub.end())
        return true;
    } else if (std::find(st.nodes.begin(), st.nodes.end(), sender->node()) != st.nodes.end()) {
      return true;
    }
  }
  ++st.refused;
  return false;
}

caf::behavior session_relay(relay_ptr self, caf::actor router, session_peer_actor member,
                            std::vector<caf::actor_addr> hub, std::vector<caf::node_id> nodes) {
  self->state.hub = std::move(hub);
  self->state.nodes = std::move(nodes);
  self->guard_with(router.address());
  obey_exits_only_from(self, router.address(), "cluster session relay",
                       &self->state.ignored_system_messages);
  self->monitor(member);
  auto end = [=] {
    if (!self->state.session.empty())
      self->send(router, offline_atom_v, self->state.session);
    self->quit();
  };
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source == member.address() && source_ended(dm.source))
      end();
  });
  // As from the router: the member checks its hub's news comes from its hub.
  auto pass = [=](auto... xs) {
    if (from_hub(self))
      caf::send_as(router, member, xs...);
  };
  return {
    [=](login_atom, const std::string& granted) {
      if (self->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(router))
        self->state.session = granted;
    },
    [=](join_atom, const std::vector<caf::node_id>& nodes) {
      if (self->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(router))
        self->state.nodes = nodes;
    },
    [=](challenge_atom a, const std::string& s, const std::string& nonce) { pass(a, s, nonce); },
    [=](revoked_atom a, const std::string& s, const std::string& reason) {
      if (!from_hub(self))
        return;
      caf::send_as(router, member, a, s, reason);
      end();
    },
    [=](deliver_atom a, const envelope& env) { pass(a, env); },
    [=](deliver_atom a, const std::vector<envelope>& envs) { pass(a, envs); },
    [=](receipt_atom a, const std::string& id, const std::string& recipient,
        const std::string& state) { pass(a, id, recipient, state); },
    [=](receipt_atom a, const std::vector<receipt_info>& rs) { pass(a, rs); },
    [=](presence_atom a, const presence_info& info) { pass(a, info); },
    [=](consent_atom a, const consent_entry& e) { pass(a, e); },
    [=](replenish_atom a, uint32_t left) { pass(a, left); },
  };
}

}  // namespace

caf::actor spawn_relay(router_actor* self, const caf::actor& member) {
  auto& local = self->state.config.local;
  std::vector<caf::actor_addr> hub{local.registry.address(), local.auth.address(),
                                   local.keys.address(), local.mailbox.address()};
  // Linked: the relays go with the router (the one exit they obey).
  return self->spawn<caf::linked>(session_relay, caf::actor_cast<caf::actor>(self),
                                  caf::actor_cast<session_peer_actor>(member), std::move(hub),
                                  self->state.linked_nodes());
}

void tell_relays_of_nodes(router_actor* self) {
  auto nodes = self->state.linked_nodes();
  for (auto& [token, s] : self->state.sessions)
    if (s.relay)
      caf::send_as(caf::actor_cast<caf::actor>(self), s.relay, join_atom_v, nodes);
}

std::vector<caf::node_id> router_state::linked_nodes() const {
  std::vector<caf::node_id> out;
  for (auto& [address, peer] : peers)
    if (peer.link)
      out.push_back(peer.node);
  return out;
}

}  // namespace chatter::cluster
