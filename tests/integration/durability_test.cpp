// An envelope the hub acknowledged is in its file, even when the hub dies
// the instant after the acknowledgement. The hub's file writes are held up
// (strace delays every pwrite64, the call SQLite writes its WAL with), so a
// hub that answered before its commit had written would lose the envelope
// to a kill -9 sent from the very callback that sees the answer. A kill -9
// cannot lose what reached the page cache, so the sync itself is checked
// elsewhere: unit.store_file's PRAGMA synchronous, and the sync count of
// docs/benchmarks.md.
#include <csignal>
#include <fstream>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "helpers.hpp"
#include "member_host.hpp"
#include "process.hpp"
#include "world.hpp"

using namespace chatter;
using test::eventually;
using namespace std::chrono_literals;

namespace {

size_t count_lines_with(const std::filesystem::path& file, const std::string& needle) {
  std::ifstream in(file);
  size_t n = 0;
  for (std::string line; std::getline(in, line);)
    n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

size_t envelopes_from(const std::filesystem::path& hub_db, const std::string& sender,
                      const std::set<std::string>& ids) {
  SQLite::Database db(hub_db.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT id FROM mailbox WHERE sender = ?");
  q.bind(1, sender);
  size_t found = 0;
  while (q.executeStep())
    found += ids.count(q.getColumn(0).getString());
  return found;
}

}  // namespace

TEST(durability, an_envelope_the_hub_acknowledged_survives_kill9_right_after_the_ack) {
  test::world hub_world;
  auto hub = hub_world.start_daemon({"--listen", "127.0.0.1:0", "--allow-core-dumps"});
  auto port = test::printed_hub_port(hub->log_file());
  ASSERT_NE(port, 0) << test::read_file(hub->log_file());
  test::member_host alice, bob;
  ASSERT_TRUE(bob.start(test::hub_args("127.0.0.1", port)));
  bob.join("bob");
  bob.daemon->kill9();  // bob is away: what alice sends waits at the hub
  ASSERT_TRUE(alice.start(test::hub_args("127.0.0.1", port)));
  alice.join("alice");

  // From here on each of the hub's file writes waits 300 ms.
  auto trace_log = hub_world.dir.path() / "strace.log";
  auto trace_err = hub_world.dir.path() / "strace.err";
  test::child_process strace({"/usr/bin/strace", "-f", "-e", "trace=pwrite64", "-e",
                              "inject=pwrite64:delay_enter=300000", "-p",
                              std::to_string(hub->pid()), "-o", trace_log.string()},
                             {}, false, trace_err.string());
  // "Process N attached with M threads", once it holds every thread.
  ASSERT_TRUE(eventually([&] { return count_lines_with(trace_err, "attached") > 0; }, 10s))
    << test::read_file(trace_err);

  std::mutex m;
  std::set<std::string> acknowledged;
  const pid_t hub_pid = hub->pid();
  alice.account->on_message_state_changed = [&](const std::string& id, const std::string&,
                                                const std::string& state) {
    if (state != "sent")
      return;
    ::kill(hub_pid, SIGKILL);  // the instant the hub's "ok" is seen
    std::lock_guard lock(m);
    acknowledged.insert(id);
  };
  alice.conn->enterEventLoopAsync();
  std::set<std::string> sent;
  for (int i = 0; i < 5; ++i)
    sent.insert(alice.account->SendMessage("bob", "kept " + std::to_string(i)));
  ASSERT_TRUE(eventually(
    [&] {
      std::lock_guard lock(m);
      return !acknowledged.empty();
    },
    30s))
    << test::read_file(hub->log_file());
  alice.conn->leaveEventLoop();
  hub->kill9();  // reaps it (killed already): strace ends with it
  strace.stop(SIGTERM);

  ASSERT_GT(count_lines_with(trace_log, "pwrite64"), 0u)
    << "strace held up no write: the test proves nothing";
  std::lock_guard lock(m);
  EXPECT_EQ(envelopes_from(hub_world.hub_database(), "alice", acknowledged), acknowledged.size())
    << "an envelope the hub acknowledged is not in its file";
}
