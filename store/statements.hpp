// Prepared statements kept per connection, and group commit. Both stores
// run every statement through here: SQLite compiles each SQL text once per
// connection, and a store that batches (the hub's mailbox, an account's
// messages) makes a whole turn's writes durable with one sync.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace chatter::store {

class statement_cache {
public:
  explicit statement_cache(SQLite::Database& db) : db_(db) {}

  // A statement lent for one call: reset and unbound when the lease ends,
  // so no read stays open past it.
  class lease {
  public:
    lease(SQLite::Statement* statement, bool* busy, std::unique_ptr<SQLite::Statement> own);
    lease(lease&& other) noexcept;
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    lease& operator=(lease&&) = delete;
    ~lease();
    SQLite::Statement* operator->() const {
      return statement_;
    }
    SQLite::Statement& operator*() const {
      return *statement_;
    }

  private:
    SQLite::Statement* statement_;
    bool* busy_;                              // the cached one's flag; null when own
    std::unique_ptr<SQLite::Statement> own_;  // compiled for this call only
  };

  // `sql`, compiled at its first use. A text already lent out (a store
  // method calling another with the same SQL) gets a fresh statement.
  lease operator()(const std::string& sql);

  SQLite::Database& database() {
    return db_;
  }

private:
  struct entry {
    std::unique_ptr<SQLite::Statement> statement;
    bool busy = false;
  };
  SQLite::Database& db_;
  std::unordered_map<std::string, entry> cache_;
};

// One write, atomic on its own: its own BEGIN IMMEDIATE ... COMMIT when no
// batch is open, a savepoint inside the open batch otherwise, so a write
// that fails undoes itself and nothing else. Rolled back unless committed.
class write_scope {
public:
  write_scope(statement_cache& sql, bool in_batch);
  write_scope(const write_scope&) = delete;
  write_scope& operator=(const write_scope&) = delete;
  ~write_scope();
  void commit();

private:
  statement_cache& sql_;
  bool in_batch_;
  bool done_ = false;
};

// Group commit for one connection: between begin() and commit() every write
// joins one transaction, and commit() makes them durable with one sync
// (synchronous=FULL). Callers answer what the batch wrote only after it.
class write_batch {
public:
  explicit write_batch(statement_cache& sql) : sql_(sql) {}
  bool open() const {
    return open_;
  }
  bool lost() const;
  // Gives the open batch up: rolled back if SQLite has not done it, so the
  // next begin() opens a fresh one.
  void abandon();
  void begin();
  // Throws what SQLite threw, with the transaction rolled back: none of the
  // batch's writes is on disk then.
  void commit();

private:
  statement_cache& sql_;
  bool open_ = false;
};

}  // namespace chatter::store
