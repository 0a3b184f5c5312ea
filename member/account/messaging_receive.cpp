// What the hub delivers, step by step and one envelope at a time: the
// header checked, the sender's key, opening (a ratchet session here, the
// crypto pool otherwise), the inner payload, then storing what is shown or
// taking a receipt. Every envelope ends in one of three ways: stored, then
// acknowledged once the hub has its delivery receipt; refused, then
// acknowledged once the hub has the refusal for the sender; or left at the hub (a key change to
// verify, no answer from the crypto pool), to come again.
#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/crypto/ratchet_session.hpp"
#include "core/envelope.hpp"
#include "core/errors.hpp"
#include "core/validation.hpp"
#include "messaging.hpp"
#include "peer_sessions.hpp"

namespace chatter {

namespace {

constexpr size_t max_early_envelopes = 10000;

}  // namespace

struct messaging::arrival {
  envelope env;
  envelope_header header;
};

void messaging::receive(const envelope& env) {
  if (!st_->logged_in()) {
    if (st_->early.size() < max_early_envelopes)
      st_->early.push_back(env);
    return;
  }
  st_->messages.inbox.push_back(env);
  open_next();
}

// Opens the inbox's envelopes in order; a step that ends at once comes
// back to this loop instead of recursing.
void messaging::open_next() {
  auto& q = st_->messages;
  if (q.draining_inbox)
    return;
  q.draining_inbox = true;
  while (!q.opening && !q.inbox.empty()) {
    q.opening = true;
    auto a = std::make_shared<arrival>();
    a->env = q.inbox.front();
    check(a);
  }
  q.draining_inbox = false;
  // Receipts say "delivered": only for what is on disk here.
  if (!q.opening && q.inbox.empty())
    after_commit([this](const caf::error& failed) {
      if (failed)
        st_->messages.delivered.clear();  // they come again, and so do their receipts
      else
        flush_receipts();
    });
}

void messaging::done(const arrival_ptr&) {
  auto& q = st_->messages;
  if (!q.inbox.empty())
    q.inbox.pop_front();
  q.opening = false;
  open_next();
}

void messaging::check(const arrival_ptr& a) {
  const auto& user = st_->config.user;
  if (!st_->logged_in()) {  // the session ended while this one waited
    st_->early.push_back(a->env);
    return done(a);
  }
  auto header = decode_header(a->env.header);
  if (!header) {
    drop("malformed header");
    return done(a);
  }
  a->header = *header;
  const auto& h = a->header;
  if (h.to != user || (!h.room.empty() && !check_room_name(h.room).empty())) {
    drop("addressed to " + h.to + (h.room.empty() ? "" : " #" + h.room) + " from " + h.from);
    ack(h.from, h.id);
    return done(a);
  }
  if (st_->store->has_message(h.from, h.id)) {
    // A resend, or our ack was lost: shown once already; the receipt again.
    st_->messages.delivered[h.from].push_back(h.id);
    return done(a);
  }
  with_key(h.from, [this, a](const caf::error& err, const public_identity* key) {
    if (!st_->logged_in()) {  // logged out while the key was fetched: the keys are gone
      st_->early.push_back(a->env);
      return done(a);
    }
    if (err)  // an unverified key change: kept at the hub until the user decides
      return not_opened(a, "sender key: " + describe(err).sentence);
    open_with(a, *key);
  });
}

// Left at the hub: it comes again at the next login.
void messaging::not_opened(const arrival_ptr& a, const std::string& why) {
  drop("not opened now, from " + a->header.from + " (" + why + "); left at the hub");
  done(a);
}

void messaging::open_with(const arrival_ptr& a, const public_identity& sender_key) {
  if (a->header.suite != crypto::session::suite)
    return open_in_pool(a, sender_key);
  try {
    auto opened = ratchet_sessions(self_, st_).open(sender_key, a->header, a->env);
    accept(a, opened.text, opened.session, opened.used_one_time_prekey);
  } catch (const crypto::crypto_error& ex) {
    // Forged, replayed, or for a session closed here: it can never open.
    refuse(a, ex.what());
  }
}

void messaging::open_in_pool(const arrival_ptr& a, const public_identity& sender_key) {
  self_->request(st_->config.crypto, crypto_timeout, open_atom_v, st_->identity, sender_key, a->env)
    .then(
      [this, a](const std::string& plaintext) { accept(a, plaintext, std::nullopt, std::nullopt); },
      [this, a](const caf::error& err) {
        auto d = describe(err);
        if (d.name != "UntrustedKey")
          return not_opened(a, d.sentence);
        // Perhaps the sender has a new key: if the hub says so, the
        // envelope waits there until the user verifies it; else it is
        // refused.
        auto from = a->header.from;
        self_->request(st_->config.hub.gateway, hub_timeout, fetchkey_atom_v, st_->session, from)
          .then(
            [this, a, d, from](const public_identity& fetched) {
              auto before = st_->store->find_contact(from);
              learn_key(fetched);
              auto after = st_->store->find_contact(from);
              if (after && after->new_key && (!before || !before->new_key))
                return not_opened(a, "held until the new key of " + from + " is verified");
              refuse(a, d.sentence);
            },
            [this, a, d](const caf::error&) { not_opened(a, d.sentence); });
      });
}

// Refused for cause: the claimed sender is told why, in a sealed refusal
// (it ignores one for an id it never sent), and the hub may forget it. A
// receipt or refusal that does not open is only dropped: nothing answers one.
void messaging::refuse(const arrival_ptr& a, const std::string& why) {
  const auto& h = a->header;
  drop("from " + h.from + ": " + why);
  if (is_receipt_id(h.id)) {
    ack(h.from, h.id);
    return done(a);
  }
  auto from = h.from, id = h.id;
  send_control(from, {payload_kind::refusal, 0, "", why.substr(0, max_reason_bytes), {id}},
               [this, from, id](bool retry_later) {
                 if (!retry_later)
                   ack(from, id);
               });
  done(a);
}

void messaging::accept(const arrival_ptr& a, const std::string& plaintext,
                       const std::optional<store::sealed_session>& session,
                       std::optional<uint32_t> one_time) {
  auto p = decode_payload(plaintext);
  if (!p)
    return refuse(a, "the message inside the envelope is malformed");
  if (p->kind != payload_kind::text)
    return take_control(a, *p);
  if (is_receipt_id(a->header.id))
    return refuse(a, "a message with a receipt's id");
  show(a, *p, session, one_time);
}

void messaging::show(const arrival_ptr& a, const inner_payload& p,
                     const std::optional<store::sealed_session>& session,
                     std::optional<uint32_t> one_time) {
  const auto& h = a->header;
  const auto& user = st_->config.user;
  if (!check_text(p.text).empty())
    return refuse(a, "the text is not valid UTF-8, or empty, or over 64 KiB");
  // A room message belongs to the room's conversation.
  message_record m{h.id,       h.from, h.room.empty() ? h.to : "#" + h.room, p.text, h.timestamp_ms,
                   "received", {}};
  // A genuine message with a skewed clock is shown all the same, at the
  // time it arrived, with the sender's claim beside it.
  auto now = now_ms();
  if (h.timestamp_ms > now + max_clock_skew_ms || h.timestamp_ms < now - max_message_age_ms) {
    m.extras["sent_at"] = std::to_string(h.timestamp_ms);
    m.extras["clock_skew_ms"] = std::to_string(h.timestamp_ms - now);
    m.timestamp_ms = now;
  }
  // From someone we blocked (sent before the block reached the hub): gone,
  // and acknowledged so the hub forgets it, with no receipt.
  if (social::state_of(st_, h.from) == "blocked") {
    drop("from " + h.from + ", who is blocked");
    ack(h.from, h.id);
    return done(a);
  }
  // From someone who is not an accepted contact, outside a room we share:
  // a message request, kept and listed, that rings nothing.
  bool stranger = h.room.empty() && !social::accepted(st_, h.from);
  if (stranger)
    m.extras["request"] = "true";
  auto sequence = sequence_of(a, p, m);
  join_batch();
  if (st_->store->add_incoming(m, session, one_time, sequence)) {
    social::interlocutor_seen(self_, st_, h.from);
    self_->send(st_->config.events, received_atom_v, user, m);
    if (auto gap = m.extras.find("missing_before"); gap != m.extras.end())
      self_->send(st_->config.events, missing_atom_v, user, h.room.empty() ? h.from : m.to,
                  static_cast<uint64_t>(std::stoull(gap->second)));
    if (st_->config.robot && !stranger)
      self_->send(st_->config.robot, received_atom_v, user, m);
  }
  st_->messages.delivered[h.from].push_back(h.id);
  done(a);
}

// The sender's number in this conversation against the last one seen from
// them: a jump is a gap (the hub lost or dropped what was between), noted
// on this message. The first number seen from a sender is the start (a
// room joined late, a history from before sequences); a 1 after higher
// ones is a sender who started again (a new install).
std::optional<store::received_sequence>
messaging::sequence_of(const arrival_ptr& a, const inner_payload& p, message_record& m) {
  if (p.sequence == 0)
    return std::nullopt;
  const auto& h = a->header;
  auto conversation = h.room.empty() ? h.from : "#" + h.room;
  auto last = st_->store->last_received_sequence(h.from, conversation);
  uint64_t base = last ? *last : p.sequence - 1;
  if (p.sequence > base + 1)
    m.extras["missing_before"] = std::to_string(p.sequence - base - 1);
  if (p.sequence <= base && p.sequence != 1)
    return std::nullopt;  // late: what we knew stays
  return store::received_sequence{h.from, conversation, p.sequence};
}

// A receipt or refusal from the recipient of our messages (only for
// messages we sent to them), or a contact request's words; never answered.
void messaging::take_control(const arrival_ptr& a, const inner_payload& p) {
  const auto& from = a->header.from;
  const auto& user = st_->config.user;
  join_batch();
  if (p.kind == payload_kind::request) {
    if (check_request_message(p.text).empty())
      social::contact_requested(self_, st_, from, p.text);
  } else if (p.kind == payload_kind::receipt) {
    for (auto& id : p.ids) {
      auto peer = st_->store->receipt_from(user, id, from, p.state);
      if (!peer.empty())
        self_->send(st_->config.events, state_atom_v, user, id, peer, p.state);
    }
  } else {
    auto peer = st_->store->refused(user, p.ids.front(), from, p.state);
    if (!peer.empty()) {
      spdlog::warn("{}: {} refused message {}: {}", user, from, p.ids.front(), p.state);
      std::map<std::string, std::string> extras{{"reason", p.state}};
      self_->send(st_->config.events, state_atom_v, user, p.ids.front(), peer,
                  std::string("refused"), extras);
    }
  }
  ack(from, a->header.id);
  done(a);
}

// One delivery receipt per sender for what the inbox held, once it is
// empty. The messages are acknowledged once the hub has their receipt: if
// it does not take it now, they come again at the next login, and so does
// the receipt.
void messaging::flush_receipts() {
  auto owed = std::move(st_->messages.delivered);
  st_->messages.delivered.clear();
  for (auto& [sender, ids] : owed)
    for (size_t i = 0; i < ids.size(); i += max_receipt_ids) {
      auto end = std::min(ids.size(), i + max_receipt_ids);
      std::vector<std::string> chunk(ids.begin() + static_cast<long>(i),
                                     ids.begin() + static_cast<long>(end));
      auto from = sender;
      send_control(sender, {payload_kind::receipt, 0, "", "delivered", chunk},
                   [this, from, chunk](bool retry_later) {
                     if (retry_later)
                       return;
                     for (auto& id : chunk)
                       ack(from, id);
                   });
    }
}

}  // namespace chatter
