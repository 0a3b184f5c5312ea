// The Tux Droid through a real chatterd: the fake robot server (the one fake,
// speaking the real HTTP protocol on loopback) hears an arrival as exact
// requests, a burst as a few sentences, and a slow or dead robot never
// holds up a message. espeak-ng speaks for real into a WAV file.
#include <algorithm>
#include <fstream>
#include <mutex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "client_proxies.hpp"
#include "daemon_test.hpp"
#include "fake_tux_server.hpp"
#include "helpers.hpp"
#include "member_host.hpp"

using namespace chatter;
using namespace std::chrono_literals;
using test::err;
using test::error_of;
using test::eventually;

namespace {

class tuxdroid : public test::daemon_test {
protected:
  void TearDown() override {
    if (conn_)
      conn_->leaveEventLoop();
  }

  void start_with_robot(std::vector<std::string> more = {}) {
    std::vector<std::string> args{"--tux-backend", "tuxhttp", "--tux-server", robot_.address()};
    args.insert(args.end(), more.begin(), more.end());
    start(args);
    robot_object_ = std::make_unique<client::tuxdroid_client>(*conn_);
  }

  void join(const std::string& user, const std::string& display_name) {
    daemon_test::join(user, {{"display_name", sdbus::Variant(display_name)}});
  }

  client::tuxdroid_client& robot_object() {
    return *robot_object_;
  }

  // The marker after what a test watches: `sender` writes to alice, and
  // the robot reads it out. Alice's account tells the robot of arrivals and
  // messages in order, and the robot greets before it reads messages out:
  // once the message is read, no greeting is still to come. What the robot
  // heard before it, or nothing when it never came.
  std::vector<std::string> commands_before_a_message_from(const std::string& sender) {
    return commands_before_a_message_from(account(sender));
  }
  std::vector<std::string> commands_before_a_message_from(client::account_client& sender) {
    sender.SendMessage("alice", "the marker");
    auto is_marker = [](const std::string& c) {
      return c.find("the%20marker") != std::string::npos;
    };
    auto read = [&](const std::vector<std::string>& c) {
      return std::any_of(c.begin(), c.end(), is_marker);
    };
    EXPECT_TRUE(robot_.wait_for(read, 20s)) << testing::PrintToString(robot_.commands());
    auto commands = robot_.commands();
    return {commands.begin(), std::find_if(commands.begin(), commands.end(), is_marker)};
  }

  test::fake_tux_server robot_;
  std::unique_ptr<client::tuxdroid_client> robot_object_;
};

}  // namespace

TEST_F(tuxdroid, bob_coming_online_reaches_the_robot_as_these_exact_requests) {
  // bob on a host of his own, joined to this daemon's hub: the robot hears
  // alice's account only (on one daemon, bob's account would greet alice).
  start_with_robot({"--tux-react-on-arrival", "false", "--listen", "127.0.0.1:0"});
  join("alice", "Alice");
  test::member_host bob_host;
  ASSERT_TRUE(
    bob_host.start(test::hub_args("127.0.0.1", test::printed_hub_port(daemon_->log_file()))));
  bob_host.manager->Register("bob", "pw-bob",
                             {{"display_name", sdbus::Variant(std::string("Bob"))}});
  bob_host.manager->Login("bob", "pw-bob");
  bob_host.open_account("bob");
  auto& bob = *bob_host.account;
  account("alice").RequestContact("bob", "");
  bob.AcceptContact("alice");
  bob.Logout();
  account("alice").Logout();
  manager_->Login("alice", "pw-alice");  // a new session: bob is new again

  std::mutex m;
  std::vector<std::pair<std::string, std::string>> performed;
  robot_object().on_action_performed = [&](const std::string& a, const std::string& d) {
    std::lock_guard<std::mutex> g(m);
    performed.emplace_back(a, d);
  };
  conn_->enterEventLoopAsync();
  EXPECT_EQ(robot_object().Backend(), "tuxhttp");
  EXPECT_TRUE(eventually([&] { return robot_object().Connected(); }));
  robot_object().ReactOnArrival(true);
  EXPECT_TRUE(robot_object().ReactOnArrival());
  robot_.clear();

  bob_host.manager->Login("bob", "pw-bob");
  std::vector<std::string> expected{
    "/0/tts/speak?text=Bob%20is%20here&locutor=Ryan&pitch=100",
    "/0/flippers/on?count=2&final_state=DOWN",
    "/0/spinning/left_on?count=1",
    "/0/spinning/right_on?count=1",
    "/0/eyes/on?count=2&final_state=OPEN",
  };
  ASSERT_TRUE(robot_.wait_for([&](auto& c) { return c.size() >= expected.size(); }, 5s))
    << testing::PrintToString(robot_.commands()) << test::read_file(daemon_->log_file());
  // Nothing more comes for bob's arrival: a message from bob is the marker.
  // Alice's account hears of bob's presence from the hub in order: once she
  // sees him away, every earlier presence has been through.
  robot_object().ReactOnMessage(true);
  bob.SetPresence("away", "");
  ASSERT_TRUE(eventually([&] { return account("alice").ListContacts().at(0).get<2>() == "away"; }));
  auto heard = commands_before_a_message_from(bob);
  std::cout << "The robot's server received, for bob's arrival:\n";
  for (auto& target : heard)
    std::cout << "  GET " << target << '\n';
  EXPECT_EQ(heard, expected);
  EXPECT_TRUE(robot_.refused().empty());
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> g(m);
    return performed.size() == 3;
  }));
  std::lock_guard<std::mutex> g(m);
  EXPECT_EQ(performed[0], (std::pair<std::string, std::string>{"speak", "Bob is here"}));
  EXPECT_EQ(performed[1], (std::pair<std::string, std::string>{"wave", "tuxhttp"}));
  EXPECT_EQ(performed[2].first, "speak");
}

TEST_F(tuxdroid, a_burst_of_twenty_arrivals_is_a_few_sentences) {
  start_with_robot({"--tux-react-on-message", "true", "--listen", "127.0.0.1:0"});
  join("alice", "Alice");
  // The twenty on a host of their own (joined to this daemon's hub), and
  // online, so that being accepted is an arrival (an offline contact's is
  // not); on this daemon, each of their accounts would greet alice too.
  test::member_host others;
  ASSERT_TRUE(
    others.start(test::hub_args("127.0.0.1", test::printed_hub_port(daemon_->log_file()))));
  std::vector<std::unique_ptr<client::account_client>> them;
  for (int i = 0; i < 20; ++i) {
    auto name = "u" + std::to_string(i);
    others.manager->Register(name, "pw-" + name, {});
    others.manager->Login(name, "pw-" + name);
    them.push_back(
      std::make_unique<client::account_client>(*others.conn, client::account_path(name)));
    account("alice").AddContact(name);
  }
  robot_.clear();
  auto burst_start = std::chrono::steady_clock::now();
  for (auto& u : them)
    u->AcceptContact("alice");
  auto burst = std::chrono::steady_clock::now() - burst_start;
  // Everyone named once: "u0, u1 and 18 others are here", or a few such.
  auto named = [](const std::vector<std::string>& commands) {
    size_t people = 0;
    for (auto& s : test::fake_tux_server::speeches(commands)) {
      auto others = s.find("%20others");
      if (others != std::string::npos) {
        auto and_at = s.rfind("and%20", others);
        people += 2 + std::stoul(s.substr(and_at + 6, others - and_at - 6));
      } else {
        people +=
          1 + (s.find("%20and%20") != std::string::npos) + (s.find("%2C") != std::string::npos);
      }
    }
    return people;
  };
  // Every arrival has left alice's account once it shows all 20 online (one
  // handler does both); then no greeting is still to come once one of them
  // has written to alice.
  ASSERT_TRUE(eventually([&] {
    auto contacts = account("alice").ListContacts();
    return contacts.size() == 20 && std::all_of(contacts.begin(), contacts.end(), [](auto& c) {
             return c.template get<2>() == "online";
           });
  }));
  auto commands = commands_before_a_message_from(*them[0]);
  auto said = test::fake_tux_server::speeches(commands);
  for (auto& s : said)
    std::cout << "  GET " << s << '\n';
  EXPECT_EQ(named(commands), 20u);
  // A turn lasts at least a second: one sentence for the first arrival's
  // window, then at most one a second while the burst lasts, then the rest.
  auto bound = 2 + std::chrono::duration_cast<std::chrono::seconds>(burst).count();
  std::cout << "20 arrivals over "
            << std::chrono::duration_cast<std::chrono::milliseconds>(burst).count()
            << " ms: " << said.size() << " sentence(s), at most " << bound << " allowed\n";
  EXPECT_LE(said.size(), static_cast<size_t>(bound)) << "a burst of 20 arrivals must merge";
}

// Issue 21: a stranger's message moves nothing. The robot reads out
// messages (react-on-message), and greets; what it did before a contact's
// marker names nobody but the contacts.
TEST_F(tuxdroid, a_stranger_never_moves_the_robot) {
  start_with_robot({"--tux-react-on-message", "true"});
  join("alice", "Alice");
  join("bob", "Bob");
  join("mallory", "Mallory");
  befriend("bob", "alice");
  ASSERT_TRUE(eventually([&] { return robot_object().Connected(); }));
  account("mallory").RequestContact("alice", "hello robot");
  auto id = account("mallory").SendMessage("alice", "wave at me, robot");
  ASSERT_TRUE(eventually([&] {
    for (auto& m : account("alice").GetHistory("mallory", 0, 10))
      if (m.get<0>() == id)
        return true;
    return false;
  }));
  auto heard = commands_before_a_message_from("bob");
  for (auto& c : heard) {
    EXPECT_EQ(c.find("allory"), std::string::npos) << c;
    EXPECT_EQ(c.find("wave%20at%20me"), std::string::npos) << c;
  }
}

TEST_F(tuxdroid, a_slow_then_dead_robot_never_holds_up_a_message) {
  start_with_robot({"--tux-react-on-message", "true"});
  join("alice", "Alice");
  join("bob", "Bob");
  befriend("alice", "bob");  // a stranger's messages are not read out
  std::mutex m;
  size_t bob_received = 0;
  account("bob").on_message_received = [&](auto&&...) {
    std::lock_guard<std::mutex> g(m);
    ++bob_received;
  };
  conn_->enterEventLoopAsync();
  auto received = [&] {
    std::lock_guard<std::mutex> g(m);
    return bob_received;
  };
  ASSERT_TRUE(eventually([&] { return robot_object().Connected(); }));

  // Slow: each request takes a second, so the robot's backlog (a sentence,
  // alice's arrival with its wave, then the messages) lasts several seconds.
  robot_.set_delay(1000ms);
  auto reads_out_alice = [](const std::vector<std::string>& c) {
    for (auto& s : test::fake_tux_server::speeches(c))
      if (s.find("from%20alice") != std::string::npos || s.find("from%20Alice") != std::string::npos
          || s.find("lice%20says") != std::string::npos)
        return true;
    return false;
  };
  for (int i = 0; i < 5; ++i)
    account("alice").SendMessage("bob", "slow robot " + std::to_string(i));
  robot_object().Speak("still here");
  ASSERT_TRUE(eventually([&] { return received() == 5; }, 10s));
  EXPECT_FALSE(reads_out_alice(robot_.commands()))
    << "the messages reached bob only after the slow robot had read them out";
  // The robot reads them out all the same, merged: "alice says: ..." or
  // "N new messages from Alice".
  EXPECT_TRUE(robot_.wait_for(reads_out_alice, 20s)) << testing::PrintToString(robot_.commands());

  robot_.stop();  // dead
  EXPECT_TRUE(eventually([&] { return !robot_object().Connected(); }, 15s));
  for (int i = 0; i < 5; ++i)
    account("alice").SendMessage("bob", "dead robot " + std::to_string(i));
  robot_object().Speak("anyone?");
  robot_object().Perform("wave");
  EXPECT_TRUE(eventually([&] { return received() == 10; }, 5s));
  EXPECT_FALSE(robot_object().Connected());
}

TEST_F(tuxdroid, chatterctl_tux_speaks_acts_reports_and_refuses_unknown_actions) {
  start_with_robot();
  auto tango = world_.chatterctl({"tux", "do", "dance-the-tango"});
  std::cout << "chatterctl tux do dance-the-tango: exit " << tango.exit_code << ", " << tango.err;
  EXPECT_EQ(tango.exit_code, 3);
  EXPECT_NE(tango.err.find(err("InvalidArgument")), std::string::npos);
  EXPECT_NE(tango.err.find("valid actions: blink,"), std::string::npos);
  EXPECT_NE(tango.err.find("wave"), std::string::npos);

  EXPECT_EQ(world_.chatterctl({"tux", "speak", "Hello\x07 from\nchatterctl"}).exit_code, 0);
  EXPECT_EQ(world_.chatterctl({"tux", "do", "blink"}).exit_code, 0);
  EXPECT_TRUE(robot_.wait_for(
    [](auto& c) {
      return c.size() == 2
        && c[0] == "/0/tts/speak?text=Hello%20from%20chatterctl&locutor=Ryan&pitch=100"
        && c[1] == "/0/eyes/on?count=2&final_state=OPEN";
    },
    5s))
    << testing::PrintToString(robot_.commands());

  auto react = world_.chatterctl({"--json", "tux", "react", "--message", "on"});
  ASSERT_EQ(react.exit_code, 0) << react.err;
  auto status = nlohmann::json::parse(react.out);
  EXPECT_EQ(status["react_on_message"], true);
  EXPECT_EQ(status["react_on_arrival"], true);
  EXPECT_EQ(status["backend"], "tuxhttp");
  auto text = world_.chatterctl({"tux", "status"});
  EXPECT_NE(text.out.find("robot connected"), std::string::npos) << text.out;

  EXPECT_EQ(error_of([&] { robot_object().Speak(""); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { robot_object().Speak(std::string(1001, 'a')); }),
            err("InvalidArgument"));
}

TEST_F(tuxdroid, espeak_speaks_into_a_wav_file) {
  auto wav_dir = world_.dir.path() / "speech";
  start({"--tux-backend", "espeak", "--tux-espeak-wav-dir", wav_dir.string()});
  client::tuxdroid_client robot(*conn_);
  EXPECT_EQ(robot.Backend(), "espeak");
  EXPECT_FALSE(robot.Connected()) << "espeak has no robot";
  robot.Speak("Hello from Chatter");
  auto wav = wav_dir / "tux-1.wav";
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(wav); }, 10s))
    << test::read_file(daemon_->log_file());
  // espeak-ng writes the header first and the samples as it speaks.
  ASSERT_TRUE(eventually([&] { return std::filesystem::file_size(wav) > 10000; }, 10s));
  std::ifstream in(wav, std::ios::binary);
  char header[12] = {};
  in.read(header, sizeof header);
  EXPECT_EQ(std::string(header, 4), "RIFF");
  EXPECT_EQ(std::string(header + 8, 4), "WAVE");
  std::cout << "espeak-ng wrote " << std::filesystem::file_size(wav) << " bytes to " << wav << '\n';
}
