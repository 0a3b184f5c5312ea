#include "mailbox.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/envelope.hpp"
#include "core/errors.hpp"
#include "hub/login_session_table.hpp"
#include "store/guarded.hpp"
#include "store/mailbox_store.hpp"

namespace chatter {

namespace {

using queue_size = store::mailbox_store::queue_size;

// A write the next flush runs in its transaction, and whom it answers.
// `write` calls the store and then files, in `after_commit`, what may only
// be said once the write is durable.
struct pending_write {
  std::function<void()> write;
  std::function<void(const caf::error&)> answer;  // none when the write is durable
};

struct mailbox_state {
  mailbox_config config;
  std::unique_ptr<store::mailbox_store> store;
  session_table sessions;
  uint64_t refused = 0;
  // Envelopes dropped because their recipient blocked the sender.
  uint64_t blocked = 0;
  // What waits per recipient, read from the store once and kept up to date
  // (what the pending batch adds included).
  std::unordered_map<std::string, queue_size> queued;
  // Users known to exist (never forgotten: users are not removed), so the
  // send path asks the store once per recipient.
  std::unordered_set<std::string> known_users;
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
  auto err = guarded("mailbox", [&]() -> caf::error {
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
  if (err)
    store.abandon_batch();  // else every later batch would find this one open
  return err;
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
  for (size_t i = 0; i < batch.size(); ++i)
    batch[i].answer(err ? err : outcomes[i]);
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

// `write` joins the next batch; the current request is answered `value`
// after its commit, or the error that kept it off the disk.
template <class T>
caf::typed_response_promise<T> answer_after_commit(mailbox_ptr self, std::function<void()> write,
                                                   T value) {
  auto rp = self->make_response_promise<T>();
  auto answer = [rp, value = std::move(value)](const caf::error& err) mutable {
    if (err)
      rp.deliver(err);
    else
      rp.deliver(std::move(value));
  };
  self->state.pending.push_back({std::move(write), std::move(answer)});
  schedule_flush(self);
  return rp;
}

caf::typed_response_promise<caf::ok_atom> answer_after_commit(mailbox_ptr self,
                                                              std::function<void()> write) {
  return answer_after_commit(self, std::move(write), caf::ok_atom_v);
}

// One item alone, more as batches of at most max_batch: what a peer is
// sent, envelopes or receipts.
template <class Atom, class T, class Single>
void send_batched(mailbox_ptr self, const session_peer_actor& peer, Atom atom,
                  const std::vector<T>& items, Single single) {
  for (size_t at = 0; at < items.size(); at += max_batch) {
    auto end = std::min(items.size(), at + max_batch);
    if (end - at == 1)
      single(items[at]);
    else
      self->send(peer, atom, std::vector<T>(items.begin() + at, items.begin() + end));
  }
}

void send_envelopes(mailbox_ptr self, const session_peer_actor& peer,
                    const std::vector<envelope>& envs) {
  send_batched(self, peer, deliver_atom_v, envs,
               [&](const envelope& env) { self->send(peer, deliver_atom_v, env); });
}

void send_receipts(mailbox_ptr self, const session_peer_actor& peer,
                   const std::vector<receipt_info>& receipts) {
  send_batched(self, peer, receipt_atom_v, receipts, [&](const receipt_info& r) {
    self->send(peer, receipt_atom_v, r.id, r.recipient, r.state);
  });
}

void tell_sender(mailbox_ptr self, const std::string& sender,
                 const std::vector<receipt_info>& receipts) {
  for (auto& peer : self->state.sessions.peers_of(sender))
    send_receipts(self, peer, receipts);
}

// Runs the pending batch first: what it holds for `user` is then in the
// store, and goes out with the rest.
void go_online(mailbox_ptr self, const std::string& session, const std::string& user,
               const session_peer_actor& peer) {
  auto& st = self->state;
  flush(self);
  st.sessions.add(session, user, peer);
  send_envelopes(self, peer, st.store->envelopes_for(user));
  send_receipts(self, peer, st.store->take_receipts(user));
}

// Why `env` from `user` cannot be queued, or nothing.
caf::error check_envelope(mailbox_ptr self, const std::string& user, const envelope& env,
                          const std::optional<envelope_header>& header) {
  auto& store = *self->state.store;
  if (!header || env.ciphertext.size() > max_ciphertext_bytes || env.signature.size() > 1024)
    return refuse(self, errc::invalid_argument, "malformed envelope");
  if (header->from != user)
    return refuse(self, errc::invalid_argument, "the envelope's sender is not you");
  if (self->state.known_users.count(header->to) == 0) {
    if (!store.find_user(header->to))
      return make_error(errc::not_found, "no user named '" + header->to + "'");
    self->state.known_users.insert(header->to);
  }
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

// What one request hands to the next commit, and to recipients at once.
struct intake {
  struct write {
    std::string to, from, id;
    envelope env;
  };
  std::vector<write> writes;
  // Copies of envelopes an earlier request's write still holds: answered ok
  // only if that write really stored them.
  std::vector<write> copies;
  std::map<std::string, std::vector<envelope>> deliveries;  // by recipient
  bool waits = false;  // something it answers for is not on disk yet
};

// One envelope from `user`: checked, counted against its recipient's quota,
// and filed in `in`; a copy already queued or pending is neither stored
// nor forwarded again. An error when it is refused.
caf::error take(mailbox_ptr self, const std::string& user, const envelope& env, intake& in) {
  auto& st = self->state;
  auto header = decode_header(env.header);
  if (auto err = check_envelope(self, user, env, header))
    return err;
  // A recipient who blocked the sender never sees it; the sender is not
  // told, and its message stays "sent".
  if (st.store->consent_of(header->to, user).mine == consent::intent::blocked) {
    spdlog::debug("mailbox: dropped an envelope {} blocked ({} so far)", header->to, ++st.blocked);
    in.waits = true;  // answered after the commit, as a stored one: no tell in the timing
    return {};
  }
  auto key = envelope_key(header->to, header->from, header->id);
  if (st.pending_envelopes.count(key) > 0) {
    in.copies.push_back({header->to, header->from, header->id, {}});
    in.waits = true;
    return {};
  }
  if (st.store->has_envelope(header->to, header->from, header->id))
    return {};
  st.pending_envelopes.insert(key);
  auto& queue = queue_of(self, header->to);
  queue.envelopes += 1;
  queue.bytes += env.header.size() + env.ciphertext.size() + env.signature.size();
  in.deliveries[header->to].push_back(env);
  in.writes.push_back({header->to, header->from, header->id, env});
  in.waits = true;
  return {};
}

// Forwarded to the recipients now, while the writes wait for the next
// commit: the sender hears of them only after it.
std::function<void()> hand_over(mailbox_ptr self, intake& in) {
  for (auto& [to, envs] : in.deliveries)
    for (auto& peer : self->state.sessions.peers_of(to))
      send_envelopes(self, peer, envs);
  return [self, writes = std::move(in.writes), copies = std::move(in.copies)] {
    auto queued_ms = now_ms();
    auto& store = *self->state.store;
    for (auto& w : writes)
      store.add_envelope(w.to, w.from, w.id, w.env, queued_ms);
    for (auto& c : copies)
      if (!store.has_envelope(c.to, c.from, c.id))
        throw std::runtime_error("the first copy of envelope " + c.id + " was not stored");
  };
}

caf::result<caf::ok_atom> enqueue(mailbox_ptr self, const std::string& session,
                                  const envelope& env) {
  auto user = self->state.sessions.user_of(session, self->current_sender(), self->node());
  if (!user)
    return refuse(self, errc::not_logged_in, "sending needs a session");
  intake in;
  if (auto err = take(self, *user, env, in))
    return err;
  if (!in.waits)
    return caf::ok_atom_v;
  return answer_after_commit(self, hand_over(self, in));
}

// Each envelope as if it came alone, answered together after one commit.
caf::result<std::vector<envelope_outcome>>
enqueue_batch(mailbox_ptr self, const std::string& session, const std::vector<envelope>& envs) {
  auto user = self->state.sessions.user_of(session, self->current_sender(), self->node());
  if (!user)
    return refuse(self, errc::not_logged_in, "sending needs a session");
  if (envs.empty() || envs.size() > max_batch)
    return refuse(self, errc::invalid_argument,
                  "a batch holds 1 to " + std::to_string(max_batch) + " envelopes");
  intake in;
  std::vector<envelope_outcome> outcomes;
  outcomes.reserve(envs.size());
  for (auto& env : envs)
    outcomes.push_back(outcome_of(take(self, *user, env, in)));
  if (!in.waits)
    return outcomes;
  return answer_after_commit(self, hand_over(self, in), std::move(outcomes));
}

// Inside a batch's write: the envelope goes, and its "delivered" receipt
// is kept; true when it was there.
bool remove_acked(mailbox_ptr self, const std::string& user, const message_ref& ref) {
  auto& st = self->state;
  auto size = st.store->remove_envelope(user, ref.sender, ref.id);
  if (!size)
    return false;
  if (auto i = st.queued.find(user); i != st.queued.end()) {
    i->second.envelopes -= std::min<uint64_t>(i->second.envelopes, 1);
    i->second.bytes -= std::min(i->second.bytes, *size);
  }
  return true;
}

// The acked envelopes go in the next commit; their senders hear of them
// after it, one batch of receipts per sender. The recipient stored them
// before acking: "delivered" is true already.
caf::result<caf::ok_atom> acknowledge(mailbox_ptr self, const std::string& session,
                                      std::vector<message_ref> refs) {
  auto user = self->state.sessions.user_of(session, self->current_sender(), self->node());
  if (!user)
    return refuse(self, errc::not_logged_in, "acknowledging needs a session");
  if (refs.empty() || refs.size() > max_batch)
    return refuse(self, errc::invalid_argument,
                  "an ack names 1 to " + std::to_string(max_batch) + " messages");
  return answer_after_commit(self, [self, user = *user, refs = std::move(refs)] {
    std::map<std::string, std::vector<receipt_info>> by_sender;
    for (auto& ref : refs)
      if (remove_acked(self, user, ref))
        by_sender[ref.sender].push_back({ref.id, user, "delivered"});
    self->state.after_commit.push_back([self, by_sender = std::move(by_sender)] {
      for (auto& [sender, receipts] : by_sender)
        tell_sender(self, sender, receipts);
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
    self->state.after_commit.push_back(
      [self, sender, receipts] { tell_sender(self, sender, receipts); });
  });
}

mailbox_impl::behavior_type mailbox(mailbox_ptr self, const mailbox_config& config) {
  self->state.config = config;
  self->state.store = std::make_unique<store::mailbox_store>(config.database_path);
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
    [=](enqueue_atom, const std::string& session,
        const std::vector<envelope>& envs) -> caf::result<std::vector<envelope_outcome>> {
      return guarded("mailbox", [&] { return enqueue_batch(self, session, envs); });
    },
    [=](ack_atom, const std::string& session, const std::string& sender,
        const std::string& id) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&] { return acknowledge(self, session, {{sender, id}}); });
    },
    [=](ack_atom, const std::string& session,
        const std::vector<message_ref>& refs) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&] { return acknowledge(self, session, refs); });
    },
    [=](readrcpt_atom, const std::string& session, const std::string& sender,
        const std::vector<std::string>& ids) -> caf::result<caf::ok_atom> {
      return guarded("mailbox", [&] { return read_receipts(self, session, sender, ids); });
    },
  };
}

}  // namespace

mailbox_actor spawn_mailbox(caf::actor_system& sys, mailbox_config config) {
  // Detached: it waits on SQLite's sync, which no scheduler thread should.
  return sys.spawn<caf::detached>(mailbox, std::move(config));
}

}  // namespace chatter
