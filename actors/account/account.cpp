#include "account/account.hpp"

#include <filesystem>

#include <botan/hex.h>
#include <botan/mem_ops.h>
#include <spdlog/spdlog.h>

#include "account/account_state.hpp"
#include "account/identity_file.hpp"
#include "auth/scram.hpp"
#include "chat/envelope.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/validation.hpp"
#include "crypto/suites.hpp"
#include "kdf/kdf_worker.hpp"
#include "store/account_store.hpp"

namespace chatter {

namespace {

constexpr auto kdf_timeout = std::chrono::seconds(30);
// RSA-3072 and ElGamal take milliseconds; a room seals one envelope per member.
constexpr auto crypto_timeout = std::chrono::seconds(20);
// How often queued envelopes are offered to the hub again.
constexpr auto outbox_retry = std::chrono::seconds(5);

void forget_session(account_state& st) {
  Botan::secure_scrub_memory(st.client_key.data(), st.client_key.size());
  Botan::secure_scrub_memory(st.server_key.data(), st.server_key.size());
  st.client_key.clear();
  st.stored_key.clear();
  st.server_key.clear();
  st.session.clear();
  st.identity.reset();
  st.status.authenticated = false;
  st.presence.clear();
  st.arrived.clear();
  st.status.presence = "offline";
}

using keys_callback =
  std::function<void(const caf::error&, const std::vector<public_identity>&)>;

// Keys of several peers, fetched one after the other; stops at the first error.
struct key_walk {
  std::vector<std::string> peers;
  std::vector<public_identity> found;
  keys_callback next;
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

std::string new_message_id() {
  return Botan::hex_encode(crypto::random_bytes(16), false);
}

} // namespace

account_actor::behavior_type account(account_actor::pointer self,
                                     account_config config) {
  auto st = std::make_shared<account_state>();
  st->config = config;
  st->status.user = config.user;
  st->store = std::make_unique<store::account_store>(
    (std::filesystem::path(config.folder) / "account.db").string());
  if (auto keys = load_identity_file(config.folder)) {
    st->status.suite = keys->suite;
    st->status.fingerprint = crypto::fingerprint(keys->identity);
  }
  auto events = config.events;
  self->delayed_send(self, outbox_retry, retry_atom_v);
  auto user = config.user;

  auto end_session = [=](const std::string& reason) {
    forget_session(*st);
    self->send(events, revoked_atom_v, user, reason);
    self->send(events, authed_atom_v, st->status);
  };

  // Best effort: the hub also drops the session when we stop answering.
  auto end_hub_session = [=](const std::string& session) {
    self->request(st->config.auth, hub_timeout, logout_atom_v, session)
      .then([](caf::ok_atom) {}, [](const caf::error&) {});
  };

  auto drop = [=](const std::string& why) {
    ++st->dropped;
    spdlog::warn("{}: dropped an envelope ({} so far): {}", user, st->dropped, why);
    self->send(events, stats_atom_v, user, st->dropped);
  };

  auto ack = [=](const std::string& from, const std::string& id) {
    self->request(st->config.mailbox, hub_timeout, ack_atom_v, st->session, from, id)
      .then([](caf::ok_atom) {},
            [=](const caf::error& err) {
              spdlog::warn("{}: the hub did not take an ack: {}", user, caf::to_string(err));
            });
  };

  auto set_state = [=](const std::string& id, const std::string& state) {
    auto peer = st->store->set_outgoing_state(user, id, state);
    if (!peer.empty())
      self->send(events, state_atom_v, user, id, peer, state);
  };

  // Hands an envelope to the hub; "sent" once the hub has every envelope of
  // the message on disk.
  auto push = [=](const std::string& id, const store::outbound& out) {
    auto key = std::make_pair(id, out.recipient);
    if (!st->in_flight.insert(key).second)
      return;  // already on its way
    self->request(st->config.mailbox, hub_timeout, enqueue_atom_v, st->session, out.env)
      .then([=](caf::ok_atom) {
              st->in_flight.erase(key);
              if (st->store->hub_has(id, out.recipient))
                set_state(id, "sent");
            },
            [=](const caf::error& err) {
              st->in_flight.erase(key);
              auto d = describe(err);
              spdlog::warn("{}: message {} stays queued: {}", user, id, d.sentence);
              if (d.name == "NotFound" || d.name == "InvalidArgument")
                set_state(id, "failed");
            });
  };

  // Records a key fetched from the hub against what we knew of the user:
  // the first key is trusted on first use, a different one is held apart
  // until VerifyContact, and announced.
  auto learn_key = [=](const public_identity& fetched) -> std::optional<store::contact> {
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
      self->send(events, keychange_atom_v, user, fetched.user, fp);
    }
    return known;
  };

  // Calls `next` with the contact's usable key, fetching it on first contact.
  using key_callback = std::function<void(const caf::error&, const public_identity*)>;
  auto with_key = [=](const std::string& peer, key_callback next) {
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
    self->request(st->config.keys, hub_timeout, fetchkey_atom_v, st->session, peer)
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
  };

  auto with_keys = [=](std::vector<std::string> peers, keys_callback next) {
    collect_keys(with_key, std::make_shared<key_walk>(key_walk{std::move(peers), {}, next}));
  };

  std::function<void(const envelope&)> receive;
  receive = [=](const envelope& env) {
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
      self->request(config.crypto, crypto_timeout, open_atom_v, st->identity, sender_key, env)
        .then(
          [=](const std::string& text) {
            // A room message belongs to the room's conversation.
            auto to = h.room.empty() ? h.to : "#" + h.room;
            message_record m{h.id, h.from, to, text, h.timestamp_ms, "received"};
            if (!is_valid_utf8(m.text) || m.text.size() > max_message_bytes) {
              drop("text from " + h.from + " is not valid UTF-8 or too long");
              return ack(h.from, h.id);
            }
            if (st->store->add_incoming(m)) {
              social::interlocutor_seen(self, st, h.from);
              self->send(events, received_atom_v, user, m);
            }
            ack(h.from, h.id);
          },
          [=](const caf::error& err) {
            auto d = describe(err);
            if (d.name != "UntrustedKey")  // no answer: the hub keeps it, it comes again
              return drop("not opened now (" + d.sentence + "); left at the hub");
            // Perhaps the sender has a new key: if the hub says so, the
            // envelope waits there until the user verifies it; else it is a
            // forgery.
            self->request(st->config.keys, hub_timeout, fetchkey_atom_v, st->session, h.from)
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
  };

  // The SCRAM exchange after the hub's challenge: our proof, the grant, and
  // the hub's own proof checked.
  using grant_callback = std::function<void(const caf::error&, const login_grant&)>;
  auto prove = [=](const login_challenge& challenge, const std::string& client_nonce,
                   const derived_keys& keys, grant_callback done) {
    auto message = scram::login_auth_message(user, client_nonce, challenge.nonce,
                                             challenge.salt, challenge.kdf);
    auto proof = scram::client_proof(keys.client_key, keys.stored_key, message);
    auto peer = caf::actor_cast<session_peer_actor>(self);
    self->request(st->config.auth, hub_timeout, proof_atom_v, challenge.attempt, proof, peer)
      .then(
        [=](const login_grant& grant) {
          auto expected = scram::server_signature(keys.server_key, message);
          if (!scram::equal_constant_time(expected, grant.server_signature)) {
            end_hub_session(grant.session);
            return done(make_error(errc::authentication_failed,
                                   "the hub could not prove it holds this account's verifier"),
                        {});
          }
          done({}, grant);
        },
        [=](const caf::error& err) { done(err, {}); });
  };

  // A granted session becomes this account's: keys published, presence
  // watched, the outbox flushed, early envelopes opened.
  auto open_session = [=](const login_grant& grant, const derived_keys& keys,
                          std::function<void(const caf::error&)> done) {
    auto locked = load_identity_file(st->config.folder);
    if (!locked) {
      end_hub_session(grant.session);
      return done(make_error(errc::not_found, "the keys of '" + user + "' are gone"));
    }
    if (!st->session.empty() && st->session != grant.session)
      end_hub_session(st->session);
    st->session = grant.session;
    st->client_key = keys.client_key;
    st->stored_key = keys.stored_key;
    st->server_key = keys.server_key;
    self->request(st->config.keys, hub_timeout, pubkey_atom_v, grant.session, locked->identity)
      .then(
        [=](caf::ok_atom) {
          st->status.authenticated = true;
          st->status.last_reauthentication_ms = now_ms();
          st->status.presence = "online";
          self->send(events, authed_atom_v, st->status);
          done({});
          social::start_session(self, st);
          for (auto& q : st->store->queued_outgoing())
            push(q.id, q.out);
          auto early = std::move(st->early);
          for (auto& env : early)
            receive(env);
        },
        [=](const caf::error& err) {
          end_hub_session(grant.session);
          st->session.clear();
          done(err);
        });
  };

  // After the hub came back: the same SCRAM login, from the keys held in
  // memory since the password was typed.
  auto relogin = [=] {
    if (st->client_key.empty() || !st->identity || st->login_under_way)
      return;
    st->login_under_way = true;
    derived_keys keys{st->client_key, st->stored_key, st->server_key};
    auto nonce = scram::random_nonce();
    auto failed = [=](const caf::error& err) {
      st->login_under_way = false;
      spdlog::warn("{}: logging in again failed: {}", user, describe(err).sentence);
      if (describe(err).name == "AuthenticationFailed")
        end_session("the hub no longer accepts this account's keys; log in again");
    };
    self->request(st->config.auth, hub_timeout, login_atom_v, user, nonce)
      .then(
        [=](const login_challenge& challenge) {
          prove(challenge, nonce, keys, [=](const caf::error& err, const login_grant& grant) {
            if (err)
              return failed(err);
            open_session(grant, keys, [=](const caf::error& err) {
              if (err)
                return failed(err);
              st->login_under_way = false;
              spdlog::info("{}: logged in again after the hub came back", user);
            });
          });
        },
        failed);
  };

  return {
    [=](login_atom, const std::string& password) -> caf::result<account_status> {
      if (st->login_under_way)
        return make_error(errc::already_exists,
                          "a login of '" + user + "' is already under way");
      auto locked = load_identity_file(st->config.folder);
      if (!locked)
        return make_error(errc::not_found, "no keys for '" + user
                                             + "' on this machine (register here first)");
      st->login_under_way = true;
      auto rp = self->make_response_promise<account_status>();
      auto fail = [=](const caf::error& err) mutable {
        st->login_under_way = false;
        rp.deliver(err);
      };
      auto client_nonce = scram::random_nonce();
      self->request(st->config.auth, hub_timeout, login_atom_v, user, client_nonce)
        .then(
          [=](const login_challenge& challenge) mutable {
            auto kdf = self->spawn<caf::detached>(kdf_worker, challenge.kdf);
            self->request(kdf, kdf_timeout, derive_atom_v, password, challenge.salt)
              .then(
                [=](derived_keys& keys) mutable {
                  prove(challenge, client_nonce, keys,
                        [=](const caf::error& err, const login_grant& grant) mutable {
                          if (err)
                            return fail(err);
                          try {
                            st->identity = std::make_shared<const crypto::private_identity>(
                              crypto::unlock_identity({locked->suite, locked->signing_pem,
                                                       locked->encryption_pem},
                                                      password));
                          } catch (const crypto::crypto_error& ex) {
                            end_hub_session(grant.session);
                            return fail(make_error(errc::authentication_failed, ex.what()));
                          }
                          open_session(grant, keys, [=](const caf::error& err) mutable {
                            if (err) {
                              forget_session(*st);
                              return fail(err);
                            }
                            st->login_under_way = false;
                            rp.deliver(st->status);
                          });
                        });
                },
                fail);
          },
          fail);
      return rp;
    },
    [=](hubup_atom, const registry_actor& registry, const auth_actor& auth,
        const keys_actor& keys, const mailbox_actor& mailbox) {
      st->config.registry = registry;
      st->config.auth = auth;
      st->config.keys = keys;
      st->config.mailbox = mailbox;
      relogin();
    },
    [=](retry_atom) {
      // What the hub refused or never answered goes again; the hub and the
      // recipient drop duplicates by (sender, id).
      if (st->logged_in())
        for (auto& q : st->store->queued_outgoing())
          push(q.id, q.out);
      self->delayed_send(self, outbox_retry, retry_atom_v);
    },
    [=](hubdown_atom) {
      // The session died with the hub; the keys stay, to log in again.
      if (st->session.empty())
        return;
      st->session.clear();
      st->presence.clear();
      st->status.authenticated = false;
      st->status.presence = "offline";
      self->send(events, authed_atom_v, st->status);
    },
    [=](challenge_atom, const std::string& session, const std::string& nonce) {
      // Only the hub we logged in with may challenge, and only our session.
      spdlog::debug("{}: re-challenged", user);
      if (self->current_sender() != st->config.auth.address() || session != st->session
          || st->session.empty())
        return;
      auto message = scram::rechallenge_auth_message(user, session, nonce);
      auto proof = scram::client_proof(st->client_key, st->stored_key, message);
      if (st->config.corrupt_rechallenge_answers)
        proof[0] ^= 0x01;
      self->request(st->config.auth, hub_timeout, answer_atom_v, session, nonce, proof)
        .then(
          [=](int64_t accepted_ms) {
            if (st->session != session)
              return;
            st->status.last_reauthentication_ms = accepted_ms;
            self->send(events, reauth_atom_v, user, accepted_ms);
          },
          [=](const caf::error& err) {
            spdlog::debug("{}: re-challenge answer refused: {}", user, caf::to_string(err));
            if (st->session != session)
              return;
            end_session(describe(err).sentence);
          });
    },
    [=](revoked_atom, const std::string& session, const std::string& reason) {
      if (self->current_sender() != st->config.auth.address() || session != st->session
          || st->session.empty())
        return;
      end_session(reason);
    },
    [=](deliver_atom, const envelope& env) {
      if (self->current_sender() != st->config.mailbox.address())
        return drop("an envelope not from our hub's mailbox");
      receive(env);
    },
    [=](receipt_atom, const std::string& id, const std::string& recipient,
        const std::string& state) {
      if (self->current_sender() != st->config.mailbox.address())
        return;
      if (state != "delivered" && state != "read")
        return;
      spdlog::debug("{}: {} has {} {}", user, recipient, state, id);
      set_state(id, state);
    },
    [=](presence_atom, const presence_info& info) {
      if (self->current_sender() != st->config.registry.address() || !st->logged_in())
        return;
      social::presence_changed(self, st, info);
    },
    [=](logout_atom) -> caf::result<caf::ok_atom> {
      if (st->session.empty())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      end_hub_session(st->session);
      forget_session(*st);
      self->send(events, authed_atom_v, st->status);
      return caf::ok_atom_v;
    },
    [=](status_atom) { return st->status; },
    [=](send_atom, const std::string& to, const std::string& text) -> caf::result<std::string> {
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
          seal_order order{st->identity, keys, new_message_id(), user, room, now_ms(), text};
          self->request(config.crypto, crypto_timeout, seal_atom_v, order)
            .then(
              [=](const std::vector<envelope>& sealed) mutable {
                std::vector<store::outbound> outs;
                for (size_t i = 0; i < sealed.size() && i < keys.size(); ++i)
                  outs.push_back({keys[i].user, sealed[i]});
                message_record m{order.id, user, to, text, order.timestamp_ms, "queued"};
                try {
                  st->store->add_outgoing(m, outs);
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
              },
              [=](const caf::error& err) mutable { rp.deliver(err); });
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
      self->request(st->config.registry, hub_timeout, roomget_atom_v, st->session, room)
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
    },
    [=](history_atom, const std::string& peer, int64_t before,
        uint32_t limit) -> caf::result<std::vector<message_record>> {
      return st->store->history(peer, before <= 0 ? INT64_MAX : before, limit);
    },
    [=](pendmsgs_atom) { return st->store->pending_incoming(); },
    [=](markread_atom, const std::string& peer) -> caf::result<caf::ok_atom> {
      if (auto why = check_peer(peer); !why.empty())
        return make_error(errc::invalid_argument, why);
      std::map<std::string, std::vector<std::string>> by_sender;
      for (auto& [sender, id] : st->store->mark_read(peer))
        by_sender[sender].push_back(id);
      // Read receipts are a courtesy: logged out, the messages are read here
      // and their senders are not told.
      if (st->logged_in())
        for (auto& [sender, ids] : by_sender)
          self->request(st->config.mailbox, hub_timeout, readrcpt_atom_v, st->session, sender, ids)
            .then([](caf::ok_atom) {}, [](const caf::error&) {});
      return caf::ok_atom_v;
    },
    [=](presence_atom, const std::string& status, const std::string& message) {
      return social::set_presence(self, st, status, message);
    },
    [=](search_atom, const std::string& query,
        uint32_t limit) -> caf::result<std::vector<presence_info>> {
      if (!st->logged_in())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      return self->delegate(st->config.registry, search_atom_v, st->session, query, limit);
    },
    [=](addcont_atom, const std::string& who) { return social::add_contact(self, st, who); },
    [=](rmcont_atom, const std::string& who) { return social::remove_contact(self, st, who); },
    [=](contacts_atom) { return social::list_contacts(st); },
    [=](roomnew_atom, const std::string& room,
        const std::vector<std::string>& members) -> caf::result<room_info> {
      if (!st->logged_in())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      return self->delegate(st->config.registry, roomnew_atom_v, st->session, room, members);
    },
    [=](roominv_atom, const std::string& room,
        const std::string& invitee) -> caf::result<room_info> {
      if (!st->logged_in())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      return self->delegate(st->config.registry, roominv_atom_v, st->session, room, invitee);
    },
    [=](roomleave_atom, const std::string& room) -> caf::result<caf::ok_atom> {
      if (!st->logged_in())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      return self->delegate(st->config.registry, roomleave_atom_v, st->session, room);
    },
    [=](rooms_atom) -> caf::result<std::vector<room_info>> {
      if (!st->logged_in())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      return self->delegate(st->config.registry, rooms_atom_v, st->session);
    },
    [=](ackmsgs_atom, const std::vector<std::string>& ids) {
      st->store->acknowledge(ids);
      return caf::ok_atom_v;
    },
    [=](fprint_atom, const std::string& who) -> caf::result<std::string> {
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
      self->request(st->config.keys, hub_timeout, fetchkey_atom_v, st->session, who)
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
    },
    [=](verify_atom, const std::string& who,
        const std::string& fingerprint) -> caf::result<caf::ok_atom> {
      auto c = st->store->find_contact(who);
      if (!c)
        return make_error(errc::not_found, "no key known for '" + who + "'");
      if (c->new_key && fingerprint == c->new_fingerprint) {
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
    },
  };
}

} // namespace chatter
