// Storage that notices (issue 17, point 8): a damaged hub.db stops the
// start, or answers StorageFailed, never "wrong password"; a WAL deleted
// under the daemon stops its writes and loses nothing it acknowledged; one
// chatterd per data folder; start-up failures and SIGTERM while starting end
// the process within 1 s; --data-dir leaves an existing folder's mode alone.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client_proxies.hpp"
#include "daemon_test.hpp"
#include "damage.hpp"
#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;
using test::err;
using test::error_of;
namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace {

// Issue 17: "Losing the name on the bus, or any start-up failure, exits in
// under 1 s".
constexpr auto exit_bound = std::chrono::seconds(1);

// chatterd run to its end on `bus`, with its data under `data_home`, timed.
struct finished_run {
  test::command_result result;
  steady::duration took;
};

finished_run run_chatterd(const std::string& bus, const fs::path& data_home,
                          std::vector<std::string> args = {}) {
  std::vector<std::string> argv{CHATTERD_PATH, "--bus-address", bus, "--log-level", "info"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto start = steady::now();
  auto result = test::run_command(
    argv,
    {{"XDG_DATA_HOME", data_home.string()}, {"XDG_CONFIG_HOME", (data_home / "config").string()}});
  return {result, steady::now() - start};
}

}  // namespace

class storage : public test::daemon_test {};

TEST_F(storage, a_damaged_hub_db_stops_the_start_naming_the_file_and_the_recover_step) {
  start();
  manager_->Register("alice", "pw-alice", {});
  daemon_->terminate();
  test::damage_table(world_.hub_database(), "credentials");
  auto run = run_chatterd(world_.bus.address(), world_.data_home());
  EXPECT_NE(run.result.exit_code, 0);
  auto db = world_.hub_database().string();
  EXPECT_NE(run.result.err.find(db + " is damaged"), std::string::npos) << run.result.err;
  EXPECT_NE(run.result.err.find("sqlite3 " + db + " .recover"), std::string::npos)
    << run.result.err;
  EXPECT_LT(run.took, exit_bound) << run.result.err;
}

TEST_F(storage, damaged_credentials_answer_storage_failed_and_lock_nobody_out) {
  start();
  manager_->Register("alice", "pw-alice", {});
  auto saved = test::damage_table(world_.hub_database(), "credentials");
  test::touch_hub_wal(world_.hub_database());
  // More tries than the lockout lets through (5): none is a wrong password.
  for (int i = 0; i < 7; ++i) {
    try {
      manager_->Login("alice", "not-the-password");
      ADD_FAILURE() << "a login on damaged credentials succeeded";
    } catch (const sdbus::Error& e) {
      EXPECT_EQ(e.getName(), err("StorageFailed")) << e.getMessage();
      EXPECT_NE(e.getMessage().find("hub.db is damaged"), std::string::npos) << e.getMessage();
    }
  }
  test::restore_pages(world_.hub_database(), saved);
  test::touch_hub_wal(world_.hub_database());
  EXPECT_EQ(error_of([&] { manager_->Login("alice", "pw-alice"); }), "")
    << test::read_file(daemon_->log_file());
}

TEST_F(storage, a_deleted_wal_refuses_writes_and_loses_nothing_acknowledged) {
  start();
  join("alice");
  join("bob");
  fs::remove(fs::path(world_.hub_database().string() + "-wal"));
  try {
    manager_->Register("carol", "pw-carol", {});
    ADD_FAILURE() << "a signup was written after the WAL was deleted";
  } catch (const sdbus::Error& e) {
    EXPECT_EQ(e.getName(), err("StorageFailed")) << e.getMessage();
    EXPECT_NE(e.getMessage().find("hub.db-wal was removed"), std::string::npos) << e.getMessage();
  }
  EXPECT_NE(test::read_file(daemon_->log_file()).find("hub.db-wal was removed"), std::string::npos);
  // kill -9: the deleted WAL goes with the process; what the hub had
  // acknowledged must be in hub.db itself.
  restart();
  EXPECT_EQ(error_of([&] { manager_->Login("alice", "pw-alice"); }), "");
  EXPECT_EQ(error_of([&] { manager_->Login("bob", "pw-bob"); }), "");
}

TEST(startup, a_second_chatterd_on_the_same_data_dir_names_the_first_pid_and_exits) {
  test::world world;
  auto first = world.start_daemon();
  // Another bus: it is the data folder that is taken, not the name.
  test::private_bus other_bus;
  auto run = run_chatterd(other_bus.address(), world.data_home());
  EXPECT_NE(run.result.exit_code, 0);
  EXPECT_NE(run.result.err.find("another chatterd (PID " + std::to_string(first->pid()) + ")"),
            std::string::npos)
    << run.result.err;
  EXPECT_NE(run.result.err.find((world.data_home() / "chatter").string()), std::string::npos)
    << run.result.err;
  EXPECT_LT(run.took, exit_bound);
}

TEST(startup, a_second_chatterd_on_the_same_bus_exits_within_a_second_saying_the_name_is_taken) {
  test::world world;
  auto first = world.start_daemon();
  test::temp_dir other_data;
  auto run = run_chatterd(world.bus.address(), other_data.path());
  EXPECT_NE(run.result.exit_code, 0);
  EXPECT_NE(run.result.err.find("already owns org.chatter.Chatter1"), std::string::npos)
    << run.result.err;
  EXPECT_LT(run.took, exit_bound) << run.result.err;
}

// A "bus" that takes the connection and never answers: chatterd hangs in
// its start-up (sd-bus waits 25 s for Hello), where SIGTERM must still work.
TEST(startup, sigterm_while_starting_ends_it_within_a_second) {
  test::temp_dir dir;
  auto socket_path = dir.path() / "mute.socket";
  int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", socket_path.c_str());
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  test::child_process daemon({CHATTERD_PATH, "--bus-address", "unix:path=" + socket_path.string()},
                             {{"XDG_DATA_HOME", (dir.path() / "data").string()},
                              {"XDG_CONFIG_HOME", (dir.path() / "config").string()}},
                             false, (dir.path() / "chatterd.log").string());
  // Accepted: chatterd is past its first steps and waiting for the bus.
  int conn = ::accept(listener, nullptr, nullptr);
  ASSERT_GE(conn, 0);
  auto start = steady::now();
  int status = daemon.stop(SIGTERM);
  auto took = steady::now() - start;
  EXPECT_LT(took, exit_bound) << test::read_file(dir.path() / "chatterd.log");
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
  ::close(conn);
  ::close(listener);
}

TEST(startup, data_dir_keeps_an_existing_folders_mode_and_creates_a_missing_one_0700) {
  test::world world;
  auto shared = world.dir.path() / "shared";
  fs::create_directory(shared);
  ::chmod(shared.c_str(), 01777);
  auto daemon = world.start_daemon({"--data-dir", shared.string()});
  struct stat st {};
  ASSERT_EQ(::stat(shared.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
  daemon->terminate();
  auto fresh = world.dir.path() / "fresh" / "chatter";
  daemon = world.start_daemon({"--data-dir", fresh.string()});
  ASSERT_EQ(::stat(fresh.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST(startup, a_world_writable_data_dir_without_the_sticky_bit_is_refused) {
  test::world world;
  auto open_dir = world.dir.path() / "open";
  fs::create_directory(open_dir);
  ::chmod(open_dir.c_str(), 0777);
  auto run =
    run_chatterd(world.bus.address(), world.data_home(), {"--data-dir", open_dir.string()});
  EXPECT_NE(run.result.exit_code, 0);
  EXPECT_NE(run.result.err.find(open_dir.string()
                                + " is writable by every user and has no "
                                  "sticky bit"),
            std::string::npos)
    << run.result.err;
  struct stat st {};
  ASSERT_EQ(::stat(open_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0777u);
}

// The bus goes away (and the name with it) under a running chatterd.
TEST(startup, losing_the_bus_and_its_name_ends_chatterd_within_a_second) {
  test::temp_dir dir;
  test::child_process bus({"/usr/bin/dbus-daemon", "--session", "--nofork", "--print-address=1",
                           "--address=unix:path=" + (dir.path() / "bus.socket").string()},
                          {}, true);
  auto address = bus.read_line();
  ASSERT_FALSE(address.empty());
  auto log = dir.path() / "chatterd.log";
  test::child_process daemon({CHATTERD_PATH, "--bus-address", address},
                             {{"XDG_DATA_HOME", (dir.path() / "data").string()},
                              {"XDG_CONFIG_HOME", (dir.path() / "config").string()}},
                             false, log.string());
  ASSERT_TRUE(test::eventually(
    [&] { return test::read_file(log).find("serving org.chatter.Chatter1") != std::string::npos; },
    std::chrono::seconds(10)))
    << test::read_file(log);
  bus.stop(SIGKILL);
  auto start = steady::now();
  EXPECT_TRUE(test::eventually([&] { return !daemon.running(); }, std::chrono::seconds(5)));
  EXPECT_LT(steady::now() - start, exit_bound) << test::read_file(log);
  EXPECT_NE(test::read_file(log).find("lost the connection to the D-Bus bus"), std::string::npos)
    << test::read_file(log);
}
