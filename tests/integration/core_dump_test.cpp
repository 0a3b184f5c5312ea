// What a core of a logged-in member holds: a real chatterd (on a private bus,
// with --allow-core-dumps so gcore may attach) signs up and logs in two
// accounts, answers re-challenges and carries a message; then gcore dumps it
// and the whole core is searched for each password and each ClientKey
// (computed here from the password, the salt and the KDF cost in hub.db).
// Without the flag the daemon is not dumpable: a process of the same user
// without CAP_SYS_PTRACE may not open its /proc/PID/mem.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "core/scram.hpp"
#include "helpers.hpp"
#include "member/account/identity_file.hpp"
#include "world.hpp"

using namespace chatter;
using test::eventually;
using namespace std::chrono_literals;

namespace {

// Occurrences of `needle` in a file, read through mmap (a core is large).
size_t count_in_file(const std::filesystem::path& file, const std::string& needle) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << file;
  struct stat st {};
  ::fstat(fd, &st);
  auto size = static_cast<size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  EXPECT_NE(map, MAP_FAILED);
  size_t found = 0;
  auto* at = static_cast<const char*>(map);
  auto* end = at + size;
  while (at < end) {
    auto* hit = static_cast<const char*>(
      ::memmem(at, static_cast<size_t>(end - at), needle.data(), needle.size()));
    if (!hit)
      break;
    ++found;
    at = hit + 1;
  }
  ::munmap(map, size);
  return found;
}

std::string as_text(const std::vector<uint8_t>& b) {
  return std::string(b.begin(), b.end());
}

// The ClientKey the daemon derived for `user`, from its row in hub.db.
std::string client_key_of(const test::world& world, const std::string& user,
                          const std::string& password) {
  SQLite::Database db(world.hub_database().string(), SQLite::OPEN_READONLY);
  SQLite::Statement cred(db,
                         "SELECT salt, memory_kib, iterations, parallelism, stored_key "
                         "FROM credentials WHERE username = ?");
  cred.bind(1, user);
  EXPECT_TRUE(cred.executeStep()) << user;
  auto blob = [](const SQLite::Column& c) {
    auto p = static_cast<const uint8_t*>(c.getBlob());
    return bytes(p, p + c.getBytes());
  };
  kdf_params kdf{static_cast<uint32_t>(cred.getColumn(1).getInt()),
                 static_cast<uint32_t>(cred.getColumn(2).getInt()),
                 static_cast<uint32_t>(cred.getColumn(3).getInt())};
  auto keys = scram::derive(password, blob(cred.getColumn(0)), kdf);
  // The right row and the right key: its hash is the verifier the hub keeps.
  EXPECT_EQ(as_text(blob(cred.getColumn(4))),
            as_text({keys.stored_key.begin(), keys.stored_key.end()}))
    << user;
  return as_text({keys.client_key.begin(), keys.client_key.end()});
}

}  // namespace

TEST(core_dump, gcore_of_a_logged_in_member_holds_neither_password_nor_client_key) {
#if defined(__SANITIZE_ADDRESS__)
  // ASan maps terabytes of shadow memory into chatterd; gcore would write it
  // all out. The plain build (./scripts/dev test) runs this test.
  GTEST_SKIP() << "gcore cannot dump an AddressSanitizer process in reasonable time";
#endif
  test::world world;
  auto daemon = world.start_daemon({"--allow-core-dumps", "--rechallenge-interval", "1"});
  // One long password (on the heap in a std::string) and one short (inline).
  const std::map<std::string, std::string> passwords{{"alice", "gcore-Tr0ub4dor&3-alice-pw"},
                                                     {"bob", "b0b-short-pw"}};
  auto conn = world.bus.connect();
  client::manager_client manager(*conn);
  for (auto& [user, password] : passwords) {
    manager.Register(user, password, {});
    manager.Login(user, password);
  }
  client::account_client alice(*conn, client::account_path("alice"));
  client::account_client bob(*conn, client::account_path("bob"));
  ASSERT_TRUE(eventually([&] { return alice.Authenticated() && bob.Authenticated(); }));
  alice.SendMessage("bob", "before the core");
  ASSERT_TRUE(eventually([&] { return bob.GetHistory("alice", 0, 10).size() == 1; }));
  auto before = alice.LastReauthentication();
  ASSERT_TRUE(eventually([&] { return alice.LastReauthentication() > before; }, 5s))
    << "a re-challenge should have come and gone";

  auto core_base = world.dir.path() / "core";
  auto dumped =
    test::run_command({"gcore", "-o", core_base.string(), std::to_string(daemon->pid())});
  auto core = std::filesystem::path(core_base.string() + "." + std::to_string(daemon->pid()));
  ASSERT_TRUE(std::filesystem::exists(core)) << dumped.out << dumped.err;
  EXPECT_TRUE(alice.Authenticated()) << "still logged in after the dump";

  for (auto& [user, password] : passwords) {
    auto folder = world.data_home() / "chatter" / "accounts" / user;
    auto pub = load_identity_file(folder.string())->identity.signing_key;
    ASSERT_GT(count_in_file(core, as_text(pub)), 0u)
      << "the core should hold " << user << "'s public key: is it a core of the daemon?";
    EXPECT_EQ(count_in_file(core, password), 0u) << user << "'s password is in the core";
    EXPECT_EQ(count_in_file(core, client_key_of(world, user, password)), 0u)
      << user << "'s ClientKey is in the core";
  }
  std::filesystem::remove(core);
}

TEST(core_dump, chatterd_is_not_dumpable_without_allow_core_dumps) {
  test::world world;
  // The daemon and the reader both without CAP_SYS_PTRACE, as a user's own
  // processes are: then only a dumpable daemon lets the reader open its
  // memory (what gdb and gcore do). Root with the capability reads either.
  const std::vector<std::string> no_ptrace_cap{"/usr/bin/setpriv", "--bounding-set", "-sys_ptrace",
                                               "--inh-caps", "-sys_ptrace"};
  world.launcher = no_ptrace_cap;
  auto open_memory = [&](pid_t pid) {
    auto argv = no_ptrace_cap;
    argv.insert(argv.end(), {"dd", "if=/proc/" + std::to_string(pid) + "/mem", "bs=1", "count=0"});
    return test::run_command(argv);
  };
  {
    auto dumpable = world.start_daemon({"--allow-core-dumps"});
    auto opened = open_memory(dumpable->pid());
    EXPECT_EQ(opened.exit_code, 0)
      << "the check itself should open a dumpable daemon's memory: " << opened.err;
    dumpable->terminate();
  }
  auto daemon = world.start_daemon();
  auto opened = open_memory(daemon->pid());
  EXPECT_NE(opened.exit_code, 0) << "chatterd's memory should not open without the flag";
  EXPECT_NE(opened.err.find("Permission denied"), std::string::npos) << opened.err;
}
