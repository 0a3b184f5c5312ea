#include "mailbox/mailbox.hpp"

#include <unordered_map>

#include <spdlog/spdlog.h>

#include "chat/envelope.hpp"
#include "common/clock.hpp"
#include "common/guarded.hpp"
#include "common/errors.hpp"
#include "common/session_table.hpp"
#include "store/hub_store.hpp"

namespace chatter {

mailbox_actor::behavior_type mailbox(mailbox_actor::pointer self, mailbox_config config) {
  auto store = std::make_shared<store::hub_store>(config.database_path);
  auto sessions = std::make_shared<session_table>();
  auto refused = std::make_shared<uint64_t>(0);
  // What waits per recipient, read from the store once and kept up to date.
  auto queued = std::make_shared<std::unordered_map<std::string, store::hub_store::queue_size>>();
  auto queue_of = [=](const std::string& recipient) -> store::hub_store::queue_size& {
    auto i = queued->find(recipient);
    if (i == queued->end())
      i = queued->emplace(recipient, store->queued_for(recipient)).first;
    return i->second;
  };

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
      if (!from_own_node(self))
        return;
      guarded("mailbox", [&] {
        sessions->add(session, user, peer);
        for (auto& env : store->envelopes_for(user))
          self->send(peer, deliver_atom_v, env);
        for (auto& r : store->take_receipts(user))
          self->send(peer, receipt_atom_v, r.id, r.recipient, r.state);
      });
    },
    [=](offline_atom, const std::string& session) {
      if (from_own_node(self))
        sessions->remove(session);
    },
    [=](enqueue_atom, const std::string& session,
        const envelope& env) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&]() -> caf::result<caf::ok_atom> {
        auto sender = self->current_sender();
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
        auto& queue = queue_of(header->to);
        auto size = env.header.size() + env.ciphertext.size() + env.signature.size();
        if (queue.envelopes >= config.max_envelopes || queue.bytes + size > config.max_bytes)
          return refuse(errc::quota_exceeded,
                        "'" + header->to + "' has too much waiting at the hub ("
                          + std::to_string(queue.envelopes)
                          + " messages); it is refused until they read their mail");
        if (store->add_envelope(header->to, header->from, header->id, env, now_ms())) {
          queue.envelopes += 1;
          queue.bytes += size;
          for (auto& peer : sessions->peers_of(header->to))
            self->send(peer, deliver_atom_v, env);
        }
        return caf::ok_atom_v;
      });
    },
    [=](ack_atom, const std::string& session, const std::string& sender,
        const std::string& id) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&]() -> caf::result<caf::ok_atom> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse(errc::not_logged_in, "acknowledging needs a session");
        if (auto size = store->remove_envelope(*user, sender, id)) {
          if (auto i = queued->find(*user); i != queued->end()) {
            i->second.envelopes -= std::min<uint64_t>(i->second.envelopes, 1);
            i->second.bytes -= std::min(i->second.bytes, *size);
          }
          tell_sender(sender, {id, *user, "delivered"});
        }
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
        // Only for what was really delivered to this user by `sender`.
        std::vector<std::string> wanted;
        for (auto& id : ids)
          if (!id.empty() && id.size() <= 64)
            wanted.push_back(id);
        auto receipts = store->read_receipts(*user, sender, wanted);
        for (auto& r : receipts)
          tell_sender(sender, r);
        return caf::ok_atom_v;
      });
    },
  };
}

} // namespace chatter
