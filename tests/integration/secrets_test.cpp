// Secrets at rest and in logs. A daemon at --log-level trace goes through
// sign-up, wrong and right logins, re-challenges every second, messages in
// both directions and a logout. Then: each identity file is 0600 and holds
// its private keys only encrypted, and neither the passwords nor the private
// keys (raw, hex or base64) appear in the daemon's log or its stderr.
#include <sys/stat.h>

#include <botan/base64.h>
#include <botan/hex.h>
#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "core/crypto/suites.hpp"
#include "helpers.hpp"
#include "member/account/identity_file.hpp"
#include "world.hpp"

using namespace chatter;
using test::eventually;
using namespace std::chrono_literals;

namespace {

// Every form a key could leak in: its raw bytes, hex (both cases), base64.
std::vector<std::string> leak_forms(const Botan::secure_vector<uint8_t>& key) {
  std::string raw(key.begin(), key.end());
  return {raw, Botan::hex_encode(key, true), Botan::hex_encode(key, false),
          Botan::base64_encode(key)};
}

}  // namespace

TEST(secrets, identity_files_are_private_and_nothing_secret_reaches_the_log) {
  test::world world;
  auto daemon = world.start_daemon({"--log-level", "trace", "--rechallenge-interval", "1"});
  const std::map<std::string, std::string> passwords{{"alice", "Tr0ub4dor&3-alice-secret"},
                                                     {"bob", "correct-horse-bob-secret"}};
  {
    auto conn = world.bus.connect();
    client::manager_client manager(*conn);
    for (auto& [user, password] : passwords) {
      manager.Register(user, password, {});
      EXPECT_THROW(manager.Login(user, password + "-wrong"), sdbus::Error);
      manager.Login(user, password);
    }
    client::account_client alice(*conn, client::account_path("alice"));
    client::account_client bob(*conn, client::account_path("bob"));
    alice.SendMessage("bob", "hello bob");
    bob.SendMessage("alice", "hello alice");
    ASSERT_TRUE(eventually([&] { return bob.GetHistory("alice", 0, 10).size() == 2; }));
    auto before = alice.LastReauthentication();
    ASSERT_TRUE(eventually([&] { return alice.LastReauthentication() > before; }, 5s))
      << "a re-challenge should have come and gone";
    alice.Logout();
  }
  daemon->terminate();

  std::string log = test::read_file(daemon->log_file());
  ASSERT_NE(log.find("logged in"), std::string::npos) << "the log should have been written";
  for (auto& [user, password] : passwords) {
    EXPECT_EQ(log.find(password), std::string::npos) << user << "'s password is in the log";

    auto folder = world.data_home() / "chatter" / "accounts" / user;
    struct stat st {};
    ASSERT_EQ(::stat((folder / "identity.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "identity.json of " << user;
    auto file = test::read_file(folder / "identity.json");
    EXPECT_NE(file.find("\"sealed_keys\""), std::string::npos)
      << "the private keys should be stored sealed";

    auto locked = load_identity_file(folder.string());
    ASSERT_TRUE(locked.has_value());
    auto id = crypto::unlock_identity(locked_identity_of(*locked), password);
    for (auto* key : {id.signing.get(), id.encryption.get()}) {
      for (auto& form : leak_forms(key->private_key_bits())) {
        EXPECT_EQ(log.find(form), std::string::npos) << user << "'s private key is in the log";
        EXPECT_EQ(file.find(form), std::string::npos) << user << "'s private key is in clear";
      }
    }
  }
}
