#include "auth/auth.hpp"

#include <unordered_map>

#include <botan/hex.h>
#include <spdlog/spdlog.h>

#include "auth/rate_limiter.hpp"
#include "auth/scram.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/guarded.hpp"
#include "common/validation.hpp"
#include "store/hub_store.hpp"

namespace chatter {

namespace {

using steady = std::chrono::steady_clock;

constexpr auto attempt_lifetime = std::chrono::seconds(60);
constexpr size_t max_attempts = 10000;
constexpr size_t max_client_nonce = 256;

// A login between the challenge and the proof.
struct login_attempt {
  std::string user;
  std::string client_nonce;
  std::string nonce;
  store::credential_record credentials;
  caf::node_id node;
  steady::time_point expires;
};

struct session {
  std::string user;
  bytes stored_key;
  session_peer_actor peer;
  caf::node_id node;
  std::string pending_nonce;  // empty when the last challenge was answered
};

struct auth_state {
  std::unique_ptr<store::hub_store> store;
  auth_config config;
  uint64_t next_attempt = 1;
  std::unordered_map<uint64_t, login_attempt> attempts;
  std::unordered_map<std::string, session> sessions;
  rate_limiter per_user{5, std::chrono::seconds(30), std::chrono::minutes(15)};
  rate_limiter per_node{20, std::chrono::seconds(30), std::chrono::minutes(15)};
  uint64_t refused = 0;  // requests dropped for a bad session, node or nonce
};

std::string node_key(const caf::node_id& node) {
  return caf::to_string(node);
}

std::string wait_sentence(std::chrono::milliseconds wait) {
  auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
  return "try again in " + std::to_string(seconds) + " s";
}

void drop_expired_attempts(auth_state& st) {
  auto now = steady::now();
  for (auto i = st.attempts.begin(); i != st.attempts.end();)
    i = i->second.expires < now ? st.attempts.erase(i) : std::next(i);
}

caf::node_id sender_node(auth_actor::pointer self) {
  auto& sender = self->current_sender();
  return sender ? sender->node() : caf::node_id{};
}

} // namespace

auth_actor::behavior_type auth(auth_actor::pointer self, auth_config config) {
  auto st = std::make_shared<auth_state>();
  st->store = std::make_unique<store::hub_store>(config.database_path);
  st->config = config;
  st->per_user = rate_limiter{config.free_failures_per_user, config.lockout_base,
                              config.lockout_cap};
  st->per_node = rate_limiter{config.free_failures_per_node, config.lockout_base,
                              config.lockout_cap};
  auto interval = config.rechallenge_interval;

  auto announce_end = [self, config](const std::string& token) {
    for (auto& listener : config.listeners)
      self->send(listener, offline_atom_v, token);
  };

  auto revoke = [self, st, announce_end](const std::string& token,
                                         const std::string& reason) {
    auto i = st->sessions.find(token);
    if (i == st->sessions.end())
      return;
    spdlog::warn("auth: revoked the session of {}: {}", i->second.user, reason);
    self->send(i->second.peer, revoked_atom_v, token, reason);
    self->demonitor(i->second.peer.address());
    st->sessions.erase(i);
    announce_end(token);
  };

  self->set_down_handler([st, announce_end](caf::down_msg& msg) {
    for (auto i = st->sessions.begin(); i != st->sessions.end();) {
      if (i->second.peer.address() == msg.source) {
        announce_end(i->first);
        i = st->sessions.erase(i);
      } else {
        ++i;
      }
    }
  });

  return {
    [=](login_atom, const std::string& user,
        const std::string& client_nonce) -> caf::result<login_challenge> {
      return guarded("auth", [&]() -> caf::result<login_challenge> {
        if (auto why = check_username(user); !why.empty())
          return make_error(errc::invalid_argument, why);
        if (client_nonce.empty() || client_nonce.size() > max_client_nonce)
          return make_error(errc::invalid_argument, "malformed client nonce");
        auto now = steady::now();
        auto node = sender_node(self);
        if (auto wait = st->per_user.wait_time(user, now); wait.count() > 0)
          return make_error(errc::rate_limited,
                            "too many failed logins for '" + user + "'; "
                              + wait_sentence(wait));
        if (auto wait = st->per_node.wait_time(node_key(node), now);
            wait.count() > 0 && node != self->node())
          return make_error(errc::rate_limited,
                            "too many failed logins from this host; "
                              + wait_sentence(wait));
        auto credentials = st->store->find_credentials(user);
        if (!credentials)
          return make_error(errc::not_found, "no user named '" + user + "'");
        drop_expired_attempts(*st);
        if (st->attempts.size() >= max_attempts)
          return make_error(errc::rate_limited,
                            "too many logins under way; try again shortly");
        login_attempt attempt;
        attempt.user = user;
        attempt.client_nonce = client_nonce;
        attempt.nonce = client_nonce + scram::random_nonce();
        attempt.credentials = std::move(*credentials);
        attempt.node = node;
        attempt.expires = now + attempt_lifetime;
        auto id = st->next_attempt++;
        login_challenge challenge{id, attempt.nonce, attempt.credentials.salt,
                                  attempt.credentials.kdf};
        st->attempts.emplace(id, std::move(attempt));
        return challenge;
      });
    },
    [=](proof_atom, uint64_t id, const bytes& proof,
        const session_peer_actor& peer) -> caf::result<login_grant> {
      auto i = st->attempts.find(id);
      auto node = sender_node(self);
      if (i == st->attempts.end() || i->second.expires < steady::now()
          || i->second.node != node) {
        ++st->refused;
        return make_error(errc::authentication_failed,
                          "the login attempt is unknown or expired; start again");
      }
      auto attempt = std::move(i->second);
      st->attempts.erase(i);
      auto& cred = attempt.credentials;
      auto message = scram::login_auth_message(attempt.user, attempt.client_nonce,
                                               attempt.nonce, cred.salt,
                                               cred.kdf);
      if (!peer || !scram::verify_client_proof(cred.stored_key, message, proof)) {
        auto now = steady::now();
        st->per_user.record_failure(attempt.user, now);
        // Not our own node: that is the daemon hosting us, or a cluster
        // router speaking for many hosts (it locks out per host itself).
        if (node != self->node())
          st->per_node.record_failure(node_key(node), now);
        spdlog::warn("auth: failed login for {}", attempt.user);
        return make_error(errc::authentication_failed,
                          "wrong password for '" + attempt.user + "'");
      }
      st->per_user.record_success(attempt.user);
      auto token = Botan::hex_encode(scram::random_bytes(16));
      st->sessions[token] = session{attempt.user, cred.stored_key, peer, node, {}};
      self->monitor(peer);
      self->delayed_send(self, interval, due_atom_v, token);
      // Before the grant: the client's next request to a listener then finds
      // the session known there.
      for (auto& listener : config.listeners)
        self->send(listener, online_atom_v, token, attempt.user, peer);
      spdlog::info("auth: {} logged in", attempt.user);
      return login_grant{token, scram::server_signature(cred.server_key, message),
                         interval.count()};
    },
    [=](due_atom, const std::string& token) {
      auto i = st->sessions.find(token);
      if (i == st->sessions.end())
        return;
      if (!i->second.pending_nonce.empty()) {
        revoke(token, "no answer to the hub's re-challenge within "
                        + std::to_string(interval.count()) + " ms");
        return;
      }
      i->second.pending_nonce = scram::random_nonce();
      spdlog::debug("auth: re-challenging {}", i->second.user);
      self->send(i->second.peer, challenge_atom_v, token,
                 i->second.pending_nonce);
      self->delayed_send(self, interval, due_atom_v, token);
    },
    [=](answer_atom, const std::string& token, const std::string& nonce,
        const bytes& proof) -> caf::result<int64_t> {
      auto i = st->sessions.find(token);
      if (i == st->sessions.end() || i->second.node != sender_node(self)) {
        ++st->refused;
        return make_error(errc::not_logged_in, "unknown session");
      }
      auto& s = i->second;
      if (s.pending_nonce.empty() || s.pending_nonce != nonce) {
        ++st->refused;
        revoke(token, "answer to a challenge that was not asked");
        return make_error(errc::authentication_failed,
                          "answer to a challenge that was not asked");
      }
      auto message = scram::rechallenge_auth_message(s.user, token, nonce);
      if (!scram::verify_client_proof(s.stored_key, message, proof)) {
        ++st->refused;
        revoke(token, "wrong answer to the hub's re-challenge");
        return make_error(errc::authentication_failed,
                          "wrong answer to the hub's re-challenge");
      }
      s.pending_nonce.clear();
      return now_ms();
    },
    [=](logout_atom, const std::string& token) -> caf::result<caf::ok_atom> {
      auto i = st->sessions.find(token);
      if (i == st->sessions.end() || i->second.node != sender_node(self))
        return make_error(errc::not_logged_in, "unknown session");
      spdlog::info("auth: {} logged out", i->second.user);
      self->demonitor(i->second.peer.address());
      st->sessions.erase(i);
      announce_end(token);
      return caf::ok_atom_v;
    },
  };
}

} // namespace chatter
