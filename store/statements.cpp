#include "statements.hpp"

#include <stdexcept>

#include <sqlite3.h>

namespace chatter::store {

statement_cache::lease::lease(SQLite::Statement* statement, bool* busy,
                              std::unique_ptr<SQLite::Statement> own)
  : statement_(statement), busy_(busy), own_(std::move(own)) {}

statement_cache::lease::lease(lease&& other) noexcept
  : statement_(other.statement_), busy_(other.busy_), own_(std::move(other.own_)) {
  other.statement_ = nullptr;
  other.busy_ = nullptr;
}

statement_cache::lease::~lease() {
  if (!statement_)
    return;
  statement_->tryReset();
  try {
    statement_->clearBindings();
  } catch (...) {  // only on misuse; a destructor must not throw
  }
  if (busy_)
    *busy_ = false;
}

statement_cache::lease statement_cache::operator()(const std::string& sql) {
  // Entries are nodes: the flag's address survives the map growing.
  auto& e = cache_[sql];
  if (e.busy) {
    auto own = std::make_unique<SQLite::Statement>(db_, sql);
    auto raw = own.get();
    return lease(raw, nullptr, std::move(own));
  }
  if (!e.statement)
    e.statement = std::make_unique<SQLite::Statement>(db_, sql);
  e.busy = true;
  return lease(e.statement.get(), &e.busy, nullptr);
}

write_scope::write_scope(statement_cache& sql, bool in_batch) : sql_(sql), in_batch_(in_batch) {
  // SQLite rolls a transaction back by itself on some failures (a full
  // disk, an I/O error): the batch's earlier writes are gone, and this one
  // must not land alone as if they were not.
  if (in_batch_ && sqlite3_get_autocommit(sql_.database().getHandle()))
    throw std::runtime_error("the batch's transaction was rolled back");
  sql_(in_batch_ ? "SAVEPOINT chatter_write" : "BEGIN IMMEDIATE")->exec();
}

void write_scope::commit() {
  sql_(in_batch_ ? "RELEASE chatter_write" : "COMMIT")->exec();
  done_ = true;
}

write_scope::~write_scope() {
  if (done_)
    return;
  // Never throws out of a destructor: a failed rollback leaves the
  // transaction to the next BEGIN, which then fails and says so.
  auto db = sql_.database().getHandle();
  if (in_batch_) {
    sqlite3_exec(db, "ROLLBACK TO chatter_write", nullptr, nullptr, nullptr);
    sqlite3_exec(db, "RELEASE chatter_write", nullptr, nullptr, nullptr);
  } else if (!sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

bool write_batch::lost() const {
  return open_ && sqlite3_get_autocommit(sql_.database().getHandle());
}

void write_batch::abandon() {
  if (!open_)
    return;
  open_ = false;
  auto db = sql_.database().getHandle();
  if (!sqlite3_get_autocommit(db))
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

void write_batch::begin() {
  if (open_)
    return;
  sql_("BEGIN IMMEDIATE")->exec();
  open_ = true;
}

void write_batch::commit() {
  if (!open_)
    return;
  open_ = false;
  try {
    sql_("COMMIT")->exec();
  } catch (...) {
    // A failed COMMIT may leave the transaction open (SQLITE_BUSY) or not.
    auto db = sql_.database().getHandle();
    if (!sqlite3_get_autocommit(db))
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace chatter::store
