// The account actor's messages: sealing what it sends (through the crypto
// pool) and handing it to the hub, opening and storing what it receives,
// delivery states, and the contacts' keys with their trust (trust on first
// use; a changed key is held apart until VerifyContact). Runs inside the
// account actor: every method is called from its handlers or callbacks.
//
// Inside every envelope is an inner payload (chat/payload.hpp): a message
// with its sequence number in the conversation, or a receipt, or a
// refusal. Delivered and read come only as receipts from the recipient,
// sealed and signed end to end: the hub's own receipts are not believed.
//
// messaging.cpp: keys, trust, receipts sent and taken; messaging_send.cpp:
// SendMessage; messaging_receive.cpp: what the hub delivers.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "account_state.hpp"
#include "core/payload.hpp"

namespace chatter {

class messaging {
public:
  messaging(account_actor::pointer self, account_state_ptr st) : self_(self), st_(st) {}

  // SendMessage: to a user or "#room"; answers the id once stored here,
  // and an error only when nothing was stored.
  caf::result<std::string> send(const std::string& to, const std::string& text);
  // Offers every queued envelope to the hub (after login, and on a timer).
  void flush_outbox();
  // The hub went: what was on its way to it waits, and its senders hear so.
  void hub_lost();
  // An envelope from the hub's mailbox (anything else is dropped), or a
  // batch of them (at most max_batch).
  void deliver(const envelope& env);
  void deliver(const std::vector<envelope>& envs);
  // A receipt the hub made. Not believed (a hub could make it up): logged
  // only. Delivered and read come end to end.
  void receipt(const std::string& id, const std::string& recipient, const std::string& state);
  void receipts(const std::vector<receipt_info>& rs);
  caf::result<caf::ok_atom> mark_read(const std::string& peer);
  caf::result<std::string> fingerprint(const std::string& who);
  caf::result<caf::ok_atom> verify(const std::string& who, const std::string& fingerprint);
  // ResetSession: closes the ratchet sessions with `peer`.
  caf::result<caf::ok_atom> reset_session(const std::string& peer);
  // Queues one envelope to be opened, checked and stored (kept for later
  // before login); envelopes open one at a time, in the hub's order.
  void receive(const envelope& env);
  // Group commit. The first write of a pass over the account's mailbox
  // opens a batch and sends the account a flush, which queues behind what
  // already waits; commit_batch (the flush) makes the batch durable with
  // one sync, then runs what waited for it: answers to callers and acks to
  // the hub. A message is shown (signalled) as soon as it is opened. Any
  // other write calls it first, so what it answers is on disk (health.hpp).
  void commit_batch();

  // A contact request's words for `to`, sealed end to end (like a receipt:
  // not kept here; lost if the hub does not take it now).
  void send_request(const std::string& to, const std::string& message);

private:
  using key_callback = std::function<void(const caf::error&, const public_identity*)>;
  using keys_callback = std::function<void(const caf::error&, const std::vector<public_identity>&)>;

  // messaging_send.cpp: one SendMessage through its steps.
  struct send_job;
  using send_job_ptr = std::shared_ptr<send_job>;
  void seal_for(const send_job_ptr& job, const std::vector<std::string>& recipients);
  void split_by_suite(const send_job_ptr& job, const std::vector<public_identity>& keys);
  void queue_sealing(const send_job_ptr& job);
  void next_sealing();
  void seal_job(const send_job_ptr& job);
  void commit(const send_job_ptr& job, const std::vector<envelope>& pooled);
  void committed(const send_job_ptr& job, const std::vector<store::outbound>& outs,
                 const caf::error& failed);
  void fail(const send_job_ptr& job, const caf::error& err);
  bool past_deadline(const send_job_ptr& job);

  // messaging_receive.cpp: one envelope through its steps.
  struct arrival;
  using arrival_ptr = std::shared_ptr<arrival>;
  void open_next();
  void done(const arrival_ptr& a);
  void check(const arrival_ptr& a);
  void open_with(const arrival_ptr& a, const public_identity& sender_key);
  void open_in_pool(const arrival_ptr& a, const public_identity& sender_key);
  void not_opened(const arrival_ptr& a, const std::string& why);
  void accept(const arrival_ptr& a, const std::string& plaintext,
              const std::optional<store::sealed_session>& session,
              std::optional<uint32_t> one_time);
  void show(const arrival_ptr& a, const inner_payload& p,
            const std::optional<store::sealed_session>& session, std::optional<uint32_t> one_time);
  std::optional<store::received_sequence> sequence_of(const arrival_ptr& a, const inner_payload& p,
                                                      message_record& m);
  void take_control(const arrival_ptr& a, const inner_payload& p);
  void refuse(const arrival_ptr& a, const std::string& why);
  void flush_receipts();

  // messaging.cpp. `then(retry_later)`: false once the hub has it, or when
  // it can never be sealed (no trusted key); true when the hub did not take
  // it now (away, busy), so whatever waits on it should come again.
  using control_callback = std::function<void(bool retry_later)>;
  void send_control(
    const std::string& to, const inner_payload& p, const control_callback& then = [](bool) {});
  void drop(const std::string& why);
  void join_batch();
  // `step` at once when no batch is open, else once it is durable.
  void after_commit(std::function<void(const caf::error&)> step);
  void ack(const std::string& from, const std::string& id);
  void set_state(const std::string& id, const std::string& state);
  // `announce_wait_as`: the message's peer, to say "queued" if the hub does
  // not take it now; empty for a retry, which says nothing new.
  void push(const std::string& id, const store::outbound& out,
            const std::string& announce_wait_as = {});
  // What push() and ack() gathered, to the hub: one envelope or ack alone,
  // more as batches.
  void send_pushes();
  void push_batch(const std::vector<messaging_state::hub_push>& chunk);
  void pushed(const messaging_state::hub_push& p);
  void not_pushed(const messaging_state::hub_push& p, const caf::error& err);
  void send_acks();
  std::optional<store::contact> learn_key(const public_identity& fetched);
  void with_key(const std::string& peer, const key_callback& next);
  // The keys of `peers`, or the first error; with `skip_keyless`, a peer
  // who has published none is left out instead.
  void with_keys(std::vector<std::string> peers, keys_callback next, bool skip_keyless = false);

  account_actor::pointer self_;
  account_state_ptr st_;
};

}  // namespace chatter
