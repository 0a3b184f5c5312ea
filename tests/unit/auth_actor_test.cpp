// The hub's registry and auth actors driven directly by CAF messages: the
// login exchange, throttling, and the re-challenge cycle with real timers.
#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "core/scram.hpp"
#include "hub/hub.hpp"
#include "hub_test.hpp"

using namespace chatter;
using namespace std::chrono_literals;

namespace {

class hub_behind_gateway : public test::hub_test {
protected:
  void SetUp() override {
    start_hub(200ms);
  }

  std::string error_name_of(const caf::error& err) {
    return describe(err).name;
  }

  derived_keys sign_up(const std::string& user, const std::string& password) {
    auto [offer, err] = ask<signup_offer>(gw_, offer_atom_v, user);
    EXPECT_FALSE(err) << caf::to_string(err);
    auto keys = scram::derive(password, offer.salt, offer.kdf);
    signup_request req{user,
                       user,
                       offer.salt,
                       offer.kdf,
                       scram::to_bytes(keys.stored_key),
                       scram::to_bytes(keys.server_key)};
    auto [ok, err2] = ask<caf::ok_atom>(gw_, signup_atom_v, req);
    EXPECT_FALSE(err2) << caf::to_string(err2);
    return keys;
  }

  struct login_outcome {
    login_grant grant;
    caf::error err;
    std::string message;
    derived_keys keys;
  };

  login_outcome log_in(const std::string& user, const std::string& password) {
    login_outcome out;
    auto nonce = scram::random_nonce();
    auto [challenge, err] = ask<login_challenge>(gw_, login_atom_v, user, nonce);
    if (err) {
      out.err = err;
      return out;
    }
    out.keys = scram::derive(password, challenge.salt, challenge.kdf);
    out.message =
      scram::login_auth_message(user, nonce, challenge.nonce, challenge.salt, challenge.kdf);
    auto proof = scram::client_proof(out.keys.client_key, out.keys.stored_key, out.message);
    auto peer = caf::actor_cast<session_peer_actor>(self()->address());
    std::tie(out.grant, out.err) =
      ask<login_grant>(gw_, proof_atom_v, challenge.attempt, proof, peer);
    return out;
  }
};

}  // namespace

TEST_F(hub_behind_gateway, sign_up_then_log_in_with_mutual_proof) {
  sign_up("alice", "correct horse");
  auto out = log_in("alice", "correct horse");
  ASSERT_FALSE(out.err) << caf::to_string(out.err);
  EXPECT_EQ(out.grant.session.size(), 32u);
  EXPECT_EQ(out.grant.rechallenge_interval_ms, 200);
  EXPECT_EQ(out.grant.server_signature, scram::server_signature(out.keys.server_key, out.message));
}

TEST_F(hub_behind_gateway, sign_up_errors) {
  sign_up("alice", "pw");
  EXPECT_EQ(error_name_of(ask<signup_offer>(gw_, offer_atom_v, std::string("alice")).second),
            "AlreadyExists");
  EXPECT_EQ(error_name_of(ask<signup_offer>(gw_, offer_atom_v, std::string("Bad Name")).second),
            "InvalidArgument");
  // A sign-up that skips the offer, or brings its own salt, is refused.
  signup_request forged{"mallory", "m", bytes(16, 7), {8192, 1, 1}, bytes(32, 1), bytes(32, 2)};
  EXPECT_EQ(error_name_of(ask<caf::ok_atom>(gw_, signup_atom_v, forged).second), "InvalidArgument");
  auto [offer, err] = ask<signup_offer>(gw_, offer_atom_v, std::string("mallory"));
  ASSERT_FALSE(err);
  forged.kdf = offer.kdf;
  EXPECT_EQ(error_name_of(ask<caf::ok_atom>(gw_, signup_atom_v, forged).second), "InvalidArgument");
}

TEST_F(hub_behind_gateway, unknown_user_and_bad_names) {
  EXPECT_EQ(error_name_of(log_in("nobody", "pw").err), "NotFound");
  EXPECT_EQ(error_name_of(log_in("No Body", "pw").err), "InvalidArgument");
}

TEST_F(hub_behind_gateway, five_wrong_passwords_then_rate_limited) {
  sign_up("alice", "right");
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(error_name_of(log_in("alice", "wrong").err), "AuthenticationFailed") << i;
  EXPECT_EQ(error_name_of(log_in("alice", "wrong").err), "RateLimited");
  // Locked means locked: the right password waits too.
  EXPECT_EQ(error_name_of(log_in("alice", "right").err), "RateLimited");
  // Other users are not affected.
  sign_up("bob", "pw");
  EXPECT_FALSE(log_in("bob", "pw").err);
}

TEST_F(hub_behind_gateway, a_proof_is_good_for_its_own_attempt_only) {
  sign_up("alice", "pw");
  auto nonce = scram::random_nonce();
  auto [c1, e1] = ask<login_challenge>(gw_, login_atom_v, std::string("alice"), nonce);
  auto [c2, e2] = ask<login_challenge>(gw_, login_atom_v, std::string("alice"), nonce);
  ASSERT_FALSE(e1);
  ASSERT_FALSE(e2);
  EXPECT_NE(c1.nonce, c2.nonce);
  auto keys = scram::derive("pw", c1.salt, c1.kdf);
  auto m1 = scram::login_auth_message("alice", nonce, c1.nonce, c1.salt, c1.kdf);
  auto proof1 = scram::client_proof(keys.client_key, keys.stored_key, m1);
  auto peer = caf::actor_cast<session_peer_actor>(self()->address());
  EXPECT_EQ(error_name_of(ask<login_grant>(gw_, proof_atom_v, c2.attempt, proof1, peer).second),
            "AuthenticationFailed");
  // Replaying it for its own attempt after that attempt was used fails too.
  EXPECT_FALSE(ask<login_grant>(gw_, proof_atom_v, c1.attempt, proof1, peer).second);
  EXPECT_EQ(error_name_of(ask<login_grant>(gw_, proof_atom_v, c1.attempt, proof1, peer).second),
            "AuthenticationFailed");
}

TEST_F(hub_behind_gateway, rechallenges_answered_keep_the_session_unanswered_revoke_it) {
  sign_up("alice", "pw");
  auto out = log_in("alice", "pw");
  ASSERT_FALSE(out.err);
  auto session = out.grant.session;
  for (int round = 0; round < 3; ++round) {
    std::string nonce;
    self()->receive(
      [&](challenge_atom, const std::string& s, const std::string& n) {
        EXPECT_EQ(s, session);
        nonce = n;
      },
      caf::after(2s) >> [&] { FAIL() << "no re-challenge in round " << round; });
    auto proof = scram::client_proof(out.keys.client_key, out.keys.stored_key,
                                     scram::rechallenge_auth_message("alice", session, nonce));
    auto [accepted, err] = ask<int64_t>(gw_, answer_atom_v, session, nonce, proof);
    EXPECT_FALSE(err) << caf::to_string(err);
    EXPECT_GT(accepted, 0);
  }
  // Now stay silent: the next challenge goes unanswered and the hub revokes.
  bool revoked = false;
  for (int i = 0; i < 3 && !revoked; ++i)
    self()->receive([&](challenge_atom, const std::string&, const std::string&) {},
                    [&](revoked_atom, const std::string& s, const std::string& reason) {
                      EXPECT_EQ(s, session);
                      EXPECT_NE(reason.find("no answer"), std::string::npos) << reason;
                      revoked = true;
                    },
                    caf::after(2s) >> [&] {});
  EXPECT_TRUE(revoked);
}

TEST_F(hub_behind_gateway, a_wrong_rechallenge_answer_revokes_at_once) {
  sign_up("alice", "pw");
  auto out = log_in("alice", "pw");
  ASSERT_FALSE(out.err);
  std::string nonce;
  self()->receive([&](challenge_atom, const std::string&, const std::string& n) { nonce = n; },
                  caf::after(2s) >> [&] { FAIL() << "no re-challenge"; });
  // An answer computed with another account's keys.
  auto other = scram::derive("other", scram::random_bytes(16), {8192, 1, 1});
  auto proof =
    scram::client_proof(other.client_key, other.stored_key,
                        scram::rechallenge_auth_message("alice", out.grant.session, nonce));
  EXPECT_EQ(error_name_of(ask<int64_t>(gw_, answer_atom_v, out.grant.session, nonce, proof).second),
            "AuthenticationFailed");
  bool revoked = false;
  self()->receive([&](revoked_atom, const std::string&, const std::string&) { revoked = true; },
                  caf::after(1s) >> [&] {});
  EXPECT_TRUE(revoked);
  // The session is gone: logout now finds nothing.
  EXPECT_EQ(error_name_of(ask<caf::ok_atom>(gw_, logout_atom_v, out.grant.session).second),
            "NotLoggedIn");
}
