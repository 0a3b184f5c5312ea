#include "mailbox/mailbox.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
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

// A write the next flush runs in its transaction, and whom it answers.
// `write` calls the store and then files, in `after_commit`, what may only
// be said once the write is durable.
struct pending_write {
  std::function<void()> write;
  caf::typed_response_promise<caf::ok_atom> answer;
};

struct mailbox_state {
  mailbox_config config;
  std::unique_ptr<store::hub_store> store;
  session_table sessions;
  uint64_t refused = 0;
  // What waits per recipient, read from the store once and kept up to date
  // (what the pending batch adds included).
  std::unordered_map<std::string, queue_size> queued;
  std::vector<pending_write> pending;
  std::unordered_set<std::string> pending_envelopes;  // envelope_key()s
  std::vector<std::function<void()>> after_commit;
  // The flush in the mail carries the generation it was sent for: one that
  // comes after its batch was committed early is stale.
  uint64_t generation = 0;
  bool flush_due = false;
  std::chrono::steady_clock::time_point last_commit{};
  uint64_t batches = 0;
  static inline const char* name = "mailbox";
};

// The flush it sends itself is no part of what others may ask of it.
using mailbox_impl = mailbox_actor::extend<caf::reacts_to<flush_atom, uint64_t>>;
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

std::string envelope_key(const std::string& recipient, const std::string& sender,
                         const std::string& id) {
  return recipient + '\0' + sender + '\0' + id;
}

// Each write runs on its own (a savepoint, store/statements.hpp), so one
// that fails answers its error and the others still commit; once SQLite
// has dropped the whole transaction, nothing more is tried.
caf::error run_batch(mailbox_ptr self, std::vector<pending_write>& batch,
                     std::vector<caf::error>& outcomes) {
  auto& store = *self->state.store;
  return guarded("mailbox", [&]() -> caf::error {
    store.begin_batch();
    for (auto& w : batch) {
      outcomes.push_back(guarded("mailbox", [&]() -> caf::error {
        w.write();
        return {};
      }));
      if (outcomes.back() && store.batch_lost())
        throw std::runtime_error("SQLite rolled the batch back");
    }
    store.commit_batch();
    return {};
  });
}

// One sync for the whole batch, then every answer it owes. A failed commit
// keeps nothing: senders hear StorageFailed and send again (the recipient
// dedupes what it may already have been shown).
void flush(mailbox_ptr self) {
  auto& st = self->state;
  ++st.generation;
  st.flush_due = false;
  if (st.pending.empty())
    return;
  auto batch = std::move(st.pending);
  st.pending.clear();
  st.pending_envelopes.clear();
  std::vector<caf::error> outcomes;
  auto err = run_batch(self, batch, outcomes);
  auto effects = std::move(st.after_commit);
  st.after_commit.clear();
  st.last_commit = std::chrono::steady_clock::now();
  ++st.batches;
  if (err)
    st.queued.clear();  // the counts included what was rolled back
  else
    for (auto& effect : effects)
      effect();
  for (size_t i = 0; i < batch.size(); ++i) {
    auto& failure = err ? err : outcomes[i];
    failure ? batch[i].answer.deliver(failure) : batch[i].answer.deliver(caf::ok_atom_v);
  }
}

// The flush goes out at once after a quiet spell, and otherwise one
// interval after the last commit.
void schedule_flush(mailbox_ptr self) {
  auto& st = self->state;
  if (st.pending.size() >= st.config.max_batch) {
    flush(self);
    return;
  }
  if (st.flush_due)
    return;
  st.flush_due = true;
  auto next = st.last_commit + st.config.commit_interval;
  auto now = std::chrono::steady_clock::now();
  if (next <= now)
    self->send(self, flush_atom_v, st.generation);
  else
    self->delayed_send(self, next - now, flush_atom_v, st.generation);
}

// `write` joins the next batch; the current request is answered after it.
caf::typed_response_promise<caf::ok_atom> answer_after_commit(mailbox_ptr self,
                                                              std::function<void()> write) {
  auto rp = self->make_response_promise<caf::ok_atom>();
  self->state.pending.push_back({std::move(write), rp});
  schedule_flush(self);
  return rp;
}

void tell_sender(mailbox_ptr self, const std::string& sender, const store::hub_store::receipt& r) {
  for (auto& peer : self->state.sessions.peers_of(sender))
    self->send(peer, receipt_atom_v, r.id, r.recipient, r.state);
}

// Runs the pending batch first: what it holds for `user` is then in the
// store, and goes out with the rest.
void go_online(mailbox_ptr self, const std::string& session, const std::string& user,
               const session_peer_actor& peer) {
  auto& st = self->state;
  flush(self);
  st.sessions.add(session, user, peer);
  for (auto& env : st.store->envelopes_for(user))
    self->send(peer, deliver_atom_v, env);
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

// Forwarded to the recipient at once, while its write waits for the next
// commit: the sender hears "ok" only after it. A copy already queued or
// pending is neither stored nor forwarded again.
caf::result<caf::ok_atom> enqueue(mailbox_ptr self, const std::string& session,
                                  const envelope& env) {
  auto& st = self->state;
  auto user = st.sessions.user_of(session, self->current_sender(), self->node());
  if (!user)
    return refuse(self, errc::not_logged_in, "sending needs a session");
  auto header = decode_header(env.header);
  if (auto err = check_envelope(self, *user, env, header))
    return err;
  const auto& to = header->to;
  const auto& from = header->from;
  const auto& id = header->id;
  if (st.pending_envelopes.count(envelope_key(to, from, id)) > 0)
    return answer_after_commit(self, [] {});
  if (st.store->has_envelope(to, from, id))
    return caf::ok_atom_v;
  st.pending_envelopes.insert(envelope_key(to, from, id));
  auto& queue = queue_of(self, to);
  queue.envelopes += 1;
  queue.bytes += env.header.size() + env.ciphertext.size() + env.signature.size();
  for (auto& peer : st.sessions.peers_of(to))
    self->send(peer, deliver_atom_v, env);
  return answer_after_commit(self, [self, to, from, id, env] {
    self->state.store->add_envelope(to, from, id, env, now_ms());
  });
}

// The envelope goes, and its "delivered" receipt is kept, in the next
// commit; the sender hears of it after that.
caf::result<caf::ok_atom> acknowledge(mailbox_ptr self, const std::string& session,
                                      const std::string& sender, const std::string& id) {
  auto& st = self->state;
  auto user = st.sessions.user_of(session, self->current_sender(), self->node());
  if (!user)
    return refuse(self, errc::not_logged_in, "acknowledging needs a session");
  return answer_after_commit(self, [self, user = *user, sender, id] {
    auto& st = self->state;
    auto size = st.store->remove_envelope(user, sender, id);
    if (!size)
      return;
    if (auto i = st.queued.find(user); i != st.queued.end()) {
      i->second.envelopes -= std::min<uint64_t>(i->second.envelopes, 1);
      i->second.bytes -= std::min(i->second.bytes, *size);
    }
    // The recipient stored it before acking: "delivered" is true already.
    st.after_commit.push_back(
      [self, sender, r = store::hub_store::receipt{id, user, "delivered"}] {
        tell_sender(self, sender, r);
      });
  });
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
  return answer_after_commit(self, [self, user = *user, sender, wanted] {
    auto receipts = self->state.store->read_receipts(user, sender, wanted);
    self->state.after_commit.push_back([self, sender, receipts] {
      for (auto& r : receipts)
        tell_sender(self, sender, r);
    });
  });
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
    [=](flush_atom, uint64_t generation) {
      if (self->current_sender() == self->ctrl() && generation == self->state.generation)
        guarded("mailbox", [&] { flush(self); });
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
