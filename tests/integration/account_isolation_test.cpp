// Each account fails alone (issue 17): a damaged account.db, a full disk, or
// a thousand logins of names nobody registered leave the other accounts and
// the daemon as they were.
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "daemon_test.hpp"
#include "helpers.hpp"

namespace chatter::test {

namespace {

namespace fs = std::filesystem;

size_t entries(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); ++it)
    ++n;
  return n;
}

class account_isolation : public daemon_test {
protected:
  fs::path accounts_dir() const {
    return world_.data_home() / "chatter" / "accounts";
  }
  fs::path proc(const std::string& what) const {
    return fs::path("/proc") / std::to_string(daemon_->pid()) / what;
  }
  // bob sends carol a message; true once carol has it.
  bool carol_hears_from_bob(const std::string& text) {
    account("bob").SendMessage("carol", text);
    return eventually(
      [&] {
        for (auto& m : account("carol").GetHistory("bob", 0, 50))
          if (m.get<3>() == text)
            return true;
        return false;
      },
      std::chrono::seconds(10));
  }
};

TEST_F(account_isolation, a_damaged_account_db_fails_that_account_alone_and_says_why) {
  start({});
  for (auto user : {"alice", "bob", "carol"})
    join(user);
  ASSERT_TRUE(carol_hears_from_bob("before"));
  daemon_->kill9();
  // alice's file: its header overwritten, as a bad sector or a stray write would.
  auto db = accounts_dir() / "alice" / "account.db";
  fs::remove(db.string() + "-wal");
  fs::remove(db.string() + "-shm");
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    std::string junk(512, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  start();
  // The State comes as an event after the object: wait for it.
  std::string state;
  EXPECT_TRUE(eventually([&] { return (state = account("alice").State()) != "ok"; }));
  EXPECT_EQ(state.rfind("failed: ", 0), 0u) << state;
  EXPECT_NE(state.find("account.db"), std::string::npos) << state;
  EXPECT_EQ(error_of([&] { account("alice").GetHistory("bob", 0, 10); }), err("StorageFailed"));
  // The others log in, send and receive.
  manager_->Login("bob", "pw-bob");
  manager_->Login("carol", "pw-carol");
  EXPECT_EQ(account("bob").State(), "ok");
  EXPECT_TRUE(carol_hears_from_bob("after alice's file broke"));
  EXPECT_EQ(manager_->ListAccounts().size(), 3u);
}

TEST_F(account_isolation, a_thousand_logins_of_unknown_names_leave_nothing_behind) {
  start({});
  join("alice");
  auto threads = entries(proc("task"));
  auto fds = entries(proc("fd"));
  auto folders = entries(accounts_dir());
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(error_of([&] { manager_->Login("ghost" + std::to_string(i), "a password"); }),
              err("NotFound"));
  auto threads_after = entries(proc("task"));
  auto fds_after = entries(proc("fd"));
  EXPECT_LE(threads_after, threads + 5) << threads << " threads before";
  EXPECT_GE(threads_after + 5, threads);
  EXPECT_LE(fds_after, fds + 5) << fds << " fds before";
  EXPECT_EQ(entries(accounts_dir()), folders);
  EXPECT_EQ(manager_->ListAccounts().size(), 1u);
}

// A real full disk: the data dir on a small tmpfs (needs root, as CI has).
TEST_F(account_isolation, a_full_disk_answers_writes_storage_failed_and_reads_go_on) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "mounting a small tmpfs needs root";
  fs::create_directories(world_.data_home());
  ASSERT_EQ(::mount("tmpfs", world_.data_home().c_str(), "tmpfs", 0, "size=24m,mode=0700"), 0);
  struct unmount {
    fs::path at;
    ~unmount() {
      ::umount2(at.c_str(), MNT_DETACH);
    }
  } on_exit{world_.data_home()};
  start({});
  join("alice");
  join("bob");
  account("bob").SendMessage("alice", "read me");
  ASSERT_TRUE(eventually([&] { return !account("alice").ListPendingMessages().empty(); },
                         std::chrono::seconds(10)));
  // Fill what is left, then write.
  auto filler = world_.data_home() / "filler";
  {
    std::ofstream out(filler, std::ios::binary);
    std::string block(1 << 16, 'x');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size())))
      ;
  }
  EXPECT_EQ(error_of([&] { account("alice").MarkRead("bob"); }), err("StorageFailed"));
  EXPECT_TRUE(eventually([&] { return account("alice").State().rfind("degraded: ", 0) == 0; }))
    << account("alice").State();
  EXPECT_EQ(account("alice").GetHistory("bob", 0, 10).size(), 1u);
  EXPECT_NO_THROW(account("alice").ListContacts());
  EXPECT_EQ(account("bob").Username(), "bob");
  fs::remove(filler);
  EXPECT_NO_THROW(account("alice").MarkRead("bob"));
  EXPECT_TRUE(eventually([&] { return account("alice").State() == "ok"; }))
    << account("alice").State();
  daemon_->terminate();
}

}  // namespace

}  // namespace chatter::test
