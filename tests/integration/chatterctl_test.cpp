// chatterctl as a script would use it: passwords on stdin, JSON out, exit
// statuses by error name.
#include <set>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;

TEST(chatterctl, register_login_status_logout) {
  test::world world;
  auto daemon = world.start_daemon({"--rechallenge-interval", "1"});
  auto reg = world.chatterctl({"register", "alice", "--password-stdin"}, "correct horse\n");
  ASSERT_EQ(reg.exit_code, 0) << reg.err;
  auto login = world.chatterctl({"login", "alice", "--password-stdin"}, "correct horse\n");
  ASSERT_EQ(login.exit_code, 0) << login.err;
  auto first = world.chatterctl({"status", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto status = nlohmann::json::parse(first.out);
  EXPECT_EQ(status["hub"]["address"], "embedded");
  ASSERT_EQ(status["accounts"].size(), 1u);
  EXPECT_EQ(status["accounts"][0]["username"], "alice");
  EXPECT_EQ(status["accounts"][0]["authenticated"], true);
  auto t0 = status["accounts"][0]["last_reauthentication"].get<int64_t>();
  ASSERT_TRUE(test::eventually(
    [&] {
      auto later = nlohmann::json::parse(world.chatterctl({"status", "--json"}).out);
      return later["accounts"][0]["last_reauthentication"].get<int64_t>() > t0;
    },
    std::chrono::seconds(4)));
  auto out = world.chatterctl({"logout", "alice"});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  auto again = world.chatterctl({"logout", "alice"});
  EXPECT_EQ(again.exit_code, 8);
  EXPECT_NE(again.err.find("org.chatter.Chatter1.Error.NotLoggedIn"), std::string::npos);
}

TEST(chatterctl, exit_status_names_the_error) {
  test::world world;
  auto daemon = world.start_daemon();
  EXPECT_EQ(world.chatterctl({"register", "alice", "--password-stdin"}, "pw\n").exit_code, 0);
  auto dup = world.chatterctl({"register", "alice", "--password-stdin"}, "pw\n");
  EXPECT_EQ(dup.exit_code, 5);
  EXPECT_NE(dup.err.find("AlreadyExists"), std::string::npos);
  EXPECT_EQ(world.chatterctl({"login", "alice", "--password-stdin"}, "nope\n").exit_code, 6);
  EXPECT_EQ(world.chatterctl({"login", "Bad!", "--password-stdin"}, "pw\n").exit_code, 3);
  EXPECT_EQ(world.chatterctl({"login", "ghost", "--password-stdin"}, "pw\n").exit_code, 4);
  auto no_password = world.chatterctl({"login", "alice"});
  EXPECT_NE(no_password.exit_code, 0);
  EXPECT_NE(no_password.err.find("--password-stdin"), std::string::npos);
}

TEST(chatterctl, says_when_no_daemon_runs) {
  test::world world;
  auto r = world.chatterctl({"status"});
  EXPECT_EQ(r.exit_code, 13) << r.err;
  EXPECT_EQ(r.err,
            "chatterctl: chatterd is not running; start it with "
            "`systemctl --user start chatterd`\n");
  auto json = nlohmann::json::parse(world.chatterctl({"--json", "status"}).err);
  EXPECT_EQ(json["error"], "org.freedesktop.DBus.Error.ServiceUnknown");
}

TEST(chatterctl, the_issue_story_search_contacts_send_history_read_rooms) {
  test::world world;
  auto daemon = world.start_daemon();
  for (auto [user, name] :
       {std::pair{"alice", "Alice L."}, std::pair{"bob", "Bob"}, std::pair{"carol", "Carol"}}) {
    ASSERT_EQ(
      world.chatterctl({"register", user, "--display-name", name, "--password-stdin"}, "pw\n")
        .exit_code,
      0);
    ASSERT_EQ(world.chatterctl({"login", user, "--password-stdin"}, "pw\n").exit_code, 0);
  }
  auto found = world.chatterctl({"--as", "bob", "search", "ali", "--json"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  auto users = nlohmann::json::parse(found.out);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0]["username"], "alice");
  EXPECT_EQ(users[0]["display_name"], "Alice L.");
  EXPECT_EQ(users[0]["presence"], "unknown") << "not a contact yet";
  EXPECT_EQ(world.chatterctl({"--as", "bob", "contacts", "request", "alice", "Bob, from the lab"})
              .exit_code,
            0);
  auto contacts =
    nlohmann::json::parse(world.chatterctl({"--as", "bob", "contacts", "--json"}).out);
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0]["username"], "alice");
  EXPECT_EQ(contacts[0]["state"], "pending-out");
  EXPECT_EQ(world.chatterctl({"--as", "alice", "contacts", "accept", "bob"}).exit_code, 0);
  EXPECT_EQ(world.chatterctl({"--as", "alice", "contacts", "accept", "bob"}).exit_code, 0)
    << "accepting twice is no error";
  ASSERT_TRUE(test::eventually([&] {
    auto now = nlohmann::json::parse(world.chatterctl({"--as", "bob", "contacts", "--json"}).out);
    return now.size() == 1 && now[0]["state"] == "accepted" && now[0]["presence"] == "online";
  }));
  EXPECT_EQ(world.chatterctl({"--as", "alice", "contacts", "block", "ghost"}).exit_code, 4)
    << "no such user";

  auto sent = world.chatterctl({"--as", "alice", "send", "bob", "Bonjour Bob"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  auto id = sent.out.substr(0, sent.out.find('\n'));
  ASSERT_TRUE(test::eventually([&] {
    auto h =
      nlohmann::json::parse(world.chatterctl({"--as", "bob", "history", "alice", "--json"}).out);
    return h.size() == 1 && h[0]["id"] == id && h[0]["text"] == "Bonjour Bob";
  }));
  EXPECT_EQ(world.chatterctl({"--as", "bob", "read", "alice"}).exit_code, 0);
  ASSERT_TRUE(test::eventually([&] {
    auto h =
      nlohmann::json::parse(world.chatterctl({"--as", "alice", "history", "bob", "--json"}).out);
    return h.size() == 1 && h[0]["state"] == "read";
  }));

  ASSERT_EQ(world.chatterctl({"--as", "alice", "room", "create", "lab", "bob", "carol"}).exit_code,
            0);
  ASSERT_EQ(world.chatterctl({"--as", "alice", "send", "#lab", "hi all"}).exit_code, 0);
  ASSERT_TRUE(test::eventually([&] {
    auto h =
      nlohmann::json::parse(world.chatterctl({"--as", "carol", "history", "#lab", "--json"}).out);
    return h.size() == 1 && h[0]["text"] == "hi all" && h[0]["from"] == "alice";
  }));
  auto rooms =
    nlohmann::json::parse(world.chatterctl({"--as", "bob", "room", "list", "--json"}).out);
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0]["room"], "lab");
  EXPECT_EQ(world.chatterctl({"--as", "alice", "presence", "sleeping"}).exit_code, 3);
  EXPECT_EQ(world.chatterctl({"--as", "alice", "room", "leave", "nowhere"}).exit_code, 4);
}

TEST(chatterctl, send_many_reads_tab_separated_lines_and_prints_the_ids_in_order) {
  test::world world;
  auto daemon = world.start_daemon();
  for (auto user : {"alice", "bob", "carol"}) {
    ASSERT_EQ(world.chatterctl({"register", user, "--password-stdin"}, "pw\n").exit_code, 0);
    ASSERT_EQ(world.chatterctl({"login", user, "--password-stdin"}, "pw\n").exit_code, 0);
  }
  // Five lines in calls of two: three SendMessages calls.
  auto sent = world.chatterctl({"--as", "alice", "send-many", "--batch", "2", "--json"},
                               "bob\tone\ncarol\ttwo\twith a tab\n\nbob\tthree\r\nbob\tfour\n"
                               "carol\tfive\n");
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  auto ids = nlohmann::json::parse(sent.out);
  ASSERT_EQ(ids.size(), 5u) << sent.out;
  EXPECT_EQ(ids[1]["to"], "carol");
  ASSERT_TRUE(test::eventually([&] {
    auto h =
      nlohmann::json::parse(world.chatterctl({"--as", "carol", "history", "alice", "--json"}).out);
    std::set<std::pair<std::string, std::string>> got;
    for (auto& m : h)
      got.emplace(m["id"].get<std::string>(), m["text"].get<std::string>());
    return got
      == std::set<std::pair<std::string, std::string>>{
        {ids[1]["id"].get<std::string>(), "two\twith a tab"},
        {ids[4]["id"].get<std::string>(), "five"}};
  }));
  ASSERT_TRUE(test::eventually([&] {
    auto h =
      nlohmann::json::parse(world.chatterctl({"--as", "bob", "history", "alice", "--json"}).out);
    return h.size() == 3;
  }));

  // A line without a tab: a usage error naming it, and nothing sent.
  auto no_tab = world.chatterctl({"--as", "alice", "send-many"}, "bob\tfine\nbob fine\n");
  EXPECT_EQ(no_tab.exit_code, 2);
  EXPECT_NE(no_tab.err.find("line 2: no tab between the recipient and the text"), std::string::npos)
    << no_tab.err;
  // A line the daemon refuses: the daemon's error, by line number.
  auto bad = world.chatterctl({"--as", "alice", "send-many"}, "bob\tfine\n\nBad!\thi\n");
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("InvalidArgument: line 3: "), std::string::npos) << bad.err;
  auto h =
    nlohmann::json::parse(world.chatterctl({"--as", "bob", "history", "alice", "--json"}).out);
  EXPECT_EQ(h.size(), 3u) << "nothing more was sent";
  auto help = world.chatterctl({"send-many", "--help"});
  EXPECT_NE(help.out.find("TO<TAB>TEXT"), std::string::npos) << help.out;
}
