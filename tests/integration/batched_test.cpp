// The batched D-Bus path of a real chatterd: SendMessages, and the
// MessagesReceived / MessageStatesChanged signals a connection opts into.
// The single-message signals go on for everyone; a connection that did not
// opt in never sees a batched one; a bad entry refuses the whole call.
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "daemon_test.hpp"
#include "helpers.hpp"

using namespace chatter;
using test::err;
using test::eventually;

namespace {

using entries = std::vector<sdbus::Struct<std::string, std::string>>;

// What one connection's account proxy saw, collected from its bus thread.
struct seen {
  std::mutex m;
  std::vector<std::string> single_ids;                          // MessageReceived
  std::vector<std::string> batched_ids;                         // MessagesReceived's entries
  size_t batched_signals = 0;                                   // MessagesReceived
  std::map<std::string, std::set<std::string>> batched_states;  // id -> states
  size_t state_signals = 0;                                     // MessageStatesChanged

  void attach(client::account_client& account) {
    account.on_message_received = [this](const std::string& id, const std::string&,
                                         const std::string&, int64_t) {
      std::lock_guard<std::mutex> g(m);
      single_ids.push_back(id);
    };
    account.on_messages_received = [this](const client::account_client::received_entries& got) {
      std::lock_guard<std::mutex> g(m);
      ++batched_signals;
      for (auto& e : got)
        batched_ids.push_back(e.get<0>());
    };
    account.on_message_states_changed = [this](const client::account_client::state_entries& got) {
      std::lock_guard<std::mutex> g(m);
      ++state_signals;
      for (auto& e : got)
        batched_states[e.get<0>()].insert(e.get<2>());
    };
  }
  size_t singles() {
    std::lock_guard<std::mutex> g(m);
    return single_ids.size();
  }
  size_t batched() {
    std::lock_guard<std::mutex> g(m);
    return batched_ids.size();
  }
  size_t delivered_in_batches() {
    std::lock_guard<std::mutex> g(m);
    size_t n = 0;
    for (auto& [id, states] : batched_states)
      n += states.count("delivered");
    return n;
  }
};

class batched : public test::daemon_test {
protected:
  // A second client: its own connection and proxy of `user`'s account.
  struct client_conn {
    client_conn() = default;
    client_conn(client_conn&&) = default;
    std::unique_ptr<sdbus::IConnection> conn;
    std::unique_ptr<client::account_client> account;
    ~client_conn() {
      if (conn)
        conn->leaveEventLoop();
      account.reset();
    }
  };
  client_conn connect(const std::string& user, seen& into) {
    client_conn c;
    c.conn = world_.bus.connect();
    c.account = std::make_unique<client::account_client>(*c.conn, client::account_path(user));
    into.attach(*c.account);
    return c;
  }
};

entries to_bob(size_t n, const std::string& prefix) {
  entries out;
  for (size_t i = 0; i < n; ++i)
    out.emplace_back("bob", prefix + " " + std::to_string(i));
  return out;
}

}  // namespace

TEST_F(batched, send_messages_arrives_as_single_signals_and_as_batches_to_who_opted_in) {
  start();
  join("alice");
  join("bob");
  seen plain, heavy, sender;
  plain.attach(account("bob"));  // did not opt in
  auto heavy_bob = connect("bob", heavy);
  heavy_bob.account->EnableBatchedSignals();
  heavy_bob.account->EnableBatchedSignals();  // twice is once
  auto heavy_alice = connect("alice", sender);
  heavy_alice.account->EnableBatchedSignals();
  conn_->enterEventLoopAsync();
  heavy_bob.conn->enterEventLoopAsync();
  heavy_alice.conn->enterEventLoopAsync();

  const size_t n = 100;
  auto ids = account("alice").SendMessages(to_bob(n, "batch"));
  ASSERT_EQ(ids.size(), n);
  std::set<std::string> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), n);
  EXPECT_EQ(distinct.count(""), 0u);
  // In the entries' order: each id is its entry's message.
  auto history = account("alice").GetHistory("bob", 0, 1000);
  ASSERT_EQ(history.size(), n);
  std::map<std::string, std::string> text_of;
  for (auto& m : history)
    text_of[m.get<0>()] = m.get<3>();
  for (size_t i = 0; i < n; ++i)
    EXPECT_EQ(text_of[ids[i]], "batch " + std::to_string(i)) << i;

  ASSERT_TRUE(eventually([&] { return plain.singles() == n; })) << plain.singles();
  ASSERT_TRUE(eventually([&] { return heavy.batched() == n; })) << heavy.batched();
  EXPECT_EQ(heavy.singles(), n) << "the single signals go on for an opted-in client";
  {
    std::lock_guard<std::mutex> g(heavy.m);
    EXPECT_EQ(std::set<std::string>(heavy.batched_ids.begin(), heavy.batched_ids.end()), distinct);
    EXPECT_GE(heavy.batched_signals, 1u);
    EXPECT_LE(heavy.batched_signals, n);
  }
  // Alice's opted-in client hears every id delivered, in MessageStatesChanged.
  ASSERT_TRUE(eventually([&] { return sender.delivered_in_batches() == n; }))
    << sender.delivered_in_batches();
  // A call on the plain connection answers after any signal sent to it
  // before: none was a batch.
  account("bob").ListPendingMessages();
  {
    std::lock_guard<std::mutex> g(plain.m);
    EXPECT_EQ(plain.batched_signals, 0u);
    EXPECT_EQ(plain.state_signals, 0u);
  }

  // Opted out: the single signals only.
  heavy_bob.account->DisableBatchedSignals();
  account("alice").SendMessages(to_bob(3, "after"));
  ASSERT_TRUE(eventually([&] { return heavy.singles() == n + 3; }));
  heavy_bob.account->ListPendingMessages();
  EXPECT_EQ(heavy.batched(), n);
  conn_->leaveEventLoop();
}

TEST_F(batched, a_client_that_leaves_the_bus_is_forgotten_and_the_rest_goes_on) {
  start();
  join("alice");
  join("bob");
  seen plain, gone, stays;
  plain.attach(account("bob"));
  auto stays_bob = connect("bob", stays);
  stays_bob.account->EnableBatchedSignals();
  {
    auto gone_bob = connect("bob", gone);
    gone_bob.account->EnableBatchedSignals();
  }  // its connection closes: NameOwnerChanged
  ASSERT_TRUE(eventually([&] {
    return test::read_file(daemon_->log_file()).find("left the bus; its batched signals stop")
      != std::string::npos;
  }))
    << test::read_file(daemon_->log_file());
  // One that asks and leaves at once, maybe before the daemon watches it.
  {
    auto quick = world_.bus.connect();
    auto proxy = sdbus::createProxy(*quick, client::service_name, client::account_path("bob"));
    auto call = proxy->createMethodCall("org.chatter.Chatter1.Account", "EnableBatchedSignals");
    call.dontExpectReply();
    proxy->callMethod(call);
  }
  auto departures = [&] {
    auto log = test::read_file(daemon_->log_file());
    size_t n = 0;
    for (auto at = log.find("left the bus"); at != std::string::npos;
         at = log.find("left the bus", at + 1))
      ++n;
    return n;
  };
  ASSERT_TRUE(eventually([&] { return departures() == 2; })) << departures();
  conn_->enterEventLoopAsync();
  stays_bob.conn->enterEventLoopAsync();
  account("alice").SendMessages(to_bob(20, "x"));
  ASSERT_TRUE(eventually([&] { return stays.batched() == 20; })) << stays.batched();
  ASSERT_TRUE(eventually([&] { return plain.singles() == 20; }));
  EXPECT_EQ(daemon_->terminate(), 0) << "a clean exit";
  conn_->leaveEventLoop();
}

TEST_F(batched, a_bad_entry_refuses_the_whole_call_by_its_index_and_nothing_is_sent) {
  start();
  join("alice");
  join("bob");
  auto& alice = account("alice");
  auto refusal = [&](const entries& e) {
    try {
      alice.SendMessages(e);
    } catch (const sdbus::Error& error) {
      return error.getName() + ": " + error.getMessage();
    }
    return std::string("sent");
  };
  auto invalid = err("InvalidArgument") + ": ";
  EXPECT_EQ(refusal({{"bob", "fine"}, {"", "no recipient"}}).rfind(invalid + "entry 1: ", 0), 0u)
    << refusal({{"bob", "fine"}, {"", "no recipient"}});
  EXPECT_EQ(refusal({{"bob", "fine"}, {"bob", "fine"}, {"bob", std::string(64 * 1024 + 1, 'x')}})
              .rfind(invalid + "entry 2: the text must be", 0),
            0u);
  EXPECT_EQ(refusal({{"bob", ""}}).rfind(invalid + "entry 0: ", 0), 0u);
  // (Text that is not UTF-8 never gets this far: sd-bus refuses to send it.)
  EXPECT_EQ(refusal({{"bob", "fine"}, {"alice", "me"}}).rfind(invalid + "entry 1: ", 0), 0u);
  EXPECT_EQ(refusal({{"Bob!", "hi"}}).rfind(invalid + "entry 0: ", 0), 0u);
  auto too_many = refusal(to_bob(1001, "many"));
  EXPECT_EQ(too_many.rfind(invalid + "at most 1000 messages per call", 0), 0u) << too_many;
  // Nothing of any of them was stored, so nothing goes out.
  EXPECT_TRUE(alice.GetHistory("bob", 0, 1000).empty());
  EXPECT_EQ(alice.SendMessages({}).size(), 0u);
  EXPECT_EQ(alice.SendMessages(to_bob(1000, "most")).size(), 1000u);
  EXPECT_EQ(alice.GetHistory("bob", 0, 1000).size(), 1000u);
}

TEST_F(batched, an_entry_that_fails_later_is_named_and_the_others_are_sent) {
  start();
  join("alice");
  join("bob");
  auto& alice = account("alice");
  std::string answer;
  try {
    alice.SendMessages({{"bob", "one"}, {"nobody", "two"}, {"bob", "three"}});
  } catch (const sdbus::Error& e) {
    answer = e.getName() + ": " + e.getMessage();
  }
  EXPECT_EQ(answer.rfind(err("NotFound") + ": entry 1: ", 0), 0u) << answer;
  EXPECT_NE(answer.find("2 of the other 2 entries were sent"), std::string::npos) << answer;
  ASSERT_TRUE(eventually([&] { return account("bob").ListPendingMessages().size() == 2; }));
  std::set<std::string> texts;
  for (auto& m : account("bob").ListPendingMessages())
    texts.insert(m.get<3>());
  EXPECT_EQ(texts, (std::set<std::string>{"one", "three"}));

  account("alice").Logout();
  try {
    alice.SendMessages(to_bob(2, "out"));
    answer = "sent";
  } catch (const sdbus::Error& e) {
    answer = e.getName() + ": " + e.getMessage();
  }
  EXPECT_EQ(answer.rfind(err("NotLoggedIn") + ": entry 0: ", 0), 0u) << answer;
  EXPECT_NE(answer.find("none of the entries was sent"), std::string::npos) << answer;
}
