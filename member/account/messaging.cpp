#include "messaging.hpp"

#include <map>

#include <botan/hex.h>
#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/crypto/primitives.hpp"
#include "core/crypto/suites.hpp"
#include "core/envelope.hpp"
#include "core/errors.hpp"
#include "core/validation.hpp"
#include "peer_sessions.hpp"
#include "store/database.hpp"

namespace chatter {

namespace {

// Keys of several peers, fetched one after the other; stops at the first
// error, except that a peer with no keys yet is passed over when
// `skip_keyless` (a room's member who never logged in must not stall the
// room).
struct key_walk {
  std::vector<std::string> peers;
  bool skip_keyless = false;
  size_t asked = 0;
  std::vector<public_identity> found;
  std::function<void(const caf::error&, const std::vector<public_identity>&)> next;
};

bool has_no_keys(const caf::error& err) {
  return err.category() == error_category && err.code() == static_cast<uint8_t>(errc::not_found);
}

template <class WithKey>
void collect_keys(WithKey with_key, std::shared_ptr<key_walk> walk) {
  if (walk->asked == walk->peers.size())
    return walk->next({}, walk->found);
  const auto& peer = walk->peers[walk->asked++];
  with_key(peer, [with_key, walk, peer](const caf::error& err, const public_identity* key) {
    if (err && !(walk->skip_keyless && has_no_keys(err)))
      return walk->next(err, {});
    if (err)
      spdlog::info("{} has published no keys yet; the room's message goes to the others", peer);
    else
      walk->found.push_back(*key);
    collect_keys(with_key, walk);
  });
}

}  // namespace

void messaging::with_keys(std::vector<std::string> peers, keys_callback next, bool skip_keyless) {
  auto one = [this](const std::string& peer, const key_callback& done) { with_key(peer, done); };
  auto walk = std::make_shared<key_walk>();
  walk->peers = std::move(peers);
  walk->skip_keyless = skip_keyless;
  walk->next = std::move(next);
  collect_keys(one, walk);
}

void messaging::flush_outbox() {
  // Not what the open batch holds: an envelope goes out only once its
  // message (and the ratchet step that sealed it) is on disk.
  after_commit([this](const caf::error& failed) {
    if (failed || !st_->store)
      return;
    for (auto& q : st_->store->queued_outgoing())
      push(q.id, q.out);
  });
}

void messaging::deliver(const envelope& env) {
  if (self_->current_sender() != st_->inlet.address())
    return drop("an envelope not from our hub's mailbox");
  receive(env);
}

void messaging::deliver(const std::vector<envelope>& envs) {
  if (self_->current_sender() != st_->inlet.address())
    return drop("envelopes not from our hub's mailbox");
  if (envs.size() > max_batch)
    return drop("a batch of " + std::to_string(envs.size()) + " envelopes");
  for (auto& env : envs)
    receive(env);
}

void messaging::receipts(const std::vector<receipt_info>& rs) {
  if (self_->current_sender() != st_->inlet.address() || rs.size() > max_batch)
    return;
  for (auto& r : rs)
    receipt(r.id, r.recipient, r.state);
}

void messaging::receipt(const std::string& id, const std::string& recipient,
                        const std::string& state) {
  if (self_->current_sender() != st_->inlet.address())
    return;
  // The hub saw an ack or a read receipt it relays for older members; it
  // could as well make one up, so the state moves only on the recipient's
  // own sealed receipt (take_control).
  spdlog::debug("{}: the hub says {} has {} {} (not taken: receipts come end to end)",
                st_->config.user, recipient, state, id);
}

void messaging::drop(const std::string& why) {
  ++st_->dropped;
  spdlog::warn("{}: dropped an envelope ({} so far): {}", st_->config.user, st_->dropped, why);
  self_->send(st_->config.events, stats_atom_v, st_->config.user, st_->dropped);
}

void messaging::join_batch() {
  auto& q = st_->messages;
  if (!st_->store || (st_->store->in_batch() && q.batch_store == st_->store.get()))
    return;
  st_->store->begin_batch();
  q.batch_store = st_->store.get();
  self_->send(self_, flush_atom_v);
}

void messaging::after_commit(std::function<void(const caf::error&)> step) {
  if (!st_->store || !st_->store->in_batch())
    return step({});
  st_->messages.after_commit.push_back(std::move(step));
}

void messaging::commit_batch() {
  auto& q = st_->messages;
  auto opened_on = std::exchange(q.batch_store, nullptr);
  auto waiting = std::move(q.after_commit);
  q.after_commit.clear();
  if (!opened_on)
    return;  // committed already: a write outside the batch asked first
  caf::error err;
  std::exception_ptr failure;
  if (!st_->store || st_->store.get() != opened_on) {
    // The store was closed (health.cpp) and took the batch with it.
    err = make_error(errc::storage_failed, "this account's file was closed; nothing was kept");
  } else {
    try {
      st_->store->commit_batch();
    } catch (const std::exception& ex) {
      spdlog::error("{}: a batch of writes failed, none of it is kept: {}", st_->config.user,
                    ex.what());
      err = make_error(errc::storage_failed, "this account's file could not be written");
      failure = std::current_exception();
    }
  }
  // What the steps hand the hub goes as batches once they have all run.
  q.gathering = true;
  try {
    for (auto& step : waiting)
      step(err);
  } catch (...) {
    q.gathering = false;
    send_pushes();  // what was gathered goes out, or stays in_flight for good
    send_acks();
    throw;
  }
  q.gathering = false;
  send_pushes();
  send_acks();
  if (failure)
    std::rethrow_exception(failure);  // the account's health hears of it
}

// Only once what the envelope brought is durable here: the hub forgets it.
void messaging::ack(const std::string& from, const std::string& id) {
  after_commit([=](const caf::error& failed) {
    if (failed)
      return;  // not kept here: the hub delivers it again
    st_->messages.acks.push_back({from, id});
    if (!st_->messages.gathering)
      send_acks();
  });
}

void messaging::send_acks() {
  auto acks = std::exchange(st_->messages.acks, {});
  const auto user = st_->config.user;
  auto complain = [=](const caf::error& err) {
    spdlog::warn("{}: the hub did not take an ack: {}", user, caf::to_string(err));
  };
  for (size_t at = 0; at < acks.size(); at += max_batch) {
    auto end = std::min(acks.size(), at + max_batch);
    auto& gateway = st_->config.hub.gateway;
    if (end - at == 1)
      self_->request(gateway, hub_timeout, ack_atom_v, st_->session, acks[at].sender, acks[at].id)
        .then([](caf::ok_atom) {}, complain);
    else
      self_
        ->request(gateway, hub_timeout, ack_atom_v, st_->session,
                  std::vector<message_ref>(acks.begin() + static_cast<std::ptrdiff_t>(at),
                                           acks.begin() + static_cast<std::ptrdiff_t>(end)))
        .then([](caf::ok_atom) {}, complain);
  }
}

void messaging::set_state(const std::string& id, const std::string& state) {
  auto peer = st_->store->set_outgoing_state(st_->config.user, id, state);
  if (!peer.empty())
    self_->send(st_->config.events, state_atom_v, st_->config.user, id, peer, state);
}

// Seals a receipt or a refusal for `to` with the crypto pool (whatever the
// suite: it carries no text, and a ratchet session would have to be
// committed with it) and hands it to the hub like any envelope. Not kept
// here: the envelopes it answers are acknowledged only once the hub has it,
// so after a crash they come again and so does their receipt.
void messaging::send_control(const std::string& to, const inner_payload& p,
                             const control_callback& then) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  if (!st->logged_in())
    return then(true);
  with_key(to, [=](const caf::error& err, const public_identity* key) {
    if (err) {
      spdlog::info("{}: no receipt for {}: {}", user, to, describe(err).sentence);
      return then(false);
    }
    auto id = receipt_id(Botan::hex_encode(crypto::random_bytes(16), false));
    seal_order order{st->identity, {*key}, id, user, "", now_ms(), encode_payload(p)};
    auto later = [=](const caf::error& e) {
      spdlog::info("{}: a receipt for {} waits: {}", user, to, describe(e).sentence);
      then(true);
    };
    self->request(st->config.crypto, crypto_timeout, seal_atom_v, order)
      .then(
        [=](const std::vector<envelope>& sealed) {
          if (sealed.size() != 1 || st->session.empty())
            return then(true);
          self
            ->request(st->config.hub.gateway, hub_timeout, enqueue_atom_v, st->session,
                      sealed.front())
            .then([then](caf::ok_atom) { then(false); }, later);
        },
        later);
  });
}

void messaging::send_request(const std::string& to, const std::string& message) {
  send_control(
    to, {payload_kind::request, 0, message, {}, {}}, [user = st_->config.user, to](bool later) {
      if (later)
        spdlog::info("{}: the words of the contact request to {} did not reach the hub", user, to);
    });
}

// Hands an envelope to the hub; "sent" once the hub has every envelope of
// the message on disk. Inside a commit's steps it waits for the others.
void messaging::push(const std::string& id, const store::outbound& out,
                     const std::string& announce_wait_as) {
  if (!st_->in_flight.insert({id, out.recipient}).second)
    return;  // already on its way
  st_->messages.pushes.push_back({id, out.recipient, out.env, announce_wait_as});
  if (!announce_wait_as.empty())
    st_->messages.unannounced.emplace(id, announce_wait_as);
  if (!st_->messages.gathering)
    send_pushes();
}

void messaging::send_pushes() {
  auto pushes = std::exchange(st_->messages.pushes, {});
  for (size_t at = 0; at < pushes.size(); at += max_batch) {
    auto end = std::min(pushes.size(), at + max_batch);
    if (end - at > 1) {
      push_batch({pushes.begin() + static_cast<std::ptrdiff_t>(at),
                  pushes.begin() + static_cast<std::ptrdiff_t>(end)});
      continue;
    }
    auto p = pushes[at];
    self_->request(st_->config.hub.gateway, hub_timeout, enqueue_atom_v, st_->session, p.env)
      .then([=](caf::ok_atom) { pushed(p); }, [=](const caf::error& err) { not_pushed(p, err); });
  }
}

void messaging::push_batch(const std::vector<messaging_state::hub_push>& chunk) {
  std::vector<envelope> envs;
  envs.reserve(chunk.size());
  for (auto& p : chunk)
    envs.push_back(p.env);
  self_->request(st_->config.hub.gateway, hub_timeout, enqueue_atom_v, st_->session, envs)
    .then(
      [=](const std::vector<envelope_outcome>& outcomes) {
        auto miscounted = make_error(errc::internal, "the hub answered a batch miscounted");
        for (size_t i = 0; i < chunk.size(); ++i)
          if (outcomes.size() != chunk.size())
            not_pushed(chunk[i], miscounted);
          else if (outcomes[i].code == 0)
            pushed(chunk[i]);
          else
            not_pushed(chunk[i], error_of(outcomes[i]));
      },
      [=](const caf::error& err) {
        for (auto& p : chunk)
          not_pushed(p, err);
      });
}

void messaging::hub_lost() {
  auto waiting = std::exchange(st_->messages.unannounced, {});
  for (auto& [id, peer] : waiting)
    self_->send(st_->config.events, state_atom_v, st_->config.user, id, peer,
                std::string("queued"));
}

void messaging::pushed(const messaging_state::hub_push& p) {
  st_->in_flight.erase({p.id, p.recipient});
  st_->messages.unannounced.erase(p.id);
  join_batch();
  auto peer = st_->store->hub_has(st_->config.user, p.id, p.recipient);
  if (!peer.empty())
    self_->send(st_->config.events, state_atom_v, st_->config.user, p.id, peer,
                std::string("sent"));
}

void messaging::not_pushed(const messaging_state::hub_push& p, const caf::error& err) {
  const auto& user = st_->config.user;
  auto events = st_->config.events;
  st_->in_flight.erase({p.id, p.recipient});
  bool unannounced = st_->messages.unannounced.erase(p.id) > 0;
  auto d = describe(err);
  spdlog::warn("{}: message {} {}: {}", user, p.id,
               d.name == "QuotaExceeded" ? "refused" : "stays queued", d.sentence);
  if (d.name == "NotFound" || d.name == "InvalidArgument")
    set_state(p.id, "failed");
  else if (unannounced && d.name != "QuotaExceeded")
    self_->send(events, state_atom_v, user, p.id, p.announce_wait_as, std::string("queued"));
  // Over the recipient's quota: refused, with the hub's sentence in the
  // log, never queued forever.
  if (d.name == "QuotaExceeded") {
    auto peer = st_->store->hub_refused(user, p.id, p.recipient);
    if (!peer.empty())
      self_->send(events, state_atom_v, user, p.id, peer, std::string("refused"));
  }
}

// Records a key fetched from the hub against what we knew of the user:
// the first key is trusted on first use, a different one is held apart
// until VerifyContact, and announced.
std::optional<store::contact> messaging::learn_key(const public_identity& fetched) {
  const auto user = st_->config.user;
  if (fetched.user.empty() || !crypto::verify_binding(fetched))
    return std::nullopt;
  auto fp = crypto::fingerprint(fetched);
  auto known = st_->store->find_contact(fetched.user);
  if (!known) {
    store::contact c{fetched.user, fetched, fp, false, std::nullopt, {}};
    st_->store->put_contact(c);
    return c;
  }
  if (known->fingerprint != fp && known->new_fingerprint != fp) {
    known->new_key = fetched;
    known->new_fingerprint = fp;
    st_->store->put_contact(*known);
    spdlog::warn("{}: the key of {} changed", user, fetched.user);
    // The old sessions were with the old key: closed, whatever the user
    // decides about the new one.
    ratchet_sessions(self_, st_).reset(fetched.user);
    self_->send(st_->config.events, keychange_atom_v, user, fetched.user, fp);
  }
  return known;
}

// Calls `next` with the contact's usable key, fetching it on first contact.
void messaging::with_key(const std::string& peer, const key_callback& next) {
  auto use = [next, peer](const store::contact& c) {
    if (c.new_key)
      return next(make_error(errc::untrusted_key,
                             "the key of '" + peer
                               + "' changed; compare fingerprints "
                                 "and call VerifyContact"),
                  nullptr);
    next({}, &c.key);
  };
  if (auto c = st_->store->find_contact(peer))
    return use(*c);
  if (st_->session.empty())
    return next(make_error(errc::hub_unreachable,
                           "the key of '" + peer
                             + "' is not known here and the hub "
                               "is away; try again when it is back"),
                nullptr);
  self_->request(st_->config.hub.gateway, hub_timeout, fetchkey_atom_v, st_->session, peer)
    .then(
      [=](const public_identity& fetched) {
        if (fetched.user != peer)
          return next(make_error(errc::untrusted_key, "the hub answered with another user's key"),
                      nullptr);
        auto c = learn_key(fetched);
        if (!c)
          return next(
            make_error(errc::untrusted_key, "the published key of '" + peer + "' does not verify"),
            nullptr);
        use(*c);
      },
      [next](const caf::error& err) { next(err, nullptr); });
}

caf::result<caf::ok_atom> messaging::mark_read(const std::string& peer) {
  if (auto why = check_peer(peer); !why.empty())
    return make_error(errc::invalid_argument, why);
  std::map<std::string, std::vector<std::string>> by_sender;
  for (auto& [sender, id] : st_->store->mark_read(peer))
    by_sender[sender].push_back(id);
  // Read receipts are a courtesy: logged out, the messages are read here
  // and their senders are not told.
  for (auto& [sender, ids] : by_sender)
    for (size_t i = 0; i < ids.size(); i += max_receipt_ids) {
      auto end = std::min(ids.size(), i + max_receipt_ids);
      send_control(sender,
                   {payload_kind::receipt, 0, "", "read",
                    std::vector<std::string>(ids.begin() + static_cast<long>(i),
                                             ids.begin() + static_cast<long>(end))});
    }
  return caf::ok_atom_v;
}

// The fingerprint of the key in use: a changed key waiting for
// VerifyContact is announced (KeyChanged) and listed by ListContacts, but
// never shown here as if it were the contact's.
caf::result<std::string> messaging::fingerprint(const std::string& who) {
  auto st = st_;
  const auto user = st_->config.user;
  if (who == user) {
    if (st->status.fingerprint.empty())
      return make_error(errc::not_found, "no keys for '" + user + "' on this machine");
    return st->status.fingerprint;
  }
  auto answer = [st, who](caf::typed_response_promise<std::string> rp) mutable {
    auto c = st->store->find_contact(who);
    if (c)
      rp.deliver(c->fingerprint);
    else
      rp.deliver(make_error(errc::not_found, "no key known for '" + who + "'"));
  };
  auto rp = self_->make_response_promise<std::string>();
  if (st->session.empty()) {
    answer(rp);
    return rp;
  }
  // Ask the hub for the current key, so that a change is announced first.
  self_->request(st->config.hub.gateway, hub_timeout, fetchkey_atom_v, st->session, who)
    .then(
      [=](const public_identity& fetched) mutable {
        if (fetched.user == who)
          learn_key(fetched);
        answer(rp);
      },
      [=](const caf::error& err) mutable {
        if (st->store->find_contact(who))
          answer(rp);
        else
          rp.deliver(err);
      });
  return rp;
}

caf::result<caf::ok_atom> messaging::reset_session(const std::string& peer) {
  if (auto why = check_username(peer); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (!st_->store->find_contact(peer))
    return make_error(errc::not_found, "no key known for '" + peer + "': no session to reset");
  auto closed = ratchet_sessions(self_, st_).reset(peer);
  spdlog::info("{}: closed {} session(s) with {}", st_->config.user, closed, peer);
  return caf::ok_atom_v;
}

// The fingerprint a person compared decides: the changed key's accepts it;
// the key in use's keeps it and sets the changed one aside (a substitute
// the hub served, and perhaps withdrew), so sending works again without
// ever trusting the substitute. If the hub still serves it, the next fetch
// announces it again.
caf::result<caf::ok_atom> messaging::verify(const std::string& who,
                                            const std::string& fingerprint) {
  auto c = st_->store->find_contact(who);
  if (!c)
    return make_error(errc::not_found, "no key known for '" + who + "'");
  if (c->new_key && fingerprint == c->new_fingerprint) {
    ratchet_sessions(self_, st_).reset(who);
    c->key = *c->new_key;
    c->fingerprint = c->new_fingerprint;
  } else if (fingerprint != c->fingerprint) {
    return make_error(errc::untrusted_key, "that fingerprint is not the key of '" + who + "'");
  } else if (c->new_key) {
    spdlog::warn("{}: the changed key of {} ({}) is set aside: {} verified the one in use",
                 st_->config.user, who, c->new_fingerprint, st_->config.user);
  }
  c->new_key.reset();
  c->new_fingerprint.clear();
  c->verified = true;
  st_->store->put_contact(*c);
  return caf::ok_atom_v;
}

}  // namespace chatter
