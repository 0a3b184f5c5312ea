// A session relay: the home node's auth, keys, mailbox and registry hold it
// as the member's actor. It passes everything on to the member as coming
// from the router, the only hub the member knows (the member checks that
// re-challenges, presence and revocations come from its hub). It ends with
// the session: when the member goes away, or the home revokes the session;
// auth, which monitors it, then ends the session at the home too.
#include "cluster/router_state.hpp"

namespace chatter::cluster {

namespace {

caf::behavior session_relay(caf::event_based_actor* self, caf::actor router,
                            session_peer_actor member) {
  self->monitor(member);
  auto session = std::make_shared<std::string>();
  auto end = [=] {
    if (!session->empty())
      self->send(router, offline_atom_v, *session);
    self->quit();
  };
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source == member.address())
      end();
  });
  return {
    [=](login_atom, const std::string& granted) {
      if (self->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(router))
        *session = granted;
    },
    [=](challenge_atom a, const std::string& s, const std::string& nonce) {
      caf::send_as(router, member, a, s, nonce);
    },
    [=](revoked_atom a, const std::string& s, const std::string& reason) {
      caf::send_as(router, member, a, s, reason);
      end();
    },
    [=](deliver_atom a, const envelope& env) { caf::send_as(router, member, a, env); },
    [=](receipt_atom a, const std::string& id, const std::string& recipient,
        const std::string& state) { caf::send_as(router, member, a, id, recipient, state); },
    [=](presence_atom a, const presence_info& info) { caf::send_as(router, member, a, info); },
    [=](replenish_atom a, uint32_t left) { caf::send_as(router, member, a, left); },
  };
}

} // namespace

caf::actor spawn_relay(router_actor* self, const caf::actor& member) {
  // Linked: the relays go with the router.
  return self->spawn<caf::linked>(session_relay, caf::actor_cast<caf::actor>(self),
                                  caf::actor_cast<session_peer_actor>(member));
}

} // namespace chatter::cluster
