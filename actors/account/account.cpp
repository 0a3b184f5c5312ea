#include "account/account.hpp"

#include <filesystem>

#include <botan/hex.h>
#include <botan/mem_ops.h>
#include <spdlog/spdlog.h>

#include "account/account_state.hpp"
#include "account/identity_file.hpp"
#include "account/messaging.hpp"
#include "account/sessions.hpp"
#include "auth/scram.hpp"
#include "chat/envelope.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/system_messages.hpp"
#include "common/validation.hpp"
#include "gateway/gateway.hpp"
#include "crypto/suites.hpp"
#include "kdf/kdf_worker.hpp"
#include "store/account_store.hpp"

namespace chatter {

namespace {

constexpr auto kdf_timeout = std::chrono::seconds(30);
// How often queued envelopes are offered to the hub again.
constexpr auto outbox_retry = std::chrono::seconds(5);

void forget_session(account_state& st) {
  st.keys.clear();
  st.session.clear();
  st.identity.reset();
  Botan::secure_scrub_memory(st.at_rest_key.data(), st.at_rest_key.size());
  st.at_rest_key.clear();
  st.status.authenticated = false;
  st.presence.clear();
  st.arrived.clear();
  st.status.presence = "offline";
}

} // namespace

account_actor::behavior_type account(account_actor::pointer self,
                                     account_config config) {
  auto st = std::make_shared<account_state>();
  st->config = config;
  st->hub_up = config.hub_up;
  st->status.user = config.user;
  st->store = std::make_unique<store::account_store>(
    (std::filesystem::path(config.folder) / "account.db").string());
  if (auto keys = load_identity_file(config.folder)) {
    st->status.suite = keys->suite;
    st->status.fingerprint = crypto::fingerprint(keys->identity);
  }
  auto events = config.events;
  obey_exits_only_from(self, config.guardian, st->config.user.c_str(), &st->ignored_system_messages);
  self->set_default_handler(caf::drop);
  self->delayed_send(self, outbox_retry, retry_atom_v);
  auto user = config.user;

  auto end_session = [=](const std::string& reason) {
    forget_session(*st);
    self->send(events, revoked_atom_v, user, reason);
    self->send(events, authed_atom_v, st->status);
  };

  // Best effort: the hub also drops the session when we stop answering.
  auto end_hub_session = [=](const std::string& session) {
    self->request(st->config.hub.gateway, hub_timeout, logout_atom_v, session)
      .then([](caf::ok_atom) {}, [](const caf::error&) {});
  };
  // Sending, receiving and key trust: messaging.cpp. Its callbacks run on
  // this actor only while this behavior (which holds it) lives.
  auto msg = std::make_shared<messaging>(self, st);

  // The SCRAM exchange after the hub's challenge: our proof, the grant, and
  // the hub's own proof checked.
  using grant_callback = std::function<void(const caf::error&, const login_grant&)>;
  auto prove = [=](const login_challenge& challenge, const std::string& client_nonce,
                   const derived_keys& keys, grant_callback done) {
    auto message = scram::login_auth_message(user, client_nonce, challenge.nonce,
                                             challenge.salt, challenge.kdf);
    auto proof = scram::client_proof(keys.client_key, keys.stored_key, message);
    // The hub gets an inlet, never this actor: its interface is the
    // session's, and it takes messages only from the gateway.
    auto inlet = spawn_outlet(self->system(),
                              {caf::actor_cast<session_peer_actor>(self), nullptr,
                               st->config.hub.gateway.address(), self->address()});
    // Set now: what the hub sends the new session may come before the grant.
    auto previous = st->inlet;
    st->inlet = inlet;
    self->request(st->config.hub.gateway, hub_timeout, proof_atom_v, challenge.attempt, proof,
                  inlet)
      .then(
        [=](const login_grant& grant) {
          if (previous && previous != inlet)
            self->send_exit(previous, caf::exit_reason::normal);
          auto expected = scram::server_signature(keys.server_key, message);
          if (!scram::equal_constant_time(expected, grant.server_signature)) {
            end_hub_session(grant.session);
            return done(make_error(errc::authentication_failed,
                                   "the hub could not prove it holds this account's verifier"),
                        {});
          }
          done({}, grant);
        },
        [=](const caf::error& err) {
          self->send_exit(inlet, caf::exit_reason::normal);
          if (st->inlet == inlet)
            st->inlet = previous;
          done(err, {});
        });
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
    st->public_id = locked->identity;
    st->keys.hold(keys);
    self->request(st->config.hub.gateway, hub_timeout, pubkey_atom_v, grant.session, locked->identity)
      .then(
        [=](caf::ok_atom) {
          // The display name too, so the Login reply carries it.
          auto opened = [=] {
            st->status.authenticated = true;
            st->status.last_reauthentication_ms = now_ms();
            st->status.presence = "online";
            self->send(events, authed_atom_v, st->status);
            ratchet_sessions(self, st).publish_prekeys([=] {
              done({});
              social::start_session(self, st);
              msg->flush_outbox();
              auto early = std::move(st->early);
              for (auto& env : early)
                msg->receive(env);
            });
          };
          self->request(st->config.hub.gateway, hub_timeout, lookup_atom_v, grant.session, user)
            .then(
              [=](const user_record& me) {
                st->status.display_name = me.display_name;
                opened();
              },
              [=](const caf::error&) { opened(); });
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
    if (st->keys.empty() || !st->identity || st->login_under_way)
      return;
    st->login_under_way = true;
    auto keys = st->keys.reveal();
    auto nonce = scram::random_nonce();
    auto failed = [=](const caf::error& err) {
      st->login_under_way = false;
      spdlog::warn("{}: logging in again failed: {}", user, describe(err).sentence);
      if (describe(err).name == "AuthenticationFailed")
        end_session("the hub no longer accepts this account's keys; log in again");
    };
    self->request(st->config.hub.gateway, hub_timeout, login_atom_v, user, nonce)
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
    [=](login_atom, const secret& password) -> caf::result<account_status> {
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
      self->request(st->config.hub.gateway, hub_timeout, login_atom_v, user, client_nonce)
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
                              unlock_identity_file(st->config.folder, *locked,
                                                   password.view(), challenge.kdf));
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
    [=](hubup_atom, const hub_handles& hub) {
      st->config.hub = hub;
      st->hub_up = true;
      relogin();
    },
    [=](retry_atom) {
      // What the hub refused or never answered goes again; the hub and the
      // recipient drop duplicates by (sender, id).
      if (st->logged_in())
        msg->flush_outbox();
      // A login again that timed out (a slow or restarting hub) is tried
      // again while the hub is there, or the account would stay offline.
      else if (st->hub_up && st->session.empty())
        relogin();
      self->delayed_send(self, outbox_retry, retry_atom_v);
    },
    [=](hubdown_atom) {
      // The session died with the hub; the keys stay, to log in again.
      st->hub_up = false;
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
      if (self->current_sender() != st->inlet.address() || session != st->session
          || st->session.empty())
        return;
      auto message = scram::rechallenge_auth_message(user, session, nonce);
      auto keys = st->keys.reveal();
      auto proof = scram::client_proof(keys.client_key, keys.stored_key, message);
      if (st->config.corrupt_rechallenge_answers)
        proof[0] ^= 0x01;
      self->request(st->config.hub.gateway, hub_timeout, answer_atom_v, session, nonce, proof)
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
      if (self->current_sender() != st->inlet.address() || session != st->session
          || st->session.empty())
        return;
      // A late answer, or a replayed one, is not this account's fault: it
      // logs in again with the keys it holds, and says so. A wrong answer,
      // or a newer login taking our place, ends the session for good.
      bool ours_to_blame = reason.rfind("wrong answer", 0) == 0 || reason.rfind("replaced", 0) == 0;
      if (ours_to_blame || st->keys.empty())
        return end_session(reason);
      spdlog::warn("{}: the hub revoked our session ({}); logging in again", user, reason);
      st->session.clear();
      st->status.authenticated = false;
      self->send(events, revoked_atom_v, user, reason);
      self->send(events, authed_atom_v, st->status);
      relogin();
    },
    [=](deliver_atom, const envelope& env) { msg->deliver(env); },
    [=](hubdown_atom, const std::string& session) {
      if (self->current_sender() != st->inlet.address() || session != st->session
          || st->session.empty())
        return;
      spdlog::info("{}: the hub lost our session; logging in again", user);
      st->session.clear();
      st->status.authenticated = false;
      self->send(events, authed_atom_v, st->status);
      relogin();
    },
    [=](replenish_atom, uint32_t left) {
      if (self->current_sender() != st->inlet.address() || !st->logged_in())
        return;
      spdlog::debug("{}: the hub has {} one-time prekeys left", user, left);
      ratchet_sessions(self, st).publish_prekeys();
    },
    [=](receipt_atom, const std::string& id, const std::string& recipient,
        const std::string& state) { msg->receipt(id, recipient, state); },
    [=](presence_atom, const presence_info& info) {
      if (self->current_sender() != st->inlet.address() || !st->logged_in())
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
    [=](send_atom, const std::string& to, const std::string& text) {
      return msg->send(to, text);
    },
    [=](history_atom, const std::string& peer, int64_t before,
        uint32_t limit) -> caf::result<std::vector<message_record>> {
      return st->store->history(peer, before <= 0 ? INT64_MAX : before, limit);
    },
    [=](pendmsgs_atom) { return st->store->pending_incoming(); },
    [=](markread_atom, const std::string& peer) { return msg->mark_read(peer); },
    [=](presence_atom, const std::string& status, const std::string& message) {
      return social::set_presence(self, st, status, message);
    },
    [=](search_atom, const std::string& query,
        uint32_t limit) -> caf::result<std::vector<presence_info>> {
      if (!st->logged_in())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      return self->delegate(st->config.hub.gateway, search_atom_v, st->session, query, limit);
    },
    [=](addcont_atom, const std::string& who) { return social::add_contact(self, st, who); },
    [=](rmcont_atom, const std::string& who) { return social::remove_contact(self, st, who); },
    [=](contacts_atom) { return social::list_contacts(st); },
    [=](roomnew_atom, const std::string& room,
        const std::vector<std::string>& members) -> caf::result<room_info> {
      if (!st->logged_in())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      return self->delegate(st->config.hub.gateway, roomnew_atom_v, st->session, room, members);
    },
    [=](roominv_atom, const std::string& room,
        const std::string& invitee) -> caf::result<room_info> {
      if (!st->logged_in())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      return self->delegate(st->config.hub.gateway, roominv_atom_v, st->session, room, invitee);
    },
    [=](roomleave_atom, const std::string& room) -> caf::result<caf::ok_atom> {
      if (!st->logged_in())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      return self->delegate(st->config.hub.gateway, roomleave_atom_v, st->session, room);
    },
    [=](rooms_atom) -> caf::result<std::vector<room_info>> {
      if (!st->logged_in())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      return self->delegate(st->config.hub.gateway, rooms_atom_v, st->session);
    },
    [=](ackmsgs_atom, const std::vector<std::string>& ids) {
      st->store->acknowledge(ids);
      return caf::ok_atom_v;
    },
    [=](fprint_atom, const std::string& who) { return msg->fingerprint(who); },
    [=](resetsess_atom, const std::string& peer) { return msg->reset_session(peer); },
    [=](verify_atom, const std::string& who, const std::string& fingerprint) {
      return msg->verify(who, fingerprint);
    },
  };
}

} // namespace chatter
