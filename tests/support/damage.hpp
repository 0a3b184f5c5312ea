// Storage damage made the way a failing disk or a clumsy hand makes it, on
// real SQLite files, for the tests of what the stores notice.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace chatter::test {

// The pages a table (and its indexes) had before they were overwritten.
struct saved_pages {
  std::vector<std::pair<int64_t, std::string>> pages;  // page offset, bytes
};

// Overwrites the pages of `table` and of its indexes in `db` with garbage,
// after a checkpoint has put them in the file itself (not the WAL). Open
// connections see it once their page cache goes (see touch_hub_wal).
inline saved_pages damage_table(const std::filesystem::path& db, const std::string& table) {
  std::vector<int64_t> roots;
  int64_t page_size = 0;
  {
    SQLite::Database sql(db.string(), SQLite::OPEN_READWRITE);
    sql.setBusyTimeout(5000);
    sql.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    page_size = sql.execAndGet("PRAGMA page_size").getInt64();
    SQLite::Statement q(sql, "SELECT rootpage FROM sqlite_master WHERE tbl_name = ?");
    q.bind(1, table);
    while (q.executeStep())
      roots.push_back(q.getColumn(0).getInt64());
  }
  saved_pages saved;
  std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
  for (auto root : roots) {
    auto offset = (root - 1) * page_size;
    std::string before(static_cast<size_t>(page_size), '\0');
    file.seekg(offset);
    file.read(before.data(), page_size);
    saved.pages.emplace_back(offset, before);
    std::string garbage(static_cast<size_t>(page_size), '\xab');
    file.seekp(offset);
    file.write(garbage.data(), page_size);
  }
  return saved;
}

inline void restore_pages(const std::filesystem::path& db, const saved_pages& saved) {
  std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
  for (auto& [offset, bytes] : saved.pages) {
    file.seekp(offset);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
}

// A commit to hub.db by another connection changes the WAL; SQLite then drops every
// other connection's page cache, so they read the file again.
inline void touch_hub_wal(const std::filesystem::path& db) {
  SQLite::Database sql(db.string(), SQLite::OPEN_READWRITE);
  sql.setBusyTimeout(5000);
  sql.exec("INSERT INTO receipts(sender, recipient, id) VALUES ('~', '~', '~')");
  sql.exec("DELETE FROM receipts WHERE sender = '~'");
}

}  // namespace chatter::test
