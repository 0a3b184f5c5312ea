// The scripts in examples/ against a real chatterd: each sends a message as
// alice and prints what alice receives meanwhile.
#include <unistd.h>

#include <gtest/gtest.h>

#include "daemon_test.hpp"
#include "helpers.hpp"

using namespace chatter;
using namespace std::chrono_literals;
using test::eventually;

namespace {

class examples : public test::daemon_test {
protected:
  // Whether a client other than this test and chatterd has asked the bus
  // for signals from `path`: the script's watch is set up once dbus-daemon
  // holds its match rule (its own Debug.Stats interface lists them).
  bool watched_by_another(const std::string& path) {
    auto bus = sdbus::createProxy(*conn_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    std::map<std::string, std::vector<std::string>> rules;
    bus->callMethod("GetAllMatchRules")
      .onInterface("org.freedesktop.DBus.Debug.Stats")
      .storeResultsTo(rules);
    for (auto& [name, list] : rules) {
      uint32_t pid = 0;
      try {
        bus->callMethod("GetConnectionUnixProcessID")
          .onInterface("org.freedesktop.DBus")
          .withArguments(name)
          .storeResultsTo(pid);
      } catch (const sdbus::Error&) {
        continue;  // gone meanwhile
      }
      if (pid == static_cast<uint32_t>(getpid()) || pid == static_cast<uint32_t>(daemon_->pid()))
        continue;
      for (auto& rule : list)
        if (rule.find("type='signal'") != std::string::npos
            && rule.find("path='" + path + "'") != std::string::npos)
          return true;
    }
    return false;
  }

  void SetUp() override {
    start();
    join("alice");
    join("bob");
  }

  // Runs examples/`script` as alice; bob answers once it has sent.
  void send_and_watch(const std::string& script, const std::string& text) {
    test::child_process run(
      {std::string(CHATTER_SOURCE_DIR) + "/examples/" + script, "alice", "bob", text, "3"},
      {{"DBUS_SESSION_BUS_ADDRESS", world_.bus.address()}}, true);
    ASSERT_EQ(run.read_line(), "sent to bob");
    ASSERT_TRUE(eventually([&] {
      for (auto& m : account("bob").GetHistory("alice", 0, 10))
        if (m.get<3>() == text)
          return true;
      return false;
    }))
      << "bob did not get it";
    ASSERT_TRUE(eventually([&] { return watched_by_another(client::account_path("alice")); }))
      << "the script never watched alice's signals";
    account("bob").SendMessage("alice", "answer to " + script);
    EXPECT_EQ(run.read_line(), "bob: answer to " + script);
  }
};

}  // namespace

TEST_F(examples, the_gdbus_shell_script_sends_and_prints_incoming_messages) {
  send_and_watch("send-and-watch.sh", "hello from the shell");
}

TEST_F(examples, the_python_script_sends_and_prints_incoming_messages) {
  send_and_watch("send-and-watch.py", "hello from python");
}
