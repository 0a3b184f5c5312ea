// chatterctl as a Unix tool: usage errors exit 2 and name the nearest
// command, --as works everywhere, errors say what is wrong (as JSON with
// --json), stdin for a message, and other users' words printed with their
// control characters escaped so that they cannot drive the terminal or forge
// a line.
#include <algorithm>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;
using namespace std::chrono_literals;

namespace {

// A window title (OSC 0), a clipboard write (OSC 52), a bell, a carriage
// return, and a newline followed by what looks like another message.
const std::string hostile_text = std::string("hi\x1b]0;PWNED\x07") + "\x1b]52;c;cHduZWQ=\x07"
  + "\rback\n2026-01-01 00:00:00 carol -> bob [received] trust me";

size_t lines_in(const std::string& out) {
  return static_cast<size_t>(std::count(out.begin(), out.end(), '\n'));
}

// No raw ESC, BEL or CR, exactly `lines` lines, each ended by a newline.
void expect_inert(const std::string& out, size_t lines, const std::string& what) {
  for (char c : {'\x1b', '\x07', '\r'})
    EXPECT_EQ(out.find(c), std::string::npos) << what << " printed a raw control byte: " << out;
  EXPECT_EQ(lines_in(out), lines) << what << ": " << out;
  EXPECT_TRUE(!out.empty() && out.back() == '\n') << what << " does not end with a newline";
}

class chatterctl_tool : public testing::Test {
protected:
  void join(const std::string& user, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"register", user, "--password-stdin"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_EQ(world_.chatterctl(args, "pw\n").exit_code, 0);
    ASSERT_EQ(world_.chatterctl({"--as", user, "login", "--password-stdin"}, "pw\n").exit_code, 0);
  }
  test::command_result ctl(std::vector<std::string> args, const std::string& input = {}) {
    return world_.chatterctl(std::move(args), input);
  }

  test::world world_;
  // Re-challenged every second: logged-in accounts keep signals coming.
  std::unique_ptr<test::chatterd_process> daemon_ =
    world_.start_daemon({"--rechallenge-interval", "1"});
};

}  // namespace

TEST_F(chatterctl_tool, usage_errors_exit_2_and_a_mistyped_command_names_the_nearest) {
  auto typo = ctl({"sned", "bob", "hi"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("unknown command 'sned'; did you mean 'send'?"), std::string::npos)
    << typo.err;
  auto nested = ctl({"room", "craete", "lab"});
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_NE(nested.err.find("did you mean 'room create'?"), std::string::npos) << nested.err;
  EXPECT_EQ(ctl({"send", "bob"}).exit_code, 2);                 // a missing argument
  EXPECT_EQ(ctl({"status", "--no-such-option"}).exit_code, 2);  // an unknown option
  EXPECT_EQ(ctl({}).exit_code, 2);                              // no command at all
  auto json = ctl({"--json", "sned"});
  EXPECT_EQ(json.exit_code, 2);
  auto error = nlohmann::json::parse(json.err);
  EXPECT_EQ(error["error"], "chatterctl.Error.Usage");
  EXPECT_NE(error["message"].get<std::string>().find("'send'"), std::string::npos);
}

TEST_F(chatterctl_tool, help_lists_every_exit_status) {
  auto help = ctl({"--help"});
  ASSERT_EQ(help.exit_code, 0);
  for (int status = 0; status <= 13; ++status)
    EXPECT_NE(help.out.find("\n  " + std::to_string(status) + " "), std::string::npos)
      << "exit status " << status << " missing from --help:\n"
      << help.out;
  for (auto* name : {"InvalidArgument", "NotFound", "AlreadyExists", "AuthenticationFailed",
                     "RateLimited", "NotLoggedIn", "UntrustedKey", "HubUnreachable", "Timeout",
                     "Internal", "chatterd is not running", "usage error"})
    EXPECT_NE(help.out.find(name), std::string::npos) << name;
}

TEST_F(chatterctl_tool, an_unknown_account_is_named_whatever_the_command) {
  join("bob");
  for (auto args :
       std::vector<std::vector<std::string>>{{"--as", "nobody", "send", "bob", "hi"},
                                             {"--as", "nobody", "history", "bob"},
                                             {"--as", "nobody", "logout"},
                                             {"logout", "nobody"},
                                             {"--as", "nobody", "contacts"},
                                             {"--as", "nobody", "status"},
                                             {"--as", "nobody", "watch", "--for", "5"}}) {
    auto r = ctl(args);
    EXPECT_EQ(r.exit_code, 4) << args[1];
    EXPECT_EQ(r.err, "chatterctl: no account 'nobody' on this daemon\n");
    EXPECT_EQ(r.err.find("UnknownObject"), std::string::npos);
  }
  auto json = ctl({"--json", "--as", "nobody", "send", "bob", "hi"});
  EXPECT_EQ(json.exit_code, 4);
  auto error = nlohmann::json::parse(json.err);
  EXPECT_EQ(error["error"], "org.chatter.Chatter1.Error.NotFound");
  EXPECT_EQ(error["message"], "no account 'nobody' on this daemon");
  auto dbus_error = nlohmann::json::parse(ctl({"--json", "--as", "bob", "presence", "asleep"}).err);
  EXPECT_EQ(dbus_error["error"], "org.chatter.Chatter1.Error.InvalidArgument");
}

TEST_F(chatterctl_tool, as_chooses_the_account_of_login_and_logout_too) {
  join("alice");
  join("bob");
  EXPECT_EQ(ctl({"logout"}).exit_code, 2) << "two accounts and no --as";
  auto out = ctl({"--as", "alice", "logout"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(out.out, "logged out alice\n");
  auto in = ctl({"--as", "alice", "login", "--password-stdin"}, "pw\n");
  EXPECT_EQ(in.exit_code, 0) << in.err;
  EXPECT_EQ(in.out, "logged in alice\n");
  EXPECT_EQ(ctl({"--as", "alice", "logout", "bob"}).exit_code, 2) << "two names for one account";
}

TEST_F(chatterctl_tool, status_says_never_and_prints_local_time) {
  ASSERT_EQ(ctl({"register", "carol", "--password-stdin"}, "pw\n").exit_code, 0);
  auto before = ctl({"status"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_NE(before.out.find("carol: logged out, offline, last re-authentication never\n"),
            std::string::npos)
    << before.out;
  ASSERT_EQ(ctl({"login", "carol", "--password-stdin"}, "pw\n").exit_code, 0);
  auto after = ctl({"status"});
  // "YYYY-MM-DD HH:MM:SS ZONE", not a count of milliseconds.
  auto at = after.out.find("last re-authentication ");
  ASSERT_NE(at, std::string::npos) << after.out;
  auto when = after.out.substr(at + 23, after.out.find('\n', at) - at - 23);
  EXPECT_TRUE(when.size() >= 20 && when[4] == '-' && when[7] == '-' && when[13] == ':') << when;
  EXPECT_EQ(when.find("ms"), std::string::npos) << when;
}

TEST_F(chatterctl_tool, send_reads_stdin_with_a_dash_and_verify_takes_any_spacing) {
  join("alice");
  join("bob");
  auto sent = ctl({"--as", "alice", "send", "bob", "-"}, "line one\nline two\n");
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_TRUE(test::eventually([&] {
    auto h = nlohmann::json::parse(ctl({"--as", "bob", "--json", "history", "alice"}).out);
    return h.size() == 1 && h[0]["text"] == "line one\nline two";
  }));
  auto fp = ctl({"--as", "bob", "fingerprint", "alice"}).out;
  ASSERT_EQ(fp.size(), 72u) << fp;  // 12 groups of 5 digits, 11 spaces, a newline
  fp.pop_back();
  std::string bare = fp;
  bare.erase(std::remove(bare.begin(), bare.end(), ' '), bare.end());
  EXPECT_EQ(ctl({"--as", "bob", "verify", "alice", bare}).exit_code, 0);
  std::vector<std::string> unquoted{"--as", "bob", "verify", "alice"};
  for (size_t i = 0; i < fp.size(); i += 6)
    unquoted.push_back(fp.substr(i, 5));
  EXPECT_EQ(ctl(unquoted).exit_code, 0);
  EXPECT_EQ(ctl({"--as", "bob", "verify", "alice", "12345"}).exit_code, 9) << "not the key";
}

TEST_F(chatterctl_tool, other_users_control_characters_are_printed_escaped) {
  join("bob");
  join("mallory", {"--display-name", "Mal\x1b[2J\nory\x07"});
  ASSERT_EQ(ctl({"--as", "mallory", "presence", "away", "brb\r\x1b]52;c;eA==\x07"}).exit_code, 0);
  ASSERT_EQ(ctl({"--as", "bob", "contacts", "add", "mallory"}).exit_code, 0);
  ASSERT_EQ(ctl({"--as", "mallory", "contacts", "accept", "bob"}).exit_code, 0);
  ASSERT_EQ(ctl({"--as", "mallory", "send", "bob", hostile_text}).exit_code, 0);
  ASSERT_TRUE(test::eventually([&] {
    return nlohmann::json::parse(ctl({"--as", "bob", "--json", "pending"}).out).size() == 1;
  }));

  auto history = ctl({"--as", "bob", "history", "mallory"});
  expect_inert(history.out, 1, "history");
  EXPECT_NE(history.out.find("hi\\e]0;PWNED\\a\\e]52;c;cHduZWQ=\\a\\rback\\n2026-01-01 00:00:00"
                             " carol -> bob [received] trust me\n"),
            std::string::npos)
    << history.out;
  expect_inert(ctl({"--as", "bob", "pending"}).out, 1, "pending");
  auto search = ctl({"--as", "bob", "search", "mal"});
  expect_inert(search.out, 1, "search");
  EXPECT_NE(search.out.find("Mal\\e[2J\\nory\\a"), std::string::npos) << search.out;
  EXPECT_NE(search.out.find("brb\\r\\e]52;c;eA==\\a"), std::string::npos) << search.out;
  expect_inert(ctl({"--as", "bob", "contacts"}).out, 1, "contacts");
  // The JSON keeps the exact text for scripts.
  auto json = nlohmann::json::parse(ctl({"--as", "bob", "--json", "history", "mallory"}).out);
  EXPECT_EQ(json[0]["text"], hostile_text);
}

TEST_F(chatterctl_tool, watch_prints_other_users_control_characters_escaped) {
  join("bob");
  join("mallory");
  test::child_process watch(
    {CHATTERCTL_PATH, "--bus-address", world_.bus.address(), "watch", "--for", "20"}, {}, true);
  // Its first line (a re-challenge comes every second) proves it listens.
  ASSERT_FALSE(watch.read_line().empty()) << "watch printed nothing";
  ASSERT_EQ(ctl({"--as", "mallory", "send", "bob", hostile_text}).exit_code, 0);
  std::string received, line;
  while (received.empty() && !(line = watch.read_line()).empty())
    if (line.rfind("MessageReceived bob ", 0) == 0)
      received = line + '\n';
  ASSERT_FALSE(received.empty()) << "no MessageReceived line";
  expect_inert(received, 1, "watch");
  EXPECT_NE(received.find("PWNED"), std::string::npos) << received;
  EXPECT_EQ(received.find("\n2026-01-01"), std::string::npos) << received;
}

TEST_F(chatterctl_tool, register_and_login_ask_for_the_password_on_a_terminal) {
  // script(1) (util-linux) gives chatterctl a terminal, and types for us.
  auto on_terminal = [&](const std::string& args, const std::string& typed) {
    auto command =
      std::string("'") + CHATTERCTL_PATH + "' --bus-address '" + world_.bus.address() + "' " + args;
    return test::run_command({"script", "-qec", command, "/dev/null"}, {}, typed);
  };
  auto mismatch = on_terminal("register dave", "one\ntwo\n");
  EXPECT_NE(mismatch.exit_code, 0);
  EXPECT_NE(mismatch.out.find("the two passwords differ"), std::string::npos) << mismatch.out;
  auto reg = on_terminal("register dave", "s3cret\ns3cret\n");
  ASSERT_EQ(reg.exit_code, 0) << reg.out;
  EXPECT_NE(reg.out.find("New password for dave: "), std::string::npos) << reg.out;
  EXPECT_NE(reg.out.find("The same again: "), std::string::npos) << reg.out;
  auto login = on_terminal("login dave", "s3cret\n");
  EXPECT_EQ(login.exit_code, 0) << login.out;
  EXPECT_NE(login.out.find("logged in dave"), std::string::npos) << login.out;
  EXPECT_EQ(on_terminal("login dave", "wrong\n").exit_code, 6);
}
