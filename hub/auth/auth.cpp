#include "auth.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include <botan/hex.h>
#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/scram.hpp"
#include "core/validation.hpp"
#include "hub/login_session_table.hpp"
#include "rate_limiter.hpp"
#include "store/guarded.hpp"
#include "store/hub_database.hpp"

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
  std::string address;
  steady::time_point expires;
};

struct session {
  std::string user;
  bytes stored_key;
  session_peer_actor peer;
  std::string pending_nonce;  // empty when the last challenge was answered
  uint64_t serial = 0;        // login order, to replace the oldest
};

struct auth_state {
  std::unique_ptr<store::hub_database> store;
  auth_config config;
  uint64_t next_attempt = 1;
  std::unordered_map<uint64_t, login_attempt> attempts;
  std::unordered_map<std::string, session> sessions;
  // Each user's sessions in login order, so the cap costs no scan per login.
  std::unordered_map<std::string, std::set<std::pair<uint64_t, std::string>>> by_user;
  std::unordered_map<std::string, size_t> unproved;  // attempts per address
  uint64_t next_serial = 1;
  rate_limiter per_user{5, std::chrono::seconds(30), std::chrono::minutes(15)};
  rate_limiter per_node{20, std::chrono::seconds(30), std::chrono::minutes(15)};
  uint64_t refused = 0;  // requests dropped for a bad session, node or nonce
  static inline const char* name = "auth";
};

using auth_pointer = auth_actor::stateful_pointer<auth_state>;

// Failures for a user are counted per address: one address guessing
// alice's password locks out alice from that address, not from every other.
std::string user_key(const std::string& user, const std::string& address) {
  return user + '\n' + address;
}

std::string wait_sentence(std::chrono::milliseconds wait) {
  auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
  return "try again in " + std::to_string(seconds) + " s";
}

void forget_attempt(auth_state& st, std::unordered_map<uint64_t, login_attempt>::iterator i) {
  auto u = st.unproved.find(i->second.address);
  if (u != st.unproved.end() && --u->second == 0)
    st.unproved.erase(u);
  st.attempts.erase(i);
}

void drop_expired_attempts(auth_state& st) {
  auto now = steady::now();
  for (auto i = st.attempts.begin(); i != st.attempts.end();) {
    auto next = std::next(i);
    if (i->second.expires < now)
      forget_attempt(st, i);
    i = next;
  }
}

// Zero, or why `address` may not try to log in `user` now.
std::string locked_out(auth_state& st, const std::string& user, const std::string& address,
                       steady::time_point now) {
  if (auto wait = st.per_user.wait_time(user_key(user, address), now); wait.count() > 0)
    return "too many failed logins for '" + user + "' from this address; " + wait_sentence(wait);
  if (auto wait = st.per_node.wait_time(address, now); wait.count() > 0)
    return "too many failed logins from this address; " + wait_sentence(wait);
  return {};
}

// Every session ends here, so by_user stays in step with sessions.
std::unordered_map<std::string, session>::iterator
erase_session(auth_state& st, std::unordered_map<std::string, session>::iterator i) {
  auto u = st.by_user.find(i->second.user);
  if (u != st.by_user.end()) {
    u->second.erase({i->second.serial, i->first});
    if (u->second.empty())
      st.by_user.erase(u);
  }
  return st.sessions.erase(i);
}

// The oldest sessions of `user` go, so the new one is within the cap.
template <class Revoke>
void make_room_for(auth_state& st, const std::string& user, unsigned cap, Revoke revoke) {
  auto u = st.by_user.find(user);
  if (u == st.by_user.end() || u->second.size() < cap)
    return;
  std::vector<std::string> oldest;
  for (auto j = u->second.begin(); oldest.size() + cap <= u->second.size(); ++j)
    oldest.push_back(j->second);
  for (auto& token : oldest)
    revoke(token,
           "replaced by a newer login (at most " + std::to_string(cap) + " sessions per user)");
}

auth_actor::behavior_type auth(auth_pointer self, const auth_config& config) {
  auto* st = &self->state;
  st->store = std::make_unique<store::hub_database>(config.database_path);
  st->config = config;
  st->per_user =
    rate_limiter{config.free_failures_per_user, config.lockout_base, config.lockout_cap};
  st->per_node =
    rate_limiter{config.free_failures_per_node, config.lockout_base, config.lockout_cap};
  auto interval = config.rechallenge_interval;

  auto announce_end = [self, config](const std::string& token) {
    for (auto& listener : config.listeners)
      self->send(listener, offline_atom_v, token);
  };

  auto revoke = [self, st, announce_end](const std::string& token, const std::string& reason) {
    auto i = st->sessions.find(token);
    if (i == st->sessions.end())
      return;
    spdlog::warn("auth: revoked the session of {}: {}", i->second.user, reason);
    self->send(i->second.peer, revoked_atom_v, token, reason);
    self->demonitor(i->second.peer.address());
    erase_session(*st, i);
    announce_end(token);
  };

  self->set_down_handler([st, announce_end](caf::down_msg& msg) {
    for (auto i = st->sessions.begin(); i != st->sessions.end();) {
      if (i->second.peer.address() == msg.source) {
        announce_end(i->first);
        i = erase_session(*st, i);
      } else {
        ++i;
      }
    }
  });

  return {
    [=](login_atom, const std::string& user, const std::string& client_nonce,
        const std::string& address) -> caf::result<login_challenge> {
      return guarded("auth", [&]() -> caf::result<login_challenge> {
        if (!from_own_node(self))
          return make_error(errc::not_logged_in, "auth answers the hub's gateways only");
        if (auto why = check_username(user); !why.empty())
          return make_error(errc::invalid_argument, why);
        if (client_nonce.empty() || client_nonce.size() > max_client_nonce)
          return make_error(errc::invalid_argument, "malformed client nonce");
        auto now = steady::now();
        if (auto why = locked_out(*st, user, address, now); !why.empty())
          return make_error(errc::rate_limited, why);
        auto credentials = st->store->find_credentials(user);
        if (!credentials)
          return make_error(errc::not_found, "no user named '" + user + "'");
        drop_expired_attempts(*st);
        // The daemon's own accounts ("local") are not a stranger's address.
        if (st->attempts.size() >= max_attempts
            || (address != "local" && st->unproved[address] >= st->config.unproved_per_address))
          return make_error(errc::rate_limited,
                            "too many logins under way from this address; try again shortly");
        login_attempt attempt;
        attempt.user = user;
        attempt.client_nonce = client_nonce;
        attempt.nonce = client_nonce + scram::random_nonce();
        attempt.credentials = std::move(*credentials);
        attempt.address = address;
        attempt.expires = now + attempt_lifetime;
        auto id = st->next_attempt++;
        login_challenge challenge{id, attempt.nonce, attempt.credentials.salt,
                                  attempt.credentials.kdf};
        ++st->unproved[address];
        st->attempts.emplace(id, std::move(attempt));
        return challenge;
      });
    },
    [=](proof_atom, uint64_t id, const bytes& proof, const session_peer_actor& peer,
        const std::string& address) -> caf::result<login_grant> {
      auto i = st->attempts.find(id);
      if (!from_own_node(self) || i == st->attempts.end() || i->second.expires < steady::now()
          || i->second.address != address) {
        ++st->refused;
        return make_error(errc::authentication_failed,
                          "the login attempt is unknown or expired; start again");
      }
      auto attempt = std::move(i->second);
      forget_attempt(*st, i);
      auto now = steady::now();
      // Checked again now: challenges collected before a lockout must not
      // let their proofs through after it.
      if (auto why = locked_out(*st, attempt.user, address, now); !why.empty())
        return make_error(errc::rate_limited, why);
      auto& cred = attempt.credentials;
      auto message = scram::login_auth_message(attempt.user, attempt.client_nonce, attempt.nonce,
                                               cred.salt, cred.kdf);
      if (!peer || !scram::verify_client_proof(cred.stored_key, message, proof)) {
        st->per_user.record_failure(user_key(attempt.user, address), now);
        // Not the daemon's own accounts: a typo there locks nobody out.
        if (address != "local")
          st->per_node.record_failure(address, now);
        spdlog::warn("auth: failed login for {}", attempt.user);
        return make_error(errc::authentication_failed, "wrong password for '" + attempt.user + "'");
      }
      st->per_user.record_success(user_key(attempt.user, address));
      make_room_for(*st, attempt.user, st->config.sessions_per_user, revoke);
      auto token = Botan::hex_encode(scram::random_bytes(16));
      auto serial = st->next_serial++;
      st->sessions[token] = session{attempt.user, cred.stored_key, peer, {}, serial};
      st->by_user[attempt.user].insert({serial, token});
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
      if (i == st->sessions.end()
          || self->current_sender() != caf::actor_cast<caf::strong_actor_ptr>(self))
        return;
      if (!i->second.pending_nonce.empty()) {
        revoke(token,
               "no answer to the hub's re-challenge within " + std::to_string(interval.count())
                 + " ms");
        return;
      }
      i->second.pending_nonce = scram::random_nonce();
      spdlog::debug("auth: re-challenging {}", i->second.user);
      self->send(i->second.peer, challenge_atom_v, token, i->second.pending_nonce);
      self->delayed_send(self, interval, due_atom_v, token);
    },
    [=](answer_atom, const std::string& token, const std::string& nonce,
        const bytes& proof) -> caf::result<int64_t> {
      auto i = st->sessions.find(token);
      if (i == st->sessions.end() || !from_own_node(self)) {
        ++st->refused;
        return make_error(errc::not_logged_in, "unknown session");
      }
      auto& s = i->second;
      if (s.pending_nonce.empty() || s.pending_nonce != nonce) {
        ++st->refused;
        revoke(token, "answer to a challenge that was not asked");
        return make_error(errc::authentication_failed, "answer to a challenge that was not asked");
      }
      auto message = scram::rechallenge_auth_message(s.user, token, nonce);
      if (!scram::verify_client_proof(s.stored_key, message, proof)) {
        ++st->refused;
        revoke(token, "wrong answer to the hub's re-challenge");
        return make_error(errc::authentication_failed, "wrong answer to the hub's re-challenge");
      }
      s.pending_nonce.clear();
      return now_ms();
    },
    [=](logout_atom, const std::string& token) -> caf::result<caf::ok_atom> {
      auto i = st->sessions.find(token);
      if (i == st->sessions.end() || !from_own_node(self))
        return make_error(errc::not_logged_in, "unknown session");
      spdlog::info("auth: {} logged out", i->second.user);
      self->demonitor(i->second.peer.address());
      erase_session(*st, i);
      announce_end(token);
      return caf::ok_atom_v;
    },
  };
}

}  // namespace

auth_actor spawn_auth(caf::actor_system& sys, auth_config config) {
  return sys.spawn<caf::detached>(auth, std::move(config));
}

}  // namespace chatter
