#include "login.hpp"

#include <botan/mem_ops.h>
#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/scram.hpp"
#include "identity_file.hpp"
#include "member/kdf/kdf_worker.hpp"
#include "messaging.hpp"
#include "peer_sessions.hpp"
#include "wire/outlet.hpp"

namespace chatter::login {

namespace {

using finished = std::function<void(const caf::error&)>;

// One login, from the first request to the session opened. A Logout, or a
// newer login, bumps the state's generation: the steps of an older attempt
// then stop, giving back any session the hub granted it.
struct attempt {
  uint64_t generation = 0;
  session_phase before = session_phase::locked;  // where a failure goes back to
  std::optional<secret> password;                // a Login; none when logging in again
  std::string client_nonce = scram::random_nonce();
  login_challenge challenge;
  derived_keys keys;
  std::string auth_message;
  session_peer_actor previous_inlet;
  locked_keys locked;
  login_grant grant;
  finished done;
};
using attempt_ptr = std::shared_ptr<attempt>;

void scrub(bytes& b) {
  Botan::secure_scrub_memory(b.data(), b.size());
  b.clear();
}

void announce(account_pointer self) {
  self->send(self->state.config.events, authed_atom_v, self->state.status);
}

void forget_keys(account_state& st) {
  st.keys.clear();
  scrub(st.at_rest_key);
  st.session.clear();
  st.identity.reset();
  st.status.authenticated = false;
  st.presence.clear();
  st.arrived.clear();
  st.status.presence = "offline";
  st.phase = session_phase::locked;
  ++st.login_generation;
}

// Best effort: the hub also drops the session when we stop answering.
void end_hub_session(account_pointer self, const std::string& session) {
  self->request(self->state.config.hub.gateway, hub_timeout, logout_atom_v, session)
    .then([](caf::ok_atom) {}, [](const caf::error&) {});
}

// The session ends for good: the user must type the password again.
void end_session(account_pointer self, const std::string& reason) {
  forget_keys(self->state);
  self->send(self->state.config.events, revoked_atom_v, self->state.config.user, reason);
  announce(self);
}

// The session is gone but the keys stay: offline, logging in again when
// the hub is there.
void go_offline(account_pointer self) {
  auto& st = self->state;
  st.session.clear();
  st.status.authenticated = false;
  if (st.phase == session_phase::online)
    st.phase = session_phase::offline;
  announce(self);
}

bool stale(account_pointer self, const attempt_ptr& a) {
  return a->generation != self->state.login_generation;
}

void step_prove(account_pointer self, const attempt_ptr& a);
void step_unlock(account_pointer self, const attempt_ptr& a);
void step_open(account_pointer self, const attempt_ptr& a);
void step_publish(account_pointer self, const attempt_ptr& a);
void step_finish(account_pointer self, const attempt_ptr& a);

// Fails the attempt: the phase goes back to where it was.
void fail(account_pointer self, const attempt_ptr& a, const caf::error& err) {
  if (!stale(self, a))
    self->state.phase = a->before;
  a->password.reset();
  a->done(err);
}

void step_challenge(account_pointer self, const attempt_ptr& a) {
  auto& st = self->state;
  self->request(st.config.hub.gateway, hub_timeout, login_atom_v, st.config.user, a->client_nonce)
    .then(
      [=](const login_challenge& challenge) {
        a->challenge = challenge;
        if (!a->password)
          return step_prove(self, a);
        auto kdf = self->spawn<caf::detached>(kdf_worker, challenge.kdf);
        self->request(kdf, kdf_timeout, derive_atom_v, *a->password, challenge.salt)
          .then(
            [=](derived_keys& keys) {
              a->keys = std::move(keys);
              step_prove(self, a);
            },
            [=](const caf::error& err) { fail(self, a, err); });
      },
      [=](const caf::error& err) { fail(self, a, err); });
}

// Our SCRAM proof; the hub answers with the grant and its own proof.
void step_prove(account_pointer self, const attempt_ptr& a) {
  auto& st = self->state;
  const auto& c = a->challenge;
  a->auth_message =
    scram::login_auth_message(st.config.user, a->client_nonce, c.nonce, c.salt, c.kdf);
  auto proof = scram::client_proof(a->keys.client_key, a->keys.stored_key, a->auth_message);
  // The hub gets an inlet, never this actor: its interface is the session's,
  // and it takes messages only from the gateway. Set now: what the hub sends
  // the new session may come before the grant.
  auto inlet = spawn_outlet(self->system(),
                            {caf::actor_cast<session_peer_actor>(self), nullptr,
                             st.config.hub.gateway.address(), self->address()});
  a->previous_inlet = st.inlet;
  st.inlet = inlet;
  self->request(st.config.hub.gateway, hub_timeout, proof_atom_v, c.attempt, proof, inlet)
    .then(
      [=](const login_grant& grant) {
        auto previous = a->previous_inlet;
        if (previous && previous != inlet)
          self->send_exit(previous, caf::exit_reason::normal);
        a->grant = grant;
        auto expected = scram::server_signature(a->keys.server_key, a->auth_message);
        if (!scram::equal_constant_time(expected, grant.server_signature)) {
          end_hub_session(self, grant.session);
          return fail(self, a,
                      make_error(errc::authentication_failed,
                                 "the hub could not prove it holds this account's "
                                 "verifier"));
        }
        a->password ? step_unlock(self, a) : step_open(self, a);
      },
      [=](const caf::error& err) {
        self->send_exit(inlet, caf::exit_reason::normal);
        if (self->state.inlet == inlet)
          self->state.inlet = a->previous_inlet;
        fail(self, a, err);
      });
}

// A Login only: the private keys, unlocked with the password.
void step_unlock(account_pointer self, const attempt_ptr& a) {
  if (stale(self, a)) {
    end_hub_session(self, a->grant.session);
    return fail(self, a, make_error(errc::not_logged_in, "the login was cancelled by a logout"));
  }
  try {
    // Also seals an older identity.json again with the login's Argon2id.
    self->state.identity = std::make_shared<const crypto::private_identity>(unlock_identity_file(
      self->state.config.folder, a->locked, a->password->view(), a->challenge.kdf));
  } catch (const crypto::crypto_error& ex) {
    end_hub_session(self, a->grant.session);
    return fail(self, a, make_error(errc::authentication_failed, ex.what()));
  }
  step_open(self, a);
}

// The granted session becomes ours, and our public key goes to the hub.
void step_open(account_pointer self, const attempt_ptr& a) {
  auto& st = self->state;
  if (stale(self, a) || !st.identity) {
    end_hub_session(self, a->grant.session);
    return fail(self, a, make_error(errc::not_logged_in, "the login was cancelled by a logout"));
  }
  if (!st.session.empty() && st.session != a->grant.session)
    end_hub_session(self, st.session);
  st.session = a->grant.session;
  st.public_id = a->locked.identity;
  st.keys.hold(a->keys);
  self->request(st.config.hub.gateway, hub_timeout, pubkey_atom_v, st.session, st.public_id)
    .then([=](caf::ok_atom) { step_publish(self, a); },
          [=](const caf::error& err) {
            end_hub_session(self, a->grant.session);
            self->state.session.clear();
            if (a->password)
              forget_keys(self->state);
            fail(self, a, err);
          });
}

// The display name (the Login reply carries it), then our prekeys (a first
// message right after the login finds them at the hub), then our contacts.
void step_publish(account_pointer self, const attempt_ptr& a) {
  auto& st = self->state;
  auto opened = [=] {
    auto& st = self->state;
    st.status.authenticated = true;
    st.status.last_reauthentication_ms = now_ms();
    st.status.presence = "online";
    announce(self);
    // Consent before the first envelope: what a contact sent while we were
    // away is not taken for a stranger's.
    ratchet_sessions(self, &self->state).publish_prekeys([=] {
      social::start_session(self, &self->state, [=] {
        if (stale(self, a))
          return fail(self, a,
                      make_error(errc::not_logged_in, "the login was cancelled by a logout"));
        step_finish(self, a);
      });
    });
  };
  self->request(st.config.hub.gateway, hub_timeout, lookup_atom_v, st.session, st.config.user)
    .then(
      [=](const user_record& me) {
        self->state.status.display_name = me.display_name;
        opened();
      },
      [=](const caf::error&) { opened(); });
}

void step_finish(account_pointer self, const attempt_ptr& a) {
  auto& st = self->state;
  st.phase = session_phase::online;
  a->password.reset();
  a->done({});
  st.messenger->flush_outbox();
  auto early = std::move(st.early);
  for (auto& env : early)
    st.messenger->receive(env);
}

void begin(account_pointer self, const attempt_ptr& a, session_phase phase) {
  auto& st = self->state;
  a->before = st.phase;
  a->generation = ++st.login_generation;
  st.phase = phase;
  step_challenge(self, a);
}

}  // namespace

caf::result<account_status> with_password(account_pointer self, const secret& password) {
  auto& st = self->state;
  const auto& user = st.config.user;
  if (st.phase == session_phase::logging_in || st.phase == session_phase::relogging)
    return make_error(errc::already_exists, "a login of '" + user + "' is already under way");
  auto locked = load_identity_file(st.config.folder);
  if (!locked)
    return make_error(errc::not_found,
                      "no keys for '" + user + "' on this machine (register here first)");
  auto rp = self->make_response_promise<account_status>();
  auto a = std::make_shared<attempt>();
  a->password = password;
  a->locked = std::move(*locked);
  a->done = [=](const caf::error& err) mutable {
    if (err)
      rp.deliver(err);
    else
      rp.deliver(self->state.status);
  };
  begin(self, a, session_phase::logging_in);
  return rp;
}

void again(account_pointer self) {
  auto& st = self->state;
  if (st.phase != session_phase::offline || !st.hub_up || !st.identity || st.keys.empty())
    return;
  auto locked = load_identity_file(st.config.folder);
  if (!locked)
    return end_session(self, "the keys of '" + st.config.user + "' are gone from this machine");
  auto a = std::make_shared<attempt>();
  a->keys = st.keys.reveal();
  a->locked = std::move(*locked);
  a->done = [=](const caf::error& err) {
    const auto& user = self->state.config.user;
    if (!err)
      return spdlog::info("{}: logged in again", user);
    spdlog::warn("{}: logging in again failed: {}", user, describe(err).sentence);
    if (describe(err).name == "AuthenticationFailed")
      end_session(self, "the hub no longer accepts this account's keys; log in again");
  };
  begin(self, a, session_phase::relogging);
}

caf::result<caf::ok_atom> logout(account_pointer self) {
  auto& st = self->state;
  if (st.phase == session_phase::locked)
    return not_logged_in(st);
  if (!st.session.empty())
    end_hub_session(self, st.session);
  forget_keys(st);
  announce(self);
  return caf::ok_atom_v;
}

void hub_up(account_pointer self, const hub_handles& hub) {
  self->state.config.hub = hub;
  self->state.hub_up = true;
  again(self);
}

void hub_down(account_pointer self) {
  // The session died with the hub; the keys stay, to log in again.
  auto& st = self->state;
  st.hub_up = false;
  st.messenger->hub_lost();
  if (st.session.empty())
    return;
  st.presence.clear();
  st.status.presence = "offline";
  go_offline(self);
}

void challenged(account_pointer self, const std::string& session, const std::string& nonce) {
  auto& st = self->state;
  if (!from_our_auth(self, st, session))
    return;
  auto message = scram::rechallenge_auth_message(st.config.user, session, nonce);
  auto keys = st.keys.reveal();
  auto proof = scram::client_proof(keys.client_key, keys.stored_key, message);
  if (st.config.corrupt_rechallenge_answers)
    proof[0] ^= 0x01;
  self->request(st.config.hub.gateway, hub_timeout, answer_atom_v, session, nonce, proof)
    .then(
      [=](int64_t accepted_ms) {
        auto& st = self->state;
        if (st.session != session)
          return;
        st.status.last_reauthentication_ms = accepted_ms;
        self->send(st.config.events, reauth_atom_v, st.config.user, accepted_ms);
      },
      [=](const caf::error& err) {
        spdlog::debug("{}: re-challenge answer refused: {}", self->state.config.user,
                      caf::to_string(err));
        if (self->state.session == session)
          end_session(self, describe(err).sentence);
      });
}

void revoked(account_pointer self, const std::string& session, const std::string& reason) {
  auto& st = self->state;
  if (!from_our_auth(self, st, session))
    return;
  // A late answer, or a replayed one, is not this account's fault: it logs
  // in again with the keys it holds, and says so. A wrong answer, or a newer
  // login taking our place, ends the session for good.
  bool ours_to_blame = reason.rfind("wrong answer", 0) == 0 || reason.rfind("replaced", 0) == 0;
  if (ours_to_blame || st.keys.empty())
    return end_session(self, reason);
  spdlog::warn("{}: the hub revoked our session ({}); logging in again", st.config.user, reason);
  self->send(st.config.events, revoked_atom_v, st.config.user, reason);
  go_offline(self);
  again(self);
}

void session_lost(account_pointer self, const std::string& session) {
  if (!from_our_auth(self, self->state, session))
    return;
  spdlog::info("{}: the hub lost our session; logging in again", self->state.config.user);
  go_offline(self);
  again(self);
}

}  // namespace chatter::login
