#include "mailbox/mailbox.hpp"

#include <spdlog/spdlog.h>

#include "chat/envelope.hpp"
#include "common/clock.hpp"
#include "common/guarded.hpp"
#include "common/node_rate_limit.hpp"
#include "common/errors.hpp"
#include "common/session_table.hpp"
#include "store/hub_store.hpp"

namespace chatter {

mailbox_actor::behavior_type mailbox(mailbox_actor::pointer self,
                                     std::string database_path) {
  auto store = std::make_shared<store::hub_store>(database_path);
  auto sessions = std::make_shared<session_table>();
  auto refused = std::make_shared<uint64_t>(0);
  // Per remote host: far above what people type, well below a flood. The
  // hub's own node (accounts of the daemon hosting it) is not limited.
  auto per_node = std::make_shared<node_rate_limit>(1000, 5000);

  auto refuse = [=](errc code, const std::string& why) {
    ++*refused;
    spdlog::warn("mailbox: refused an envelope ({} so far): {}", *refused, why);
    return make_error(code, why);
  };

  // A receipt (stored by the caller) goes to the sender now if online; the
  // stored copy reaches them at their next login all the same, since a
  // message in flight dies with a killed daemon.
  auto tell_sender = [=](const std::string& sender, const store::hub_store::receipt& r) {
    for (auto& peer : sessions->peers_of(sender))
      self->send(peer, receipt_atom_v, r.id, r.recipient, r.state);
  };

  return {
    [=](online_atom, const std::string& session, const std::string& user,
        const session_peer_actor& peer) {
      guarded("mailbox", [&] {
        sessions->add(session, user, peer);
        for (auto& env : store->envelopes_for(user))
          self->send(peer, deliver_atom_v, env);
        for (auto& r : store->take_receipts(user))
          self->send(peer, receipt_atom_v, r.id, r.recipient, r.state);
      });
    },
    [=](offline_atom, const std::string& session) { sessions->remove(session); },
    [=](enqueue_atom, const std::string& session,
        const envelope& env) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&]() -> caf::result<caf::ok_atom> {
        auto sender = self->current_sender();
        if (sender && sender->node() != self->node()
            && !per_node->allow(caf::to_string(sender->node())))
          return refuse(errc::rate_limited, "too many envelopes from this host; slow down");
        auto user = sessions->user_of(session, sender, self->node());
        if (!user)
          return refuse(errc::not_logged_in, "sending needs a session");
        auto header = decode_header(env.header);
        if (!header || env.ciphertext.size() > max_ciphertext_bytes
            || env.signature.size() > 1024)
          return refuse(errc::invalid_argument, "malformed envelope");
        if (header->from != *user)
          return refuse(errc::invalid_argument, "the envelope's sender is not you");
        if (!store->find_user(header->to))
          return make_error(errc::not_found, "no user named '" + header->to + "'");
        // The hub keeps room membership: nobody writes into a room they are
        // not in, nor to someone who left it.
        if (!header->room.empty()
            && (!store->is_member(header->room, *user) || !store->is_member(header->room, header->to)))
          return refuse(errc::not_found, "'" + header->to + "' and you are not both in #"
                                           + header->room);
        if (store->add_envelope(header->to, header->from, header->id, env, now_ms()))
          for (auto& peer : sessions->peers_of(header->to))
            self->send(peer, deliver_atom_v, env);
        return caf::ok_atom_v;
      });
    },
    [=](ack_atom, const std::string& session, const std::string& sender,
        const std::string& id) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&]() -> caf::result<caf::ok_atom> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse(errc::not_logged_in, "acknowledging needs a session");
        if (store->remove_envelope(*user, sender, id))
          tell_sender(sender, {id, *user, "delivered"});
        return caf::ok_atom_v;
      });
    },
    [=](readrcpt_atom, const std::string& session, const std::string& sender,
        const std::vector<std::string>& ids) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&]() -> caf::result<caf::ok_atom> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse(errc::not_logged_in, "read receipts need a session");
        if (ids.size() > 10000)
          return refuse(errc::invalid_argument, "at most 10000 read receipts at once");
        // The hub cannot tell whether these ids are real: a made-up one only
        // reaches a sender who has no such message and ignores it.
        std::vector<store::hub_store::receipt> receipts;
        for (auto& id : ids)
          if (!id.empty() && id.size() <= 64)
            receipts.push_back({id, *user, "read"});
        store->add_receipts(sender, receipts);
        for (auto& r : receipts)
          tell_sender(sender, r);
        return caf::ok_atom_v;
      });
    },
  };
}

} // namespace chatter
