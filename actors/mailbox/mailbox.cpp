#include "mailbox/mailbox.hpp"

#include <memory>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>

#include "chat/envelope.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/guarded.hpp"
#include "common/session_table.hpp"
#include "store/hub_store.hpp"

namespace chatter {

namespace {

using queue_size = store::hub_store::queue_size;

struct mailbox_state {
  mailbox_config config;
  std::unique_ptr<store::hub_store> store;
  session_table sessions;
  uint64_t refused = 0;
  // What waits per recipient, read from the store once and kept up to date.
  std::unordered_map<std::string, queue_size> queued;
  // Group commit: the answers owed for what this batch wrote, given once
  // its commit is on disk.
  std::vector<caf::typed_response_promise<caf::ok_atom>> awaiting_commit;
  uint64_t batches = 0;
  static inline const char* name = "mailbox";
};

// The flush it sends itself is no part of what others may ask of it.
using mailbox_impl = mailbox_actor::extend<caf::reacts_to<flush_atom>>;
using mailbox_ptr = mailbox_impl::stateful_pointer<mailbox_state>;

caf::error refuse(mailbox_ptr self, errc code, const std::string& why) {
  auto& n = ++self->state.refused;
  if ((n & (n - 1)) == 0)  // 1, 2, 4, 8...: a flood does not flood the log
    spdlog::warn("mailbox: refused an envelope ({} so far): {}", n, why);
  return make_error(code, why);
}

queue_size& queue_of(mailbox_ptr self, const std::string& recipient) {
  auto& queued = self->state.queued;
  auto i = queued.find(recipient);
  if (i == queued.end())
    i = queued.emplace(recipient, self->state.store->queued_for(recipient)).first;
  return i->second;
}

// Opens this turn's batch at its first write. The flush queues behind every
// message already in the mailbox, so under load one commit carries them all.
void join_batch(mailbox_ptr self) {
  if (self->state.store->in_batch())
    return;
  self->state.store->begin_batch();
  self->send(self, flush_atom_v);
}

caf::typed_response_promise<caf::ok_atom> answer_after_commit(mailbox_ptr self) {
  auto rp = self->make_response_promise<caf::ok_atom>();
  self->state.awaiting_commit.push_back(rp);
  return rp;
}

// One sync for the whole batch, then every answer it owes. A failed commit
// keeps nothing: senders hear StorageFailed and send again (the recipient
// dedupes what it may already have been shown).
void flush(mailbox_ptr self) {
  auto& st = self->state;
  auto owed = std::move(st.awaiting_commit);
  st.awaiting_commit.clear();
  auto err = guarded("mailbox", [&]() -> caf::error {
    st.store->commit_batch();
    return {};
  });
  ++st.batches;
  if (err)
    st.queued.clear();  // the counts included what was rolled back
  for (auto& rp : owed)
    err ? rp.deliver(err) : rp.deliver(caf::ok_atom_v);
}

void tell_sender(mailbox_ptr self, const std::string& sender, const store::hub_store::receipt& r) {
  for (auto& peer : self->state.sessions.peers_of(sender))
    self->send(peer, receipt_atom_v, r.id, r.recipient, r.state);
}

void go_online(mailbox_ptr self, const std::string& session, const std::string& user,
               const session_peer_actor& peer) {
  auto& st = self->state;
  st.sessions.add(session, user, peer);
  for (auto& env : st.store->envelopes_for(user))
    self->send(peer, deliver_atom_v, env);
  join_batch(self);
  for (auto& r : st.store->take_receipts(user))
    self->send(peer, receipt_atom_v, r.id, r.recipient, r.state);
}

// Why `env` from `user` cannot be queued, or nothing.
caf::error check_envelope(mailbox_ptr self, const std::string& user, const envelope& env,
                          const std::optional<envelope_header>& header) {
  auto& store = *self->state.store;
  if (!header || env.ciphertext.size() > max_ciphertext_bytes || env.signature.size() > 1024)
    return refuse(self, errc::invalid_argument, "malformed envelope");
  if (header->from != user)
    return refuse(self, errc::invalid_argument, "the envelope's sender is not you");
  if (!store.find_user(header->to))
    return make_error(errc::not_found, "no user named '" + header->to + "'");
  // The hub keeps room membership: nobody writes into a room they are not
  // in, nor to someone who left it.
  if (!header->room.empty()
      && (!store.is_member(header->room, user) || !store.is_member(header->room, header->to)))
    return refuse(self, errc::not_found,
                  "'" + header->to + "' and you are not both in #" + header->room);
  auto& queue = queue_of(self, header->to);
  if (queue.envelopes >= self->state.config.max_envelopes
      || queue.bytes + env.header.size() + env.ciphertext.size() + env.signature.size()
           > self->state.config.max_bytes)
    return refuse(self, errc::quota_exceeded,
                  "'" + header->to + "' has too much waiting at the hub ("
                    + std::to_string(queue.envelopes)
                    + " messages); it is refused until they read their mail");
  return {};
}

// Queued in this turn's batch and forwarded to the recipient at once, while
// the commit is still ahead: the sender hears "ok" only after it.
caf::result<caf::ok_atom> enqueue(mailbox_ptr self, const std::string& session,
                                  const envelope& env) {
  auto& st = self->state;
  auto user = st.sessions.user_of(session, self->current_sender(), self->node());
  if (!user)
    return refuse(self, errc::not_logged_in, "sending needs a session");
  auto header = decode_header(env.header);
  if (auto err = check_envelope(self, *user, env, header))
    return err;
  join_batch(self);
  if (st.store->add_envelope(header->to, header->from, header->id, env, now_ms())) {
    auto& queue = queue_of(self, header->to);
    queue.envelopes += 1;
    queue.bytes += env.header.size() + env.ciphertext.size() + env.signature.size();
    for (auto& peer : st.sessions.peers_of(header->to))
      self->send(peer, deliver_atom_v, env);
  }
  return answer_after_commit(self);
}

caf::result<caf::ok_atom> acknowledge(mailbox_ptr self, const std::string& session,
                                      const std::string& sender, const std::string& id) {
  auto& st = self->state;
  auto user = st.sessions.user_of(session, self->current_sender(), self->node());
  if (!user)
    return refuse(self, errc::not_logged_in, "acknowledging needs a session");
  join_batch(self);
  if (auto size = st.store->remove_envelope(*user, sender, id)) {
    if (auto i = st.queued.find(*user); i != st.queued.end()) {
      i->second.envelopes -= std::min<uint64_t>(i->second.envelopes, 1);
      i->second.bytes -= std::min(i->second.bytes, *size);
    }
    // The recipient stored it before acking: "delivered" is true already.
    tell_sender(self, sender, {id, *user, "delivered"});
  }
  return answer_after_commit(self);
}

caf::result<caf::ok_atom> read_receipts(mailbox_ptr self, const std::string& session,
                                        const std::string& sender,
                                        const std::vector<std::string>& ids) {
  auto& st = self->state;
  auto user = st.sessions.user_of(session, self->current_sender(), self->node());
  if (!user)
    return refuse(self, errc::not_logged_in, "read receipts need a session");
  if (ids.size() > 10000)
    return refuse(self, errc::invalid_argument, "at most 10000 read receipts at once");
  // Only for what was really delivered to this user by `sender`.
  std::vector<std::string> wanted;
  for (auto& id : ids)
    if (!id.empty() && id.size() <= 64)
      wanted.push_back(id);
  join_batch(self);
  for (auto& r : st.store->read_receipts(*user, sender, wanted))
    tell_sender(self, sender, r);
  return answer_after_commit(self);
}

mailbox_impl::behavior_type mailbox(mailbox_ptr self, mailbox_config config) {
  self->state.config = config;
  self->state.store = std::make_unique<store::hub_store>(config.database_path);
  return {
    [=](online_atom, const std::string& session, const std::string& user,
        const session_peer_actor& peer) {
      if (from_own_node(self))
        guarded("mailbox", [&] { go_online(self, session, user, peer); });
    },
    [=](offline_atom, const std::string& session) {
      if (from_own_node(self))
        self->state.sessions.remove(session);
    },
    [=](flush_atom) {
      if (self->current_sender() == self->ctrl())
        flush(self);
    },
    [=](enqueue_atom, const std::string& session,
        const envelope& env) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&] { return enqueue(self, session, env); });
    },
    [=](ack_atom, const std::string& session, const std::string& sender,
        const std::string& id) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&] { return acknowledge(self, session, sender, id); });
    },
    [=](readrcpt_atom, const std::string& session, const std::string& sender,
        const std::vector<std::string>& ids) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&] { return read_receipts(self, session, sender, ids); });
    },
  };
}

} // namespace

mailbox_actor spawn_mailbox(caf::actor_system& sys, mailbox_config config) {
  // Detached: it waits on SQLite's sync, which no scheduler thread should.
  return sys.spawn<caf::detached>(mailbox, std::move(config));
}

} // namespace chatter
