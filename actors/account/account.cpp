#include "account/account.hpp"

#include <botan/mem_ops.h>
#include <spdlog/spdlog.h>

#include "auth/scram.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "kdf/kdf_worker.hpp"

namespace chatter {

namespace {

constexpr auto hub_timeout = std::chrono::seconds(10);
constexpr auto kdf_timeout = std::chrono::seconds(30);

struct account_state {
  account_config config;
  account_status status;
  std::string session;
  bytes client_key;
  bytes stored_key;
  bool login_under_way = false;
};

void forget_session(account_state& st) {
  Botan::secure_scrub_memory(st.client_key.data(), st.client_key.size());
  st.client_key.clear();
  st.stored_key.clear();
  st.session.clear();
  st.status.authenticated = false;
}

} // namespace

account_actor::behavior_type account(account_actor::pointer self,
                                     account_config config) {
  auto st = std::make_shared<account_state>();
  st->config = config;
  st->status.user = config.user;
  auto events = config.events;
  auto auth = config.auth;
  auto user = config.user;

  auto end_session = [=](const std::string& reason) {
    forget_session(*st);
    self->send(events, revoked_atom_v, user, reason);
    self->send(events, authed_atom_v, st->status);
  };

  // Best effort: the hub also drops the session when we stop answering.
  auto end_hub_session = [=](const std::string& session) {
    self->request(auth, hub_timeout, logout_atom_v, session)
      .then([](caf::ok_atom) {}, [](const caf::error&) {});
  };

  return {
    [=](login_atom, const std::string& password) -> caf::result<account_status> {
      if (st->login_under_way)
        return make_error(errc::already_exists,
                          "a login of '" + user + "' is already under way");
      st->login_under_way = true;
      auto rp = self->make_response_promise<account_status>();
      auto fail = [=](const caf::error& err) mutable {
        st->login_under_way = false;
        rp.deliver(err);
      };
      auto client_nonce = scram::random_nonce();
      self->request(auth, hub_timeout, login_atom_v, user, client_nonce)
        .then(
          [=](const login_challenge& challenge) mutable {
            auto kdf = self->spawn<caf::detached>(kdf_worker, challenge.kdf);
            self->request(kdf, kdf_timeout, derive_atom_v, password,
                          challenge.salt)
              .then(
                [=](derived_keys& keys) mutable {
                  auto message = scram::login_auth_message(
                    user, client_nonce, challenge.nonce, challenge.salt,
                    challenge.kdf);
                  auto proof = scram::client_proof(keys.client_key,
                                                   keys.stored_key, message);
                  auto peer = caf::actor_cast<session_peer_actor>(self);
                  self->request(auth, hub_timeout, proof_atom_v,
                                challenge.attempt, proof, peer)
                    .then(
                      [=](const login_grant& grant) mutable {
                        auto expected = scram::server_signature(keys.server_key,
                                                                message);
                        if (!scram::equal_constant_time(expected,
                                                        grant.server_signature)) {
                          fail(make_error(errc::authentication_failed,
                                          "the hub could not prove it holds "
                                          "this account's verifier"));
                          return;
                        }
                        if (!st->session.empty() && st->session != grant.session)
                          end_hub_session(st->session);
                        st->login_under_way = false;
                        st->session = grant.session;
                        st->client_key = keys.client_key;
                        st->stored_key = keys.stored_key;
                        st->status.authenticated = true;
                        st->status.last_reauthentication_ms = now_ms();
                        self->send(events, authed_atom_v, st->status);
                        rp.deliver(st->status);
                      },
                      fail);
                },
                fail);
          },
          fail);
      return rp;
    },
    [=](challenge_atom, const std::string& session, const std::string& nonce) {
      // Only the hub we logged in with may challenge, and only our session.
      spdlog::debug("{}: re-challenged", user);
      if (self->current_sender() != auth.address() || session != st->session
          || st->session.empty())
        return;
      auto message = scram::rechallenge_auth_message(user, session, nonce);
      auto proof = scram::client_proof(st->client_key, st->stored_key, message);
      if (st->config.corrupt_rechallenge_answers)
        proof[0] ^= 0x01;
      self->request(auth, hub_timeout, answer_atom_v, session, nonce, proof)
        .then(
          [=](int64_t accepted_ms) {
            spdlog::debug("{}: re-challenge answer accepted", user);
            if (st->session != session)
              return;
            st->status.last_reauthentication_ms = accepted_ms;
            self->send(events, reauth_atom_v, user, accepted_ms);
          },
          [=](const caf::error& err) {
            spdlog::debug("{}: re-challenge answer refused: {}", user,
                          caf::to_string(err));
            if (st->session != session)
              return;
            end_session(describe(err).sentence);
          });
    },
    [=](revoked_atom, const std::string& session, const std::string& reason) {
      if (self->current_sender() != auth.address() || session != st->session
          || st->session.empty())
        return;
      end_session(reason);
    },
    [=](logout_atom) -> caf::result<caf::ok_atom> {
      if (st->session.empty())
        return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
      end_hub_session(st->session);
      forget_session(*st);
      self->send(events, authed_atom_v, st->status);
      return caf::ok_atom_v;
    },
    [=](status_atom) {
      return st->status;
    },
  };
}

} // namespace chatter
