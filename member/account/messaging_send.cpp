// SendMessage, step by step: the recipients (a room's members from the
// hub), their keys, ratchet sessions where the suite wants them, then one
// at a time per account: the sequence number, sealing, and the commit that
// makes the id a promise. After the commit nothing answers an error.
#include <algorithm>
#include <chrono>

#include <botan/hex.h>
#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/crypto/primitives.hpp"
#include "core/crypto/ratchet_session.hpp"
#include "core/errors.hpp"
#include "core/validation.hpp"
#include "messaging.hpp"
#include "peer_sessions.hpp"

namespace chatter {

namespace {

// A send that has not committed by then answers Timeout and commits
// nothing. Shorter than a D-Bus client's default wait (25 s) and the
// bridge's (45 s): whoever asked hears the answer, so an error never hides
// a message that then goes out, and a retry never sends it twice.
constexpr auto send_budget = std::chrono::seconds(20);

std::string new_message_id() {
  return Botan::hex_encode(crypto::random_bytes(16), false);
}

}  // namespace

struct messaging::send_job {
  std::string to;    // a user, or "#room"
  std::string room;  // empty for one-to-one
  std::string text;
  std::string id = new_message_id();
  int64_t timestamp_ms = 0;
  uint64_t sequence = 0;
  std::string payload;  // the inner payload every recipient's envelope seals
  std::vector<public_identity> via_session, via_pool;
  caf::typed_response_promise<std::string> rp;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::now() + send_budget;
};

caf::result<std::string> messaging::send(const std::string& to, const std::string& text) {
  const auto& user = st_->config.user;
  // Unlocked is enough: while the hub is away, messages wait here.
  if (!st_->identity)
    return not_logged_in(user);
  if (auto why = check_message(user, to, text); !why.empty())
    return make_error(errc::invalid_argument, why);
  auto job = std::make_shared<send_job>();
  job->to = to;
  job->text = text;
  job->rp = self_->make_response_promise<std::string>();
  if (!is_room_address(to)) {
    seal_for(job, {to});
    return job->rp;
  }
  job->room = to.substr(1);
  if (st_->session.empty())
    return make_error(errc::hub_unreachable,
                      "the hub, which knows who is in " + to
                        + ", is away; try again when it is back");
  self_->request(st_->config.hub.gateway, hub_timeout, roomget_atom_v, st_->session, job->room)
    .then(
      [this, job](const room_info& info) {
        std::vector<std::string> others;
        for (auto& member : info.members)
          if (member != st_->config.user)
            others.push_back(member);
        seal_for(job, others);
      },
      [job](const caf::error& err) { job->rp.deliver(err); });
  return job->rp;
}

// A room's member without keys yet is left out: the others get the
// message now (issue 21). A one-to-one message to such a peer is refused.
void messaging::seal_for(const send_job_ptr& job, const std::vector<std::string>& recipients) {
  with_keys(
    recipients,
    [this, job](const caf::error& err, const std::vector<public_identity>& keys) {
      if (err) {
        job->rp.deliver(err);
        return;
      }
      split_by_suite(job, keys);
    },
    !job->room.empty());
}

// Ratchet-suite peers through their sessions, the rest (and those with no
// prekeys, or while the hub is away) through the crypto pool.
void messaging::split_by_suite(const send_job_ptr& job, const std::vector<public_identity>& keys) {
  ratchet_sessions sessions(self_, st_);
  for (auto& k : keys)
    (sessions.wanted(k) ? job->via_session : job->via_pool).push_back(k);
  sessions.prepare(job->via_session,
                   [this, job](const caf::error& err, const std::vector<std::string>& without) {
                     if (err) {
                       job->rp.deliver(err);
                       return;
                     }
                     auto& vs = job->via_session;
                     for (auto i = vs.begin(); i != vs.end();)
                       if (std::find(without.begin(), without.end(), i->user) != without.end()) {
                         job->via_pool.push_back(*i);
                         i = vs.erase(i);
                       } else {
                         ++i;
                       }
                     queue_sealing(job);
                   });
}

void messaging::queue_sealing(const send_job_ptr& job) {
  st_->messages.sealing.push_back([this, job] { seal_job(job); });
  next_sealing();
}

// Runs queued seals one after the other. A step that ends at once (no
// crypto pool needed) comes back to this loop instead of recursing.
void messaging::next_sealing() {
  auto& q = st_->messages;
  if (q.draining_sealing)
    return;
  q.draining_sealing = true;
  while (!q.sealing_busy && !q.sealing.empty()) {
    q.sealing_busy = true;
    auto step = std::move(q.sealing.front());
    q.sealing.pop_front();
    step();
  }
  q.draining_sealing = false;
}

// Also ends a job whose account was logged out while it waited: its keys
// are gone, so nothing can be sealed or committed.
bool messaging::past_deadline(const send_job_ptr& job) {
  if (!st_->identity) {
    fail(job,
         make_error(errc::not_logged_in,
                    "'" + st_->config.user
                      + "' was logged out before the message was "
                        "sealed; nothing was sent"));
    return true;
  }
  if (std::chrono::steady_clock::now() < job->deadline)
    return false;
  fail(job,
       make_error(errc::timeout,
                  "the message could not be sealed in time; "
                  "nothing was sent, so it is safe to send it again"));
  return true;
}

void messaging::seal_job(const send_job_ptr& job) {
  if (past_deadline(job))
    return;
  try {
    job->sequence = st_->store->last_sent_sequence(job->to) + 1;
  } catch (const std::exception& ex) {
    spdlog::error("{}: cannot read a sequence number: {}", st_->config.user, ex.what());
    return fail(job, make_error(errc::storage_failed, "this account's file cannot be read"));
  }
  job->timestamp_ms = now_ms();
  job->payload = encode_payload({payload_kind::text, job->sequence, job->text, {}, {}});
  if (job->via_pool.empty())
    return commit(job, {});
  seal_order order{st_->identity, job->via_pool,     job->id,     st_->config.user,
                   job->room,     job->timestamp_ms, job->payload};
  self_->request(st_->config.crypto, crypto_timeout, seal_atom_v, order)
    .then([this, job](const std::vector<envelope>& pooled) { commit(job, pooled); },
          [this, job](const caf::error& err) { fail(job, err); });
}

void messaging::fail(const send_job_ptr& job, const caf::error& err) {
  job->rp.deliver(err);
  st_->messages.sealing_busy = false;
  next_sealing();
}

// Synchronous from the ratchet seals to the commit: no other message can
// use the same session state in between. The message, its envelopes, the
// advanced sessions and the sequence number go in one transaction.
void messaging::commit(const send_job_ptr& job, const std::vector<envelope>& pooled) {
  if (past_deadline(job))
    return;
  const auto& user = st_->config.user;
  std::vector<store::outbound> outs;
  for (size_t i = 0; i < pooled.size() && i < job->via_pool.size(); ++i)
    outs.push_back({job->via_pool[i].user, pooled[i]});
  std::vector<store::sealed_session> advanced;
  envelope_header h;
  h.id = job->id;
  h.from = user;
  h.room = job->room;
  h.timestamp_ms = job->timestamp_ms;
  message_record m{job->id, user, job->to, job->text, job->timestamp_ms, "queued", {}};
  try {
    ratchet_sessions here(self_, st_);
    for (auto& peer : job->via_session) {
      h.to = peer.user;
      auto sealed = here.seal(peer.user, h, job->payload);
      outs.push_back({peer.user, sealed.env});
      advanced.push_back(sealed.session);
    }
    join_batch();
    st_->store->add_outgoing(m, outs, advanced, job->sequence);
  } catch (const crypto::crypto_error& ex) {
    return fail(job, make_error(errc::untrusted_key, ex.what()));
  } catch (const std::exception& ex) {
    spdlog::error("{}: cannot store an outgoing message: {}", user, ex.what());
    return fail(job, make_error(errc::storage_failed, "cannot store the message"));
  }
  // The next message seals now, into the same batch; this one is answered,
  // and goes to the hub, once the batch is on disk.
  after_commit([this, job, outs](const caf::error& failed) { committed(job, outs, failed); });
  st_->messages.sealing_busy = false;
  next_sealing();
}

void messaging::committed(const send_job_ptr& job, const std::vector<store::outbound>& outs,
                          const caf::error& failed) {
  if (failed) {
    job->rp.deliver(make_error(errc::storage_failed, "cannot store the message; nothing was sent"));
    return;
  }
  const auto& user = st_->config.user;
  job->rp.deliver(job->id);
  // "queued" is news only when the message waits; with the hub here, the
  // next state (sent) follows within a round trip.
  bool hub_away = st_->session.empty();
  if (hub_away)
    self_->send(st_->config.events, state_atom_v, user, job->id, job->to, std::string("queued"));
  if (outs.empty())  // a room with nobody else in it
    set_state(job->id, "sent");
  for (size_t i = 0; i < outs.size(); ++i)
    push(job->id, outs[i], !hub_away && i == 0 ? job->to : std::string());
}

}  // namespace chatter
