#include "cluster/shard_transfer.hpp"

#include <filesystem>
#include <fstream>
#include <random>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/hub_store.hpp"

namespace chatter::cluster {

namespace {

// Parents before children, for the foreign keys.
struct moved_table {
  const char* name;
  const char* user_column;
};
constexpr moved_table moved_tables[] = {
  {"users", "username"},          {"credentials", "username"},
  {"public_keys", "username"},    {"signed_prekeys", "username"},
  {"one_time_prekeys", "username"}, {"mailbox", "recipient"},
};

std::string scratch_path(const std::string& database_path, const char* what) {
  std::random_device rd;
  auto dir = std::filesystem::path(database_path).parent_path();
  return (dir / (std::string(what) + "-" + std::to_string(rd()) + ".db")).string();
}

std::unique_ptr<SQLite::Database> open_hub(const std::string& path) {
  // Through hub_store once, so the schema is current before we copy rows.
  { store::hub_store probe{path}; }
  // CREATE too: ATTACH creates the snapshot file with these flags.
  auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db->exec("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;");
  return db;
}

} // namespace

std::vector<std::string> list_users(const std::string& database_path) {
  auto db = open_hub(database_path);
  SQLite::Statement q(*db, "SELECT username FROM users");
  std::vector<std::string> out;
  while (q.executeStep())
    out.push_back(q.getColumn(0).getString());
  return out;
}

bytes export_users(const std::string& database_path, const std::vector<std::string>& users) {
  auto path = scratch_path(database_path, "export");
  {
    auto db = open_hub(database_path);
    SQLite::Statement attach(*db, "ATTACH DATABASE ? AS snapshot");
    attach.bind(1, path);
    attach.exec();
    SQLite::Transaction tx(*db);  // one consistent read of every table
    db->exec("CREATE TABLE snapshot.moving (name TEXT PRIMARY KEY)");
    SQLite::Statement add(*db, "INSERT INTO snapshot.moving VALUES (?)");
    for (auto& u : users) {
      add.bind(1, u);
      add.exec();
      add.reset();
    }
    for (auto& t : moved_tables)
      db->exec(std::string("CREATE TABLE snapshot.") + t.name + " AS SELECT * FROM main."
               + t.name + " WHERE " + t.user_column + " IN (SELECT name FROM snapshot.moving)");
    tx.commit();
    db->exec("DETACH DATABASE snapshot");
  }
  std::ifstream in(path, std::ios::binary);
  bytes out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  return out;
}

size_t import_users(const std::string& database_path, const bytes& snapshot) {
  auto path = scratch_path(database_path, "import");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(snapshot.data()),
              static_cast<std::streamsize>(snapshot.size()));
  }
  size_t count = 0;
  try {
    auto db = open_hub(database_path);
    SQLite::Statement attach(*db, "ATTACH DATABASE ? AS snapshot");
    attach.bind(1, path);
    attach.exec();
    {
      SQLite::Transaction tx(*db);
      for (auto& t : moved_tables)
        db->exec(std::string("INSERT OR IGNORE INTO main.") + t.name
                 + " SELECT * FROM snapshot." + t.name);
      SQLite::Statement n(*db, "SELECT count(*) FROM snapshot.moving");
      n.executeStep();
      count = static_cast<size_t>(n.getColumn(0).getInt64());
      tx.commit();
    }
    db->exec("DETACH DATABASE snapshot");
  } catch (...) {
    std::filesystem::remove(path);
    throw;
  }
  std::filesystem::remove(path);
  return count;
}

void delete_users(const std::string& database_path, const std::vector<std::string>& users) {
  auto db = open_hub(database_path);
  SQLite::Transaction tx(*db);
  SQLite::Statement del(*db, "DELETE FROM users WHERE username = ?");
  for (auto& u : users) {
    del.bind(1, u);
    del.exec();
    del.reset();
  }
  tx.commit();
}

} // namespace chatter::cluster

#include <spdlog/spdlog.h>

#include "cluster/ring.hpp"
#include "cluster/router_state.hpp"
#include "common/errors.hpp"

namespace chatter::cluster {

namespace {

template <class F>
auto or_internal(const char* what, F f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& ex) {
    spdlog::error("cluster: {} failed: {}", what, ex.what());
    return make_error(errc::internal, std::string(what) + " failed: " + ex.what());
  }
}

caf::behavior transfer_worker(caf::event_based_actor*, std::string database_path) {
  return {
    // The users of this node (`self`) whose home moves to `to` when the ring
    // goes from `before` to `after`, and their rows.
    [=](export_atom, const std::vector<std::string>& before,
        const std::vector<std::string>& after, const std::string& self,
        const std::string& to) -> caf::result<std::vector<std::string>, bytes> {
      return or_internal("exporting users", [&]() -> caf::result<std::vector<std::string>, bytes> {
        ring old_ring{{before.begin(), before.end()}};
        ring new_ring{{after.begin(), after.end()}};
        std::vector<std::string> moving;
        for (auto& u : list_users(database_path))
          if (old_ring.home_of(u) == self && new_ring.home_of(u) == to)
            moving.push_back(u);
        auto snapshot = export_users(database_path, moving);
        return {std::move(moving), std::move(snapshot)};
      });
    },
    [=](import_atom, const bytes& snapshot) -> caf::result<uint32_t> {
      return or_internal("importing users", [&]() -> caf::result<uint32_t> {
        return static_cast<uint32_t>(import_users(database_path, snapshot));
      });
    },
    [=](shed_atom, const std::vector<std::string>& users) -> caf::result<caf::ok_atom> {
      return or_internal("deleting moved users", [&]() -> caf::result<caf::ok_atom> {
        delete_users(database_path, users);
        return caf::ok_atom_v;
      });
    },
  };
}

} // namespace

caf::actor spawn_transfer_worker(caf::actor_system& sys, const std::string& database_path) {
  return sys.spawn<caf::detached>(transfer_worker, database_path);
}

} // namespace chatter::cluster
