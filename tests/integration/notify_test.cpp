// chatter-notify against a real chatterd and the stand-in notification
// server: one Notify per new message with the sender as summary, replaced per
// conversation, quiet while busy, "Open" and inline replies, and a daemon
// restart followed.
#include <csignal>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "daemon_test.hpp"
#include "helpers.hpp"
#include "notification_server.hpp"
#include "xvfb.hpp"

using namespace chatter;
using namespace std::chrono_literals;
using test::eventually;

namespace {

class notify : public test::daemon_test {
protected:
  void SetUp() override {
    start();
    daemon_test::join("alice", {{"display_name", sdbus::Variant(std::string("Alice"))}});
    daemon_test::join("bob", {{"display_name", sdbus::Variant(std::string("Bob"))}});
    befriend("alice", "bob");
  }

  // Starts chatter-notify; "Open" runs a script that writes its arguments to
  // opened.txt.
  void start_notifier(bool inline_reply, int accounts = 2) {
    server_ = std::make_unique<test::notification_server>(world_.bus.address(), inline_reply);
    auto open = world_.dir.path() / "open.sh";
    std::ofstream(open) << "#!/bin/sh\necho \"$@\" >> " << opened_.string()
                        << "\n"
                        // exec: grep inherits the mask and ignored set as they
                        // are; dash itself blocks signals while it waits for a child.
                        << "exec grep -E '^Sig(Blk|Ign)' /proc/self/status > " << signals_.string()
                        << "\n";
    std::filesystem::permissions(open, std::filesystem::perms::owner_all);
    notifier_ = std::make_unique<test::child_process>(
      std::vector<std::string>{CHATTER_NOTIFY_PATH, "--bus-address", world_.bus.address(),
                               "--open-command", open.string()},
      std::map<std::string, std::string>{}, true);
    ASSERT_EQ(notifier_->read_line(),
              "chatter-notify: following " + std::to_string(accounts) + " account(s)");
  }

  std::vector<test::notify_call> calls_with(const std::string& summary) {
    std::vector<test::notify_call> out;
    for (auto& c : server_->calls())
      if (c.summary == summary)
        out.push_back(c);
    return out;
  }

  std::filesystem::path opened_ = world_.dir.path() / "opened.txt";
  std::filesystem::path signals_ = world_.dir.path() / "signals.txt";
  std::unique_ptr<test::notification_server> server_;
  std::unique_ptr<test::child_process> notifier_;
};

}  // namespace

TEST_F(notify, one_notification_per_message_with_the_sender_as_summary_replaced_per_conversation) {
  start_notifier(false);
  account("alice").SendMessage("bob", "first <b>words</b> & more");
  ASSERT_TRUE(eventually([&] { return calls_with("alice").size() == 1; }));
  account("alice").SendMessage("bob", "second");
  account("alice").SendMessage("bob", "third");
  // And no more: a fourth message is the marker. Its Notify comes after any
  // other the first three could cause (bob's inbox, his signals, and
  // chatter-notify, which calls Notify as it reads them, in order).
  account("alice").SendMessage("bob", "the marker");
  ASSERT_TRUE(eventually([&] {
    auto calls = calls_with("alice");
    return !calls.empty() && calls.back().body == "the marker";
  }));
  auto calls = calls_with("alice");
  ASSERT_EQ(calls.size(), 4u) << "one Notify per message";
  for (auto& c : calls)
    std::cout << "Notify(summary=\"" << c.summary << "\", body=\"" << c.body
              << "\", replaces_id=" << c.replaces_id << ") -> " << c.id << '\n';
  EXPECT_EQ(calls[0].body, "first &lt;b&gt;words&lt;/b&gt; &amp; more");
  // The conversation's later messages replace its first notification.
  EXPECT_EQ(calls[0].replaces_id, 0u);
  for (size_t i = 1; i < calls.size(); ++i)
    EXPECT_EQ(calls[i].replaces_id, calls[0].id) << "replaced, not stacked";
  EXPECT_EQ(calls[0].string_hints["category"], "im.received");
  EXPECT_EQ(calls[0].string_hints["desktop-entry"], "org.chatter.Chatter");
  EXPECT_EQ(calls[0].actions, (std::vector<std::string>{"default", "Open", "reply", "Reply"}));

  // "Open" starts chatter-gtk on the conversation.
  server_->invoke(calls[3].id, "default");
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(opened_); }));
  EXPECT_TRUE(
    eventually([&] { return test::read_file(opened_) == "--as bob --conversation alice\n"; }))
    << test::read_file(opened_);
  // It starts as from a desktop: no signal blocked, SIGCHLD (bit 17) not ignored.
  ASSERT_TRUE(eventually([&] { return test::read_file(signals_).size() > 20; }));
  auto signals = test::read_file(signals_);
  EXPECT_NE(signals.find("SigBlk:\t0000000000000000"), std::string::npos) << signals;
  auto ign = signals.substr(signals.find("SigIgn:\t") + 8, 16);
  EXPECT_EQ(std::stoull(ign, nullptr, 16) & (1ull << (SIGCHLD - 1)), 0u) << signals;
}

// Issue 21: a stranger's request and messages make one quiet notification,
// with Accept and Block; accepting from it makes a contact.
TEST_F(notify, a_stranger_gets_one_quiet_request_notification_with_accept_and_block) {
  daemon_test::join("mallory", {{"display_name", sdbus::Variant(std::string("Mallory"))}});
  start_notifier(false, 3);
  account("mallory").RequestContact("bob", "Mallory, from the third floor");
  ASSERT_TRUE(eventually([&] { return !calls_with("Message request from mallory").empty(); }));
  account("mallory").SendMessage("bob", "may I borrow your stapler?");
  account("mallory").SendMessage("bob", "please?");
  ASSERT_TRUE(eventually([&] { return account("bob").GetHistory("mallory", 0, 10).size() == 2; }));
  // The marker: alice, a contact, writes after; bob's signals reach
  // chatter-notify in order, so her Notify comes after any of mallory's.
  account("alice").SendMessage("bob", "the marker");
  ASSERT_TRUE(eventually([&] { return !calls_with("alice").empty(); }));
  auto asked = calls_with("Message request from mallory");
  ASSERT_EQ(asked.size(), 1u) << "one per stranger";
  EXPECT_EQ(asked[0].body, "Mallory, from the third floor");
  EXPECT_TRUE(calls_with("mallory").empty()) << "no message notification for a stranger";
  EXPECT_TRUE(calls_with("mallory is here").empty()) << "a stranger never arrives";
  EXPECT_EQ(asked[0].actions,
            (std::vector<std::string>{"default", "Open", "accept", "Accept", "block", "Block"}));
  server_->invoke(asked[0].id, "accept");
  ASSERT_TRUE(eventually([&] {
    for (auto& c : account("bob").ListContacts())
      if (c.get<0>() == "mallory")
        return c.get<5>() == "accepted";
    return false;
  }));
}

TEST_F(notify, busy_is_quiet_and_inline_replies_are_sent) {
  start_notifier(true);
  account("bob").SetPresence("busy", "");
  account("alice").SendMessage("bob", "you will not see this pop up");
  ASSERT_TRUE(eventually([&] { return account("bob").ListPendingMessages().size() == 1; }));

  // The next message is the marker: its Notify comes after any the first
  // one could cause (bob's signals, read by chatter-notify in order).
  account("bob").SetPresence("online", "");
  account("alice").SendMessage("bob", "now you will");
  ASSERT_TRUE(eventually([&] { return !calls_with("alice").empty(); }));
  ASSERT_EQ(calls_with("alice").size(), 1u) << "bob was busy";
  auto call = calls_with("alice").at(0);
  EXPECT_EQ(call.body, "now you will") << "bob was busy";
  EXPECT_EQ(call.actions, (std::vector<std::string>{"default", "Open", "inline-reply", "Reply"}));
  server_->reply(call.id, "typed in the notification");
  ASSERT_TRUE(eventually([&] {
    for (auto& m : account("alice").GetHistory("bob", 0, 10))
      if (m.get<3>() == "typed in the notification" && m.get<1>() == "bob")
        return true;
    return false;
  }));
}

TEST_F(notify, a_restarted_daemon_is_followed) {
  start_notifier(false);
  restart();
  manager_->Login("alice", "pw-alice");
  manager_->Login("bob", "pw-bob");
  account("alice").SendMessage("bob", "after the restart");
  EXPECT_TRUE(eventually([&] { return calls_with("alice").size() == 1; }, 10s))
    << "chatter-notify did not follow the new daemon";
  EXPECT_EQ(notifier_->read_line(), "chatter-notify: following 2 account(s)");
}

// The same path to a real notification server: dunst on Xvfb, on the
// private bus. Its own interface (org.dunstproject.cmd0) tells what it got.
TEST_F(notify, a_message_reaches_a_real_dunst) {
  test::xvfb x(world_.dir.path() / "xvfb.log");
  ASSERT_NE(x.display(), ":");
  test::child_process dunst(
    {"/usr/bin/dunst"},
    {{"DISPLAY", x.display()}, {"DBUS_SESSION_BUS_ADDRESS", world_.bus.address()}}, false,
    (world_.dir.path() / "dunst.log").string());
  auto conn = world_.bus.connect();
  auto bus = sdbus::createProxy(*conn, "org.freedesktop.DBus", "/org/freedesktop/DBus");
  ASSERT_TRUE(eventually([&] {
    bool owned = false;
    bus->callMethod("NameHasOwner")
      .onInterface("org.freedesktop.DBus")
      .withArguments(std::string("org.freedesktop.Notifications"))
      .storeResultsTo(owned);
    return owned;
  }))
    << test::read_file(world_.dir.path() / "dunst.log");
  notifier_ = std::make_unique<test::child_process>(
    std::vector<std::string>{CHATTER_NOTIFY_PATH, "--bus-address", world_.bus.address()},
    std::map<std::string, std::string>{}, true);
  ASSERT_EQ(notifier_->read_line(), "chatter-notify: following 2 account(s)");

  account("alice").SendMessage("bob", "hello through dunst");
  auto dunst_cmd =
    sdbus::createProxy(*conn, "org.freedesktop.Notifications", "/org/freedesktop/Notifications");
  auto displayed = [&] {
    sdbus::Variant n =
      dunst_cmd->getProperty("displayedLength").onInterface("org.dunstproject.cmd0");
    return n.get<uint32_t>();
  };
  // The arrival's notification, then the message replacing it.
  ASSERT_TRUE(eventually([&] { return displayed() >= 1; }));
  // Closed notifications go to dunst's history, which lists their fields.
  test::command_result listed;
  EXPECT_TRUE(eventually([&] {
    dunst_cmd->callMethod("NotificationCloseAll").onInterface("org.dunstproject.cmd0");
    listed =
      world_.run({"/usr/bin/gdbus", "call", "--session", "--dest", "org.freedesktop.Notifications",
                  "--object-path", "/org/freedesktop/Notifications", "--method",
                  "org.dunstproject.cmd0.NotificationListHistory"});
    return listed.out.find("hello through dunst") != std::string::npos;
  }))
    << listed.out << listed.err;
  EXPECT_NE(listed.out.find("'alice'"), std::string::npos) << listed.out;
}
