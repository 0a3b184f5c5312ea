// The social side of a real chatterd: the directory, presence, contacts and
// InterlocutorArrived, read receipts, and rooms, driven through the
// generated proxies on a private bus.
#include <algorithm>
#include <mutex>
#include <set>

#include <SQLiteCpp/Database.h>
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
  std::set<std::string> requests;                            // ids of messages from strangers
  std::vector<std::pair<std::string, std::string>> asked;    // ContactRequested: from, message
  std::vector<std::pair<std::string, std::string>> consent;  // ContactStateChanged

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
      if (extras.count("request") && extras.at("request").get<bool>())
        requests.insert(id);
    };
    account.on_contact_requested = [this](const std::string& from, const std::string& text) {
      std::lock_guard<std::mutex> g(m);
      asked.emplace_back(from, text);
    };
    account.on_contact_state_changed = [this](const std::string& u, const std::string& state) {
      std::lock_guard<std::mutex> g(m);
      consent.emplace_back(u, state);
    };
    account.on_message_state_changed = [this](const std::string& id, const std::string&,
                                              const std::string& state) {
      std::lock_guard<std::mutex> g(m);
      states[id].push_back(state);
    };
  }
  size_t asked_by(const std::string& user, const std::string& text) {
    std::lock_guard<std::mutex> g(m);
    return static_cast<size_t>(std::count(asked.begin(), asked.end(), std::make_pair(user, text)));
  }
  bool saw_state(const std::string& user, const std::string& state) {
    std::lock_guard<std::mutex> g(m);
    return std::count(consent.begin(), consent.end(), std::make_pair(user, state)) > 0;
  }
  bool was_request(const std::string& id) {
    std::lock_guard<std::mutex> g(m);
    return requests.count(id) > 0;
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
  EXPECT_EQ(found[0].get<2>(), "unknown") << "presence is for accepted contacts only";
  EXPECT_EQ(account("alice").SearchDirectory("TABLES", 10).at(0).get<0>(), "bobby");
  EXPECT_EQ(account("alice").SearchDirectory("bob", 1).size(), 1u);
  EXPECT_TRUE(account("alice").SearchDirectory("%", 10).empty()) << "% is not a wildcard";
  EXPECT_EQ(account("alice").DisplayName(), "Alice Liddell");
  EXPECT_EQ(account("alice").Presence(), "online");

  account("alice").AddContact("bob");
  EXPECT_EQ(account("alice").ListContacts().at(0).get<5>(), "pending-out");
  EXPECT_EQ(account("alice").ListContacts().at(0).get<2>(), "offline") << "not accepted yet";
  account("bob").AcceptContact("alice");
  ASSERT_TRUE(eventually([&] { return alice_sees.arrivals_of("bob") == 1; }));
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("bob", "online"); }));
  auto contacts = account("alice").ListContacts();
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0].get<0>(), "bob");
  EXPECT_EQ(contacts[0].get<1>(), "Bob Marley");
  EXPECT_EQ(contacts[0].get<2>(), "online");
  EXPECT_EQ(contacts[0].get<5>(), "accepted");
  EXPECT_EQ(account("alice").SearchDirectory("bob", 1).at(0).get<2>(), "online");

  account("bob").SetPresence("busy", "in a meeting");
  EXPECT_EQ(account("bob").Presence(), "busy");
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("bob", "busy"); }));
  EXPECT_EQ(account("alice").ListContacts().at(0).get<2>(), "busy");

  // bobby is not a contact: alice hears nothing of him, and his message is
  // a request that rings nothing (an arrival would come before it).
  account("bobby").SetPresence("away", "");
  account("bob").Logout();
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("bob", "offline"); }));
  EXPECT_FALSE(alice_sees.saw_presence("bobby", "away"));
  auto stranger = account("bobby").SendMessage("alice", "hello, stranger here");
  ASSERT_TRUE(eventually([&] { return alice_sees.has(stranger); }));
  EXPECT_EQ(alice_sees.arrivals_of("bobby"), 0u);
  EXPECT_TRUE(alice_sees.was_request(stranger));

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

  // Removed: off alice's list, and bob sees her declined, without presence.
  account("alice").RemoveContact("bob");
  EXPECT_TRUE(account("alice").ListContacts().empty());
  ASSERT_TRUE(eventually([&] {
    auto theirs = account("bob").ListContacts();
    return theirs.size() == 1 && theirs[0].get<5>() == "declined";
  }));
  EXPECT_EQ(account("bob").ListContacts().at(0).get<2>(), "offline");
}

// The false greeting of issue 21: adding a contact who is logged out is no
// arrival; their coming online is.
TEST_F(social, an_offline_contact_added_arrives_only_when_online) {
  join("alice", "Alice");
  join("carol", "Carol");
  join("dave", "Dave");
  // carol asked alice, then logged out; alice accepts her while she is away.
  account("carol").RequestContact("alice", "");
  account("carol").Logout();
  observer alice_sees;
  alice_sees.attach(account("alice"));
  conn_->enterEventLoopAsync();
  account("alice").AcceptContact("carol");
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("carol", "offline"); }));
  // The marker: dave, online, accepted after, arrives by the same path later
  // than any arrival of carol's would.
  befriend("dave", "alice");
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

// Issue 21, consent. A stranger's request and message ring nothing; once
// accepted, the message is in the conversation and presence flows both ways.
TEST_F(social, a_stranger_rings_nothing_until_accepted_then_presence_flows_both_ways) {
  join("alice", "Alice");
  join("bob", "Bob");
  join("mallory", "Mallory");
  observer alice_sees, mallory_sees;
  alice_sees.attach(account("alice"));
  mallory_sees.attach(account("mallory"));
  conn_->enterEventLoopAsync();
  befriend("bob", "alice");
  ASSERT_TRUE(eventually([&] { return alice_sees.arrivals_of("bob") == 1; }));

  account("mallory").RequestContact("alice", "Mallory, from the third floor");
  ASSERT_TRUE(eventually(
    [&] { return alice_sees.asked_by("mallory", "Mallory, from the third floor") == 1; }));
  EXPECT_TRUE(alice_sees.saw_state("mallory", "pending-in"));
  auto id = account("mallory").SendMessage("alice", "may I borrow your stapler?");
  ASSERT_TRUE(eventually([&] { return alice_sees.has(id); }));
  EXPECT_TRUE(alice_sees.was_request(id));
  EXPECT_EQ(alice_sees.arrivals_of("mallory"), 0u);
  EXPECT_FALSE(alice_sees.saw_presence("mallory", "online"));
  auto contacts = account("alice").ListContacts();
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(contacts[1].get<0>(), "mallory");
  EXPECT_EQ(contacts[1].get<5>(), "pending-in");
  EXPECT_EQ(contacts[1].get<2>(), "offline");
  EXPECT_EQ(account("mallory").ListContacts().at(0).get<5>(), "pending-out");

  account("alice").AcceptContact("mallory");
  EXPECT_EQ(account("alice").GetHistory("mallory", 0, 10).at(0).get<0>(), id);
  ASSERT_TRUE(eventually([&] { return alice_sees.saw_presence("mallory", "online"); }));
  ASSERT_TRUE(eventually([&] { return mallory_sees.saw_presence("alice", "online"); }));
  ASSERT_TRUE(eventually([&] { return mallory_sees.saw_state("alice", "accepted"); }));
  // An accepted contact online arrives (the signal follows the presence).
  EXPECT_TRUE(eventually([&] { return alice_sees.arrivals_of("mallory") == 1; }));
  account("alice").SetPresence("busy", "");
  ASSERT_TRUE(eventually([&] { return mallory_sees.saw_presence("alice", "busy"); }));
}

// The states are the hub's: a restart of the daemon (kill -9) and new logins
// find them as they were.
TEST_F(social, consent_states_survive_a_restart_and_logins) {
  join("alice", "Alice");
  join("bob", "Bob");
  join("carol", "Carol");
  join("dave", "Dave");
  befriend("alice", "bob");
  account("carol").RequestContact("alice", "");
  account("alice").RequestContact("dave", "");
  account("dave").DeclineContact("alice");
  restart();
  manager_->Login("alice", "pw-alice");
  manager_->Login("bob", "pw-bob");
  std::map<std::string, std::string> states;
  ASSERT_TRUE(eventually([&] {
    states.clear();
    for (auto& c : account("alice").ListContacts())
      states[c.get<0>()] = c.get<5>();
    return states.size() == 3;
  }));
  EXPECT_EQ(states,
            (std::map<std::string, std::string>{
              {"bob", "accepted"}, {"carol", "pending-in"}, {"dave", "declined"}}));
  ASSERT_TRUE(
    eventually([&] { return account("alice").ListContacts().at(0).get<2>() == "online"; }))
    << "presence flows again for the accepted pair";
  EXPECT_EQ(error_of([&] { account("alice").AcceptContact("dave"); }), err("NotFound"))
    << "dave declined: nothing of his to accept";
}

// Blocking is enforced at the hub: a blocked user's 100 messages leave
// nothing in the blocker's history, signals or hub queue, and the sender's
// states stay "sent".
TEST_F(social, a_blocked_users_messages_never_reach_the_blocker) {
  join("alice", "Alice");
  join("bob", "Bob");
  join("mallory", "Mallory");
  join("eve", "Eve");
  observer bob_sees;
  bob_sees.attach(account("bob"));
  conn_->enterEventLoopAsync();
  befriend("alice", "bob");
  befriend("mallory", "bob");
  ASSERT_TRUE(eventually([&] { return bob_sees.saw_presence("mallory", "online"); }));
  account("bob").BlockUser("mallory");
  account("bob").BlockUser("eve");  // a stranger, blocked before asking
  EXPECT_EQ(account("bob").ListBlocked(), (std::vector<std::string>{"eve", "mallory"}));
  EXPECT_EQ(error_of([&] { account("bob").RequestContact("mallory", ""); }),
            err("InvalidArgument"));
  std::vector<std::string> ids;
  ids.reserve(100);
  for (int i = 0; i < 100; ++i)
    ids.push_back(account("mallory").SendMessage("bob", "message " + std::to_string(i)));
  account("eve").RequestContact("bob", "let me in");
  EXPECT_EQ(account("eve").ListContacts().at(0).get<5>(), "pending-out") << "eve is not told";
  ASSERT_TRUE(eventually([&] {
    for (auto& m : account("mallory").GetHistory("bob", 0, 200))
      if (m.get<5>() != "sent")
        return false;
    return true;
  }));
  // The marker: alice's message to bob goes the same way after mallory's.
  auto marker = account("alice").SendMessage("bob", "the marker");
  ASSERT_TRUE(eventually([&] { return bob_sees.has(marker); }));
  EXPECT_EQ(bob_sees.received_count(), 1u);
  // (eve's words are not ordered before the marker: this one shows that
  // nothing rang by then; mallory's 100, acknowledged before it, are the
  // proof that the hub drops.)
  EXPECT_EQ(bob_sees.asked_by("eve", "let me in"), 0u);
  EXPECT_TRUE(account("bob").GetHistory("mallory", 0, 10).empty());
  for (auto& m : account("mallory").GetHistory("bob", 0, 200))
    EXPECT_EQ(m.get<5>(), "sent") << m.get<0>();
  EXPECT_EQ(account("mallory").GetHistory("bob", 0, 200).size(), 100u);
  SQLite::Database db(world_.hub_database().string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM mailbox WHERE recipient = 'bob' AND sender <> "
                          "'alice'")
              .getInt(),
            0);
  // Blocking withdrew bob's presence from mallory.
  std::string seen;
  for (auto& c : account("mallory").ListContacts())
    if (c.get<0>() == "bob")
      seen = c.get<2>();
  EXPECT_EQ(seen, "offline");
  EXPECT_EQ(account("mallory").SearchDirectory("bob", 1).at(0).get<2>(), "offline")
    << "to mallory, bob looks away, not hidden";

  account("bob").UnblockUser("mallory");
  EXPECT_EQ(account("bob").ListBlocked(), std::vector<std::string>{"eve"});
  EXPECT_EQ(error_of([&] { account("bob").UnblockUser("mallory"); }), err("NotFound"));
}

TEST_F(social, consent_methods_answer_named_errors) {
  join("alice", "Alice");
  join("bob", "Bob");
  auto& alice = account("alice");
  EXPECT_EQ(error_of([&] { alice.RequestContact("ghost", ""); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { alice.RequestContact("alice", ""); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.RequestContact("Not Valid", ""); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.RequestContact("bob", std::string(1025, 'x')); }),
            err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.AcceptContact("bob"); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { alice.DeclineContact("bob"); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { alice.UnblockUser("bob"); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { alice.BlockUser(""); }), err("InvalidArgument"));
  alice.Logout();
  EXPECT_EQ(error_of([&] { alice.RequestContact("bob", ""); }), err("NotLoggedIn"));
  EXPECT_EQ(error_of([&] { alice.BlockUser("bob"); }), err("NotLoggedIn"));
}
