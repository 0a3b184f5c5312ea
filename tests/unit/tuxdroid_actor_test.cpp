// The tuxdroid actor against the fake Tux Droid server over real HTTP on
// loopback: bursts merge into a few utterances, and a slow or dead robot
// never slows the actor's answers.
#include <mutex>
#include <regex>

#include <gtest/gtest.h>

#include "eventually.hpp"
#include "fake_tux_server.hpp"
#include "member/tuxdroid/tuxdroid.hpp"

using namespace chatter;
using namespace std::chrono_literals;
using test::eventually;

namespace {

// What the D-Bus bridge would turn into ActionPerformed and properties.
struct robot_events {
  std::mutex m;
  std::vector<std::string> performed;
  std::string backend;
  bool connected = false;
  bool react_on_arrival = true;

  bool is_connected() {
    std::lock_guard<std::mutex> g(m);
    return connected;
  }
  std::string backend_now() {
    std::lock_guard<std::mutex> g(m);
    return backend;
  }
  bool reacts_on_arrival() {
    std::lock_guard<std::mutex> g(m);
    return react_on_arrival;
  }
};

// Records the robot's events and drops the rest of the event sink's traffic.
caf::behavior recording_sink(caf::event_based_actor* self, std::shared_ptr<robot_events> out) {
  self->set_default_handler(caf::drop);
  return {
    [out](performed_atom, const std::string& action, const std::string&) {
      std::lock_guard<std::mutex> g(out->m);
      out->performed.push_back(action);
    },
    [out](tuxstate_atom, const std::string& backend, bool connected, bool on_arrival, bool) {
      std::lock_guard<std::mutex> g(out->m);
      out->backend = backend;
      out->connected = connected;
      out->react_on_arrival = on_arrival;
    },
  };
}

// How many people a greeting names: "a, b and 3 others are here" is 5.
size_t people_in(const std::string& target) {
  std::smatch m;
  std::regex speech("text=([^&]*)");
  if (!std::regex_search(target, m, speech))
    return 0;
  auto text = std::regex_replace(m[1].str(), std::regex("%20"), " ");
  std::smatch others;
  if (std::regex_search(text, others, std::regex(" and ([0-9]+) others are here")))
    return 2 + std::stoul(others[1].str());
  auto names = std::regex_replace(text, std::regex(" are here| is here"), "");
  return 1 + std::count(names.begin(), names.end(), ',')
    + (names.find(" and ") != std::string::npos);
}

class tuxdroid_actor_test : public testing::Test {
protected:
  tuxdroid_actor_test() : sys_(cfg_) {}
  ~tuxdroid_actor_test() override {
    if (robot_)
      caf::anon_send_exit(robot_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(sink_, caf::exit_reason::user_shutdown);
  }

  void spawn_robot(uint16_t port) {
    tuxdroid_config config;
    config.backend.kind = "tuxhttp";
    config.backend.port = port;
    config.min_turn = 300ms;
    config.probe_interval = 1s;
    config.react_on_message = true;  // a message is the tests' marker
    sink_ = sys_.spawn(recording_sink, events_);
    config.events = caf::actor_cast<event_sink_actor>(sink_);
    robot_ = spawn_tuxdroid(sys_, config);
  }

  // The actor's answer to one request, and how long it took.
  template <class... Ts>
  std::pair<std::string, std::chrono::milliseconds> ask(Ts... xs) {
    caf::scoped_actor self{sys_};
    auto start = std::chrono::steady_clock::now();
    std::string error;
    self->request(robot_, 5s, xs...)
      .receive([](caf::ok_atom) {}, [&](const caf::error& err) { error = sys_.render(err); });
    return {error,
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now()
                                                                  - start)};
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  std::shared_ptr<robot_events> events_ = std::make_shared<robot_events>();
  caf::actor sink_;
  tuxdroid_actor robot_;
};

}  // namespace

TEST_F(tuxdroid_actor_test, a_burst_of_twenty_arrivals_is_a_few_utterances_naming_everyone) {
  test::fake_tux_server robot;
  spawn_robot(robot.port());
  ASSERT_TRUE(eventually([&] { return events_->is_connected(); }));
  for (int i = 0; i < 20; ++i) {
    caf::anon_send(robot_, arrived_atom_v, std::string("alice"), "user" + std::to_string(i),
                   "user" + std::to_string(i));
    std::this_thread::sleep_for(10ms);  // a burst, not one instant
  }
  // The marker: a message after the burst. The to-do list greets before it
  // reads messages out, so once it is said, no greeting is still to come.
  caf::anon_send(robot_, received_atom_v, std::string("alice"),
                 message_record{"m-1", "carol", "alice", "the marker", 0, "received", {}});
  auto marker_said = [](const std::vector<std::string>& commands) {
    auto said = test::fake_tux_server::speeches(commands);
    return !said.empty() && said.back().find("the%20marker") != std::string::npos;
  };
  ASSERT_TRUE(robot.wait_for(marker_said, 10s)) << testing::PrintToString(robot.commands());
  auto said = test::fake_tux_server::speeches(robot.commands());
  said.pop_back();
  size_t people = 0;
  for (auto& s : said) {
    std::cout << "  robot heard: " << s << '\n';
    people += people_in(s);
  }
  EXPECT_EQ(people, 20u) << "everyone named, once";
  EXPECT_LE(said.size(), 3u);
  EXPECT_TRUE(robot.refused().empty()) << testing::PrintToString(robot.refused());
}

TEST_F(tuxdroid_actor_test, a_slow_robot_never_delays_an_answer) {
  test::fake_tux_server robot;
  spawn_robot(robot.port());
  ASSERT_TRUE(eventually([&] { return events_->is_connected(); }));
  robot.set_delay(800ms);  // under the backend's timeout: slow, not dead
  for (int i = 0; i < 3; ++i) {
    auto [error, took] = ask(speak_atom_v, "sentence " + std::to_string(i));
    EXPECT_EQ(error, "");
    EXPECT_LT(took, 500ms) << "a request waited on the robot";
  }
  auto [error, took] = ask(perform_atom_v, std::string("wave"));
  EXPECT_EQ(error, "");
  EXPECT_LT(took, 500ms);
  EXPECT_TRUE(
    robot.wait_for([](auto& c) { return test::fake_tux_server::speeches(c).size() == 3; }, 15s));
}

TEST_F(tuxdroid_actor_test, a_dead_robot_reads_disconnected_and_requests_still_answer) {
  auto robot = std::make_unique<test::fake_tux_server>();
  spawn_robot(robot->port());
  ASSERT_TRUE(eventually([&] { return events_->is_connected(); }));
  robot->stop();
  // The next request finds it gone; from then on turns are dropped at once.
  auto [error, took] = ask(speak_atom_v, std::string("anyone there?"));
  EXPECT_EQ(error, "");
  EXPECT_LT(took, 500ms);
  EXPECT_TRUE(eventually([&] { return !events_->is_connected(); }, 5s));
  EXPECT_EQ(events_->backend_now(), "tuxhttp");
  for (int i = 0; i < 10; ++i) {
    auto [e, t] = ask(perform_atom_v, std::string("blink"));
    EXPECT_EQ(e, "");
    EXPECT_LT(t, 500ms);
  }
}

TEST_F(tuxdroid_actor_test, radio_off_is_disconnected_and_on_again_reconnects) {
  test::fake_tux_server robot;
  robot.set_radio(false);
  spawn_robot(robot.port());
  // A second poll reached the server: the worker had answered the first, so
  // its answer waits in the actor's mailbox ahead of the marker sent now, a
  // change of settings that the actor publishes after whatever the first
  // poll made it publish.
  ASSERT_TRUE(eventually([&] { return robot.status_requests() >= 2; }, 5s));
  caf::anon_send(robot_, react_atom_v, false, true);
  ASSERT_TRUE(eventually([&] { return !events_->reacts_on_arrival(); }));
  EXPECT_FALSE(events_->is_connected());
  robot.set_radio(true);
  EXPECT_TRUE(eventually([&] { return events_->is_connected(); }, 5s)) << "the poll found it";
}

TEST_F(tuxdroid_actor_test, unknown_actions_and_empty_speech_are_refused) {
  test::fake_tux_server robot;
  spawn_robot(robot.port());
  EXPECT_NE(ask(perform_atom_v, std::string("dance-the-tango")).first.find("valid actions"),
            std::string::npos);
  EXPECT_NE(ask(speak_atom_v, std::string("\x01\x02")).first, "");
}
