#include "account/messaging.hpp"

#include <algorithm>
#include <map>

#include <botan/hex.h>
#include <spdlog/spdlog.h>

#include "chat/envelope.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/validation.hpp"
#include "account/sessions.hpp"
#include "crypto/session.hpp"
#include "crypto/suites.hpp"

namespace chatter {

namespace {

// RSA-3072 and ElGamal take milliseconds; a room seals one envelope per member.
constexpr auto crypto_timeout = std::chrono::seconds(20);

std::string new_message_id() {
  return Botan::hex_encode(crypto::random_bytes(16), false);
}

// Keys of several peers, fetched one after the other; stops at the first error.
struct key_walk {
  std::vector<std::string> peers;
  std::vector<public_identity> found;
  std::function<void(const caf::error&, const std::vector<public_identity>&)> next;
};

template <class WithKey>
void collect_keys(WithKey with_key, std::shared_ptr<key_walk> walk) {
  if (walk->found.size() == walk->peers.size())
    return walk->next({}, walk->found);
  with_key(walk->peers[walk->found.size()],
           [with_key, walk](const caf::error& err, const public_identity* key) {
             if (err)
               return walk->next(err, {});
             walk->found.push_back(*key);
             collect_keys(with_key, walk);
           });
}

} // namespace

void messaging::with_keys(std::vector<std::string> peers, keys_callback next) {
  auto one = [this](const std::string& peer, key_callback done) { with_key(peer, done); };
  collect_keys(one, std::make_shared<key_walk>(key_walk{std::move(peers), {}, std::move(next)}));
}

void messaging::flush_outbox() {
  for (auto& q : st_->store->queued_outgoing())
    push(q.id, q.out);
}

void messaging::deliver(const envelope& env) {
  if (self_->current_sender() != st_->inlet.address())
    return drop("an envelope not from our hub's mailbox");
  receive(env);
}

void messaging::receipt(const std::string& id, const std::string& recipient,
                        const std::string& state) {
  if (self_->current_sender() != st_->inlet.address())
    return;
  if (state != "delivered" && state != "read")
    return;
  spdlog::debug("{}: {} has {} {}", st_->config.user, recipient, state, id);
  set_state(id, state);
}

void messaging::drop(const std::string& why) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  auto events = st_->config.events;
  ++st->dropped;
  spdlog::warn("{}: dropped an envelope ({} so far): {}", user, st->dropped, why);
  self->send(events, stats_atom_v, user, st->dropped);
}

void messaging::ack(const std::string& from, const std::string& id) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  self->request(st->config.hub.gateway, hub_timeout, ack_atom_v, st->session, from, id)
    .then([](caf::ok_atom) {},
          [=](const caf::error& err) {
            spdlog::warn("{}: the hub did not take an ack: {}", user, caf::to_string(err));
          });
}

void messaging::set_state(const std::string& id, const std::string& state) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  auto events = st_->config.events;
  auto peer = st->store->set_outgoing_state(user, id, state);
  if (!peer.empty())
    self->send(events, state_atom_v, user, id, peer, state);
}

// Hands an envelope to the hub; "sent" once the hub has every envelope of
// the message on disk.
void messaging::push(const std::string& id, const store::outbound& out) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  auto events = st_->config.events;
  auto key = std::make_pair(id, out.recipient);
  if (!st->in_flight.insert(key).second)
    return;  // already on its way
  self->request(st->config.hub.gateway, hub_timeout, enqueue_atom_v, st->session, out.env)
    .then([=](caf::ok_atom) {
            st->in_flight.erase(key);
            auto peer = st->store->hub_has(user, id, out.recipient);
            if (!peer.empty())
              self->send(events, state_atom_v, user, id, peer, std::string("sent"));
          },
          [=](const caf::error& err) {
            st->in_flight.erase(key);
            auto d = describe(err);
            spdlog::warn("{}: message {} {}: {}", user, id,
                         d.name == "QuotaExceeded" ? "refused" : "stays queued", d.sentence);
            if (d.name == "NotFound" || d.name == "InvalidArgument")
              set_state(id, "failed");
            // Over the recipient's quota: refused, with the hub's sentence
            // in the log, never queued forever.
            if (d.name == "QuotaExceeded") {
              auto peer = st->store->hub_refused(user, id, out.recipient);
              if (!peer.empty())
                self->send(events, state_atom_v, user, id, peer, std::string("refused"));
            }
          });
}

// Records a key fetched from the hub against what we knew of the user:
// the first key is trusted on first use, a different one is held apart
// until VerifyContact, and announced.
std::optional<store::contact> messaging::learn_key(const public_identity& fetched) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  auto events = st_->config.events;
  if (fetched.user.empty() || !crypto::verify_binding(fetched))
    return std::nullopt;
  auto fp = crypto::fingerprint(fetched);
  auto known = st->store->find_contact(fetched.user);
  if (!known) {
    store::contact c{fetched.user, fetched, fp, false, std::nullopt, {}};
    st->store->put_contact(c);
    return c;
  }
  if (known->fingerprint != fp && known->new_fingerprint != fp) {
    known->new_key = fetched;
    known->new_fingerprint = fp;
    st->store->put_contact(*known);
    spdlog::warn("{}: the key of {} changed", user, fetched.user);
    // The old sessions were with the old key: closed, whatever the user
    // decides about the new one.
    ratchet_sessions(self, st).reset(fetched.user);
    self->send(events, keychange_atom_v, user, fetched.user, fp);
  }
  return known;
}

// Calls `next` with the contact's usable key, fetching it on first contact.
  using key_callback = std::function<void(const caf::error&, const public_identity*)>;
void messaging::with_key(const std::string& peer, key_callback next) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  auto use = [next, peer](const store::contact& c) {
    if (c.new_key)
      return next(make_error(errc::untrusted_key,
                             "the key of '" + peer + "' changed; compare fingerprints "
                             "and call VerifyContact"),
                  nullptr);
    next({}, &c.key);
  };
  if (auto c = st->store->find_contact(peer))
    return use(*c);
  if (st->session.empty())
    return next(make_error(errc::hub_unreachable, "the key of '" + peer
                                                    + "' is not known here and the hub "
                                                      "is away; try again when it is back"),
                nullptr);
  self->request(st->config.hub.gateway, hub_timeout, fetchkey_atom_v, st->session, peer)
    .then(
      [=](const public_identity& fetched) {
        if (fetched.user != peer)
          return next(make_error(errc::untrusted_key, "the hub answered with another user's key"),
                      nullptr);
        auto c = learn_key(fetched);
        if (!c)
          return next(make_error(errc::untrusted_key,
                                 "the published key of '" + peer + "' does not verify"),
                      nullptr);
        use(*c);
      },
      [next](const caf::error& err) { next(err, nullptr); });
}

void messaging::receive(const envelope& env) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  auto events = st_->config.events;
  if (!st->logged_in()) {
    if (st->early.size() < 10000)
      st->early.push_back(env);
    return;
  }
  auto header = decode_header(env.header);
  if (!header)
    return drop("malformed header");
  if (header->to != user) {
    drop("addressed to " + header->to);
    return ack(header->from, header->id);
  }
  if (!header->room.empty() && !check_room_name(header->room).empty()) {
    drop("a malformed room name from " + header->from);
    return ack(header->from, header->id);
  }
  if (st->store->has_message(header->from, header->id))
    return ack(header->from, header->id);  // a resend: already shown once
  auto now = now_ms();
  if (header->timestamp_ms < now - max_message_age_ms
      || header->timestamp_ms > now + max_clock_skew_ms) {
    drop("stale or future timestamp from " + header->from);
    return ack(header->from, header->id);
  }
  auto h = *header;
  with_key(h.from, [=](const caf::error& err, const public_identity* key) {
    if (err) {
      // An unverified key change: keep it at the hub until the user decides.
      return drop("not opened, sender key: " + describe(err).sentence);
    }
    auto sender_key = *key;
    // A message is stored, with the session that opened it, before it is
    // acknowledged: a crash in between brings the envelope again, and the
    // session then still has its key.
    auto accept = [=](const std::string& text, std::optional<store::sealed_session> session,
                      std::optional<uint32_t> used_one_time) {
      // A room message belongs to the room's conversation.
      auto to = h.room.empty() ? h.to : "#" + h.room;
      message_record m{h.id, h.from, to, text, h.timestamp_ms, "received"};
      if (!is_valid_utf8(m.text) || m.text.size() > max_message_bytes) {
        drop("text from " + h.from + " is not valid UTF-8 or too long");
        return ack(h.from, h.id);
      }
      if (st->store->add_incoming(m, session, used_one_time)) {
        social::interlocutor_seen(self, st, h.from);
        self->send(events, received_atom_v, user, m);
        if (st->config.robot)
          self->send(st->config.robot, received_atom_v, user, m);
      }
      ack(h.from, h.id);
    };
    if (h.suite == crypto::session::suite) {
      try {
        auto opened = ratchet_sessions(self, st).open(sender_key, h, env);
        return accept(opened.text, opened.session, opened.used_one_time_prekey);
      } catch (const crypto::crypto_error& ex) {
        // Forged, replayed, or for a session closed here: it can never
        // open, so the hub may forget it.
        drop("from " + h.from + ": " + ex.what());
        return ack(h.from, h.id);
      }
    }
    self->request(st->config.crypto, crypto_timeout, open_atom_v, st->identity, sender_key, env)
      .then(
        [=](const std::string& text) { accept(text, std::nullopt, std::nullopt); },
        [=](const caf::error& err) {
          auto d = describe(err);
          if (d.name != "UntrustedKey")  // no answer: the hub keeps it, it comes again
            return drop("not opened now (" + d.sentence + "); left at the hub");
          // Perhaps the sender has a new key: if the hub says so, the
          // envelope waits there until the user verifies it; else it is a
          // forgery.
          self->request(st->config.hub.gateway, hub_timeout, fetchkey_atom_v, st->session, h.from)
            .then(
              [=](const public_identity& fetched) {
                auto before = st->store->find_contact(h.from);
                learn_key(fetched);
                auto after = st->store->find_contact(h.from);
                if (after && after->new_key && (!before || !before->new_key))
                  return drop("held until the new key of " + h.from + " is verified");
                drop("from " + h.from + ": " + d.sentence);
                ack(h.from, h.id);
              },
              [=](const caf::error&) { drop("from " + h.from + ": " + d.sentence); });
        });
  });
}

caf::result<std::string> messaging::send(const std::string& to, const std::string& text) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  auto events = st_->config.events;
  // Unlocked is enough: while the hub is away, messages wait here.
  if (!st->identity)
  return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
  if (auto why = check_peer(to); !why.empty())
  return make_error(errc::invalid_argument, why);
  if (to == user)
  return make_error(errc::invalid_argument, "a message to yourself goes nowhere");
  if (text.empty() || text.size() > max_message_bytes || !is_valid_utf8(text))
  return make_error(errc::invalid_argument,
                    "the text must be valid UTF-8, 1 byte to 64 KiB");
  auto rp = self->make_response_promise<std::string>();
  // Seals one envelope per recipient, all with the same id, and stores
  // them with the message before answering: the id is then a promise.
  auto seal_for = [=](const std::vector<std::string>& recipients,
                    const std::string& room) mutable {
  with_keys(recipients, [=](const caf::error& err,
                            const std::vector<public_identity>& keys) mutable {
    if (err) {
      rp.deliver(err);
      return;
    }
    // Ratchet-suite peers through their sessions, the rest (and those with
    // no prekeys, or while the hub is away) through the crypto pool.
    std::vector<public_identity> via_session, via_pool;
    ratchet_sessions sessions(self, st);
    for (auto& k : keys)
      (sessions.wanted(k) ? via_session : via_pool).push_back(k);
    sessions.prepare(via_session, [=](const caf::error& err,
                                      const std::vector<std::string>& without) mutable {
      if (err) {
        rp.deliver(err);
        return;
      }
      for (auto i = via_session.begin(); i != via_session.end();)
        if (std::find(without.begin(), without.end(), i->user) != without.end()) {
          via_pool.push_back(*i);
          i = via_session.erase(i);
        } else {
          ++i;
        }
      seal_order order{st->identity, via_pool, new_message_id(), user, room, now_ms(), text};
      // Synchronous from here to the commit: no other message can use the
      // same session state in between.
      auto finish = [=](const std::vector<envelope>& pooled) mutable {
        std::vector<store::outbound> outs;
        for (size_t i = 0; i < pooled.size() && i < via_pool.size(); ++i)
          outs.push_back({via_pool[i].user, pooled[i]});
        std::vector<store::sealed_session> advanced;
        envelope_header h;
        h.id = order.id;
        h.from = user;
        h.room = room;
        h.timestamp_ms = order.timestamp_ms;
        message_record m{order.id, user, to, text, order.timestamp_ms, "queued"};
        try {
          ratchet_sessions here(self, st);
          for (auto& peer : via_session) {
            h.to = peer.user;
            auto sealed = here.seal(peer.user, h, text);
            outs.push_back({peer.user, sealed.env});
            advanced.push_back(sealed.session);
          }
          st->store->add_outgoing(m, outs, advanced);
        } catch (const crypto::crypto_error& ex) {
          rp.deliver(make_error(errc::untrusted_key, ex.what()));
          return;
        } catch (const std::exception& ex) {
          spdlog::error("{}: cannot store an outgoing message: {}", user, ex.what());
          rp.deliver(make_error(errc::internal, "cannot store the message"));
          return;
        }
        rp.deliver(order.id);
        self->send(events, state_atom_v, user, order.id, to, std::string("queued"));
        if (outs.empty()) {  // a room with nobody else in it
          set_state(order.id, "sent");
          return;
        }
        for (auto& out : outs)
          push(order.id, out);
      };
      if (via_pool.empty())
        return finish({});
      self->request(st->config.crypto, crypto_timeout, seal_atom_v, order)
        .then(finish, [=](const caf::error& err) mutable { rp.deliver(err); });
    });
  });
  };
  if (!is_room_address(to)) {
  seal_for({to}, "");
  return rp;
  }
  auto room = to.substr(1);
  if (st->session.empty())
  return make_error(errc::hub_unreachable, "the hub, which knows who is in #" + room
                                             + ", is away; try again when it is back");
  self->request(st->config.hub.gateway, hub_timeout, roomget_atom_v, st->session, room)
  .then(
    [=](const room_info& info) mutable {
      std::vector<std::string> others;
      for (auto& member : info.members)
        if (member != user)
          others.push_back(member);
      seal_for(others, room);
    },
    [=](const caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::result<caf::ok_atom> messaging::mark_read(const std::string& peer) {
  auto self = self_;
  auto st = st_;
  if (auto why = check_peer(peer); !why.empty())
  return make_error(errc::invalid_argument, why);
  std::map<std::string, std::vector<std::string>> by_sender;
  for (auto& [sender, id] : st->store->mark_read(peer))
  by_sender[sender].push_back(id);
  // Read receipts are a courtesy: logged out, the messages are read here
  // and their senders are not told.
  if (st->logged_in())
  for (auto& [sender, ids] : by_sender)
    self->request(st->config.hub.gateway, hub_timeout, readrcpt_atom_v, st->session, sender, ids)
      .then([](caf::ok_atom) {}, [](const caf::error&) {});
  return caf::ok_atom_v;
}

caf::result<std::string> messaging::fingerprint(const std::string& who) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  if (who == user) {
  if (st->status.fingerprint.empty())
    return make_error(errc::not_found, "no keys for '" + user + "' on this machine");
  return st->status.fingerprint;
  }
  auto answer = [=](caf::typed_response_promise<std::string> rp) mutable {
  auto c = st->store->find_contact(who);
  if (!c)
    { rp.deliver(make_error(errc::not_found, "no key known for '" + who + "'")); return; }
  rp.deliver(c->new_key ? c->new_fingerprint : c->fingerprint);
  };
  auto rp = self->make_response_promise<std::string>();
  if (st->session.empty()) {
  answer(rp);
  return rp;
  }
  // Ask the hub for the current key, so a change shows here first.
  self->request(st->config.hub.gateway, hub_timeout, fetchkey_atom_v, st->session, who)
  .then([=](const public_identity& fetched) mutable {
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

caf::result<caf::ok_atom> messaging::verify(const std::string& who, const std::string& fingerprint) {
  auto st = st_;
  auto c = st->store->find_contact(who);
  if (!c)
  return make_error(errc::not_found, "no key known for '" + who + "'");
  if (c->new_key && fingerprint == c->new_fingerprint) {
  ratchet_sessions(self_, st).reset(who);
  c->key = *c->new_key;
  c->fingerprint = c->new_fingerprint;
  c->new_key.reset();
  c->new_fingerprint.clear();
  } else if (fingerprint != c->fingerprint) {
  return make_error(errc::untrusted_key,
                    "that fingerprint is not the key of '" + who + "'");
  }
  c->verified = true;
  st->store->put_contact(*c);
  return caf::ok_atom_v;
}

} // namespace chatter
