// The social side of a real chatterd: the directory, presence, contacts and
// InterlocutorArrived, read receipts, and rooms, driven through the
// generated proxies on a private bus.
#include <algorithm>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "daemon_test.hpp"
#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;
using test::err;
using test::error_of;
using test::eventually;

namespace {

// Signals seen on one account, collected from the bus thread.
struct observer {
  std::mutex m;
  std::vector<std::tuple<std::string, std::string, std::string>> presence;  // user, status, msg
  std::vector<std::pair<std::string, std::string>> arrivals;                // user, display
  std::vector<std::tuple<std::string, std::string, std::string>> received;  // id, from, room
  std::map<std::string, std::vector<std::string>> states;

  void attach(client::account_client& account) {
    account.on_presence_changed = [this](const std::string& u, const std::string& s,
                                         const std::string& msg) {
      std::lock_guard<std::mutex> g(m);
      presence.emplace_back(u, s, msg);
    };
    account.on_interlocutor_arrived = [this](const std::string& u, const std::string& d) {
      std::lock_guard<std::mutex> g(m);
      arrivals.emplace_back(u, d);
    };
    account.on_message_extras = [this](const std::string& id,
                                       const std::map<std::string, sdbus::Variant>& extras) {
      std::lock_guard<std::mutex> g(m);
      auto room = extras.count("room") ? extras.at("room").get<std::string>() : "";
      received.emplace_back(id, "", room);
    };
    account.on_message_state_changed = [this](const std::string& id, const std::string&,
                                              const std::string& state) {
      std::lock_guard<std::mutex> g(m);
      states[id].push_back(state);
    };
  }
  bool saw_presence(const std::string& user, const std::string& status) {
    std::lock_guard<std::mutex> g(m);
    for (auto& [u, s, msg] : presence)
      if (u == user && s == status)
        return true;
    return false;
  }
  size_t arrivals_of(const std::string& user) {
    std::lock_guard<std::mutex> g(m);
    size_t n = 0;
    for (auto& a : arrivals)
      n += a.first == user;
    return n;
  }
  std::vector<std::string> states_of(const std::string& id) {
    std::lock_guard<std::mutex> g(m);
    return states[id];
  }
  size_t received_count() {
    std::lock_guard<std::mutex> g(m);
    return received.size();
  }
  bool has(const std::string& id) {
    std::lock_guard<std::mutex> g(m);
    for (auto& r : received)
      if (std::get<0>(r) == id)
        return true;
    return false;
  }
  size_t received_in(const std::string& room) {
    std::lock_guard<std::mutex> g(m);
    size_t n = 0;
    for (auto& r : received)
      n += std::get<2>(r) == room;
    return n;
  }
};

class social : public test::daemon_test {
protected:
  void SetUp() override {
    start();
  }
  void TearDown() override {
    conn_->leaveEventLoop();
  }

  void join(const std::string& user, const std::string& display_name) {
    daemon_test::join(user, {{"display_name", sdbus::Variant(display_name)}});
  }
};

}  // namespace

TEST_F(social, directory_contacts_presence_and_arrivals) {
  join("alice", "Alice Liddell");
  join("bob", "Bob Marley");
  join("bobby", "Robert Tables");
  observer alice_sees;
  alice_sees.attach(account("alice"));
  conn_->enterEventLoopAsync();

  // Prefix on the user name first, then substrings, display names too.
  auto found = account("alice").SearchDirectory("bob", 10);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].get<0>(), "bob");
  EXPECT_EQ(found[0].get<1>(), "Bob Marley");
  EXPECT_EQ(found[0].get<2>(), "online");
  EXPECT_EQ(account("alice").SearchDirectory("TABLES", 10).at(0).get<0>(), "bobby");
  EXPECT_EQ(account("alice").SearchDirectory("bob", 1).size(), 1u);
  EXPECT_TRUE(account("alice").SearchDirectory("%", 10).empty()) << "% is not a wildcard";
  EXPECT_EQ(account("alice").DisplayName(), "Alice Liddell");
  EXPECT_EQ(account("alice").Presence(), "online");

  account("alice").AddContact("bob");
  ASSERT_TRUE(eventually([&] { return alice_sees.arrivals_of("bob") == 1; }));
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("bob", "online"); }));
  auto contacts = account("alice").ListContacts();
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0].get<0>(), "bob");
  EXPECT_EQ(contacts[0].get<1>(), "Bob Marley");
  EXPECT_EQ(contacts[0].get<2>(), "online");

  account("bob").SetPresence("busy", "in a meeting");
  EXPECT_EQ(account("bob").Presence(), "busy");
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("bob", "busy"); }));
  EXPECT_EQ(account("alice").ListContacts().at(0).get<2>(), "busy");

  // bobby is not a contact: alice hears nothing of him until he writes.
  account("bobby").SetPresence("away", "");
  account("bob").Logout();
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("bob", "offline"); }));
  EXPECT_FALSE(alice_sees.saw_presence("bobby", "away"));
  account("bobby").SendMessage("alice", "hello, stranger here");
  ASSERT_TRUE(eventually([&] { return alice_sees.arrivals_of("bobby") == 1; }));

  // Back online: no new arrival (the marker: bob's next presence, same path).
  manager_->Login("bob", "pw-bob");
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("bob", "online"); }));
  account("bob").SetPresence("away", "the marker");
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("bob", "away"); }));
  EXPECT_EQ(alice_sees.arrivals_of("bob"), 1u);

  // A key learnt on first contact shows as tofu, then verified.
  account("alice").SendMessage("bob", "hi");
  auto fp = account("alice").GetFingerprint("bob");
  EXPECT_EQ(account("alice").ListContacts().at(0).get<3>(), "tofu");
  account("alice").VerifyContact("bob", fp);
  EXPECT_EQ(account("alice").ListContacts().at(0).get<3>(), "verified");
  EXPECT_EQ(account("alice").ListContacts().at(0).get<4>(), fp);

  account("alice").RemoveContact("bob");
  EXPECT_TRUE(account("alice").ListContacts().empty());
}

// The false greeting of issue 21: adding a contact who is logged out is no
// arrival; their coming online is.
TEST_F(social, an_offline_contact_added_arrives_only_when_online) {
  join("alice", "Alice");
  join("carol", "Carol");
  join("dave", "Dave");
  account("carol").Logout();
  observer alice_sees;
  alice_sees.attach(account("alice"));
  conn_->enterEventLoopAsync();
  account("alice").AddContact("carol");
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("carol", "offline"); }));
  // The marker: dave, online, added after, arrives by the same path later
  // than any arrival of carol's would.
  account("alice").AddContact("dave");
  ASSERT_TRUE(eventually([&] { return alice_sees.arrivals_of("dave") == 1; }));
  EXPECT_EQ(alice_sees.arrivals_of("carol"), 0u);
  EXPECT_EQ(account("alice").ListContacts().at(0).get<2>(), "offline");
  manager_->Login("carol", "pw-carol");
  ASSERT_TRUE(eventually([&] { return alice_sees.arrivals_of("carol") == 1; }));
  EXPECT_TRUE(alice_sees.saw_presence("carol", "online"));
}

TEST_F(social, read_receipts_reach_the_sender) {
  join("alice", "Alice");
  join("bob", "Bob");
  observer alice_sees;
  alice_sees.attach(account("alice"));
  conn_->enterEventLoopAsync();
  auto id = account("alice").SendMessage("bob", "did you read this?");
  ASSERT_TRUE(eventually([&] { return account("bob").ListPendingMessages().size() == 1; }));
  account("bob").MarkRead("alice");
  EXPECT_TRUE(account("bob").ListPendingMessages().empty());
  ASSERT_TRUE(eventually([&] {
    auto states = alice_sees.states_of(id);
    return !states.empty() && states.back() == "read";
  }));
  // The hub's ack of alice's envelope ("sent") comes by another actor than
  // bob's sealed receipts, and bob's two receipts are two envelopes, which
  // alice may finish opening out of order: one may overtake another. States only
  // move forward, so an overtaken one is skipped: what alice sees is "sent",
  // "delivered", "read" in that order, any of the first two left out.
  auto states = alice_sees.states_of(id);
  const std::vector<std::string> order{"sent", "delivered", "read"};
  auto at = order.begin();
  for (auto& state : states) {
    at = std::find(at, order.end(), state);
    ASSERT_NE(at, order.end()) << testing::PrintToString(states) << " is not in order";
    ++at;
  }
  EXPECT_EQ(account("alice").GetHistory("bob", 0, 10).at(0).get<5>(), "read");
  EXPECT_EQ(account("bob").GetHistory("alice", 0, 10).at(0).get<5>(), "read");

  // Read while the sender is away: the receipt waits at the hub.
  auto second = account("alice").SendMessage("bob", "and this?");
  ASSERT_TRUE(eventually([&] { return account("bob").ListPendingMessages().size() == 1; }));
  account("alice").Logout();
  account("bob").MarkRead("alice");
  manager_->Login("alice", "pw-alice");
  ASSERT_TRUE(
    eventually([&] { return account("alice").GetHistory("bob", 0, 10).at(1).get<5>() == "read"; }));
  EXPECT_EQ(account("alice").GetHistory("bob", 0, 10).at(1).get<0>(), second);
}

TEST_F(social, rooms_deliver_to_every_member_once) {
  join("alice", "Alice");
  join("bob", "Bob");
  join("carol", "Carol");
  join("dave", "Dave");
  observer bob_sees, carol_sees;
  bob_sees.attach(account("bob"));
  carol_sees.attach(account("carol"));
  conn_->enterEventLoopAsync();

  account("alice").CreateRoom("lab", {"bob", "carol"});
  auto rooms = account("bob").ListRooms();
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0].get<0>(), "lab");
  EXPECT_EQ(rooms[0].get<2>(), (std::vector<std::string>{"alice", "bob", "carol"}));

  auto id = account("alice").SendMessage("#lab", "hi all");
  ASSERT_TRUE(eventually([&] { return bob_sees.received_count() == 1; }));
  ASSERT_TRUE(eventually([&] { return carol_sees.received_count() == 1; }));
  EXPECT_EQ(std::get<2>(bob_sees.received[0]), "#lab");
  EXPECT_EQ(std::get<0>(carol_sees.received[0]), id);
  auto history = account("carol").GetHistory("#lab", 0, 10);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].get<1>(), "alice");
  EXPECT_EQ(history[0].get<2>(), "#lab");
  EXPECT_EQ(history[0].get<3>(), "hi all");
  ASSERT_TRUE(eventually(
    [&] { return account("alice").GetHistory("#lab", 0, 10).at(0).get<5>() == "delivered"; }));
  // Replies from members land in the same conversation.
  account("bob").SendMessage("#lab", "hi alice");
  ASSERT_TRUE(eventually([&] { return account("alice").GetHistory("#lab", 0, 10).size() == 2; }));
  EXPECT_TRUE(account("alice").GetHistory("bob", 0, 10).empty());

  // Outsiders cannot write in; leavers stop receiving. A message alice
  // then sends carol herself is the marker: it goes after the room's on
  // the same path (alice's outbox, the mailbox, carol's inbox, her signals).
  EXPECT_EQ(error_of([&] { account("dave").SendMessage("#lab", "let me in"); }), err("NotFound"));
  account("carol").LeaveRoom("#lab");
  account("alice").SendMessage("#lab", "carol left");
  ASSERT_TRUE(eventually([&] { return bob_sees.received_count() == 2; }));
  auto marker = account("alice").SendMessage("carol", "the marker");
  ASSERT_TRUE(eventually([&] { return carol_sees.has(marker); }));
  EXPECT_EQ(carol_sees.received_in("#lab"), 2u);
  account("bob").InviteToRoom("lab", "dave");
  EXPECT_NO_THROW(account("dave").SendMessage("#lab", "thanks"));
}

// Issue 21: anna registered and never logged in, so she has published no
// keys; the room's message still reaches bob at once.
TEST_F(social, a_room_member_without_keys_does_not_stall_the_room) {
  join("alice", "Alice");
  join("bob", "Bob");
  manager_->Register("anna", "pw-anna", {});
  observer bob_sees;
  bob_sees.attach(account("bob"));
  conn_->enterEventLoopAsync();
  account("alice").CreateRoom("lab", {"bob", "anna"});
  std::string id;
  ASSERT_NO_THROW(id = account("alice").SendMessage("#lab", "hi all"));
  ASSERT_TRUE(eventually([&] { return bob_sees.has(id); }));
  EXPECT_EQ(bob_sees.received_in("#lab"), 1u);
  // One to one, a peer without keys is still an error the sender sees.
  EXPECT_EQ(error_of([&] { account("alice").SendMessage("anna", "hi"); }), err("NotFound"));
}

TEST_F(social, bad_input_gets_named_errors) {
  join("alice", "Alice");
  join("bob", "Bob");
  auto& alice = account("alice");
  EXPECT_EQ(error_of([&] { alice.SetPresence("sleeping", ""); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.SetPresence("away", std::string(300, 'x')); }),
            err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.SearchDirectory("", 10); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.SearchDirectory("a", 0); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.SearchDirectory("a", 101); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.AddContact("ghost"); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { alice.AddContact("Not Valid"); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.AddContact("alice"); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.RemoveContact("bob"); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { alice.MarkRead("#"); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.CreateRoom("Bad Room", {}); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.CreateRoom("lab", {"ghost"}); }), err("NotFound"));
  alice.CreateRoom("lab", {"bob"});
  EXPECT_EQ(error_of([&] { alice.CreateRoom("lab", {}); }), err("AlreadyExists"));
  EXPECT_EQ(error_of([&] { alice.InviteToRoom("nowhere", "bob"); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { alice.SendMessage("#nowhere", "hi"); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { alice.GetHistory("#", 0, 10); }), err("InvalidArgument"));
  alice.Logout();
  EXPECT_EQ(error_of([&] { alice.SearchDirectory("bob", 10); }), err("NotLoggedIn"));
  EXPECT_EQ(error_of([&] { alice.SetPresence("away", ""); }), err("NotLoggedIn"));
  EXPECT_EQ(error_of([&] { alice.AddContact("bob"); }), err("NotLoggedIn"));
  EXPECT_EQ(error_of([&] { alice.ListRooms(); }), err("NotLoggedIn"));
  EXPECT_NO_THROW(alice.ListContacts());
  EXPECT_EQ(manager_->ListAccounts().size(), 2u);
}
