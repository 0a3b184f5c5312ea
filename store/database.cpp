#include "database.hpp"

#include <cerrno>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include <sqlite3.h>
#include <sys/stat.h>

namespace chatter::store {

namespace {

// Which file a path names now: a rename over it or an unlink changes this.
struct file_id {
  bool present = false;
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const file_id& o) const {
    return present == o.present && dev == o.dev && ino == o.ino;
  }
};

file_id identify(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return {};
  return {true, st.st_dev, st.st_ino};
}

// What a connection's file and WAL were at open. SQLite keeps writing to the
// inodes it holds open, so a WAL deleted or a file renamed over under a
// running daemon would take every later commit where nobody reads it again.
struct file_fence {
  std::string path;
  file_id db;
  file_id wal;
  std::string refusal;  // set once: why every later commit is refused
  bool rescued = false;
};

std::string what_moved(const file_fence& f) {
  auto what = [](const std::string& name, const file_id& then, const file_id& now) {
    if (!then.present || then == now)
      return std::string();
    return name + (now.present ? " was replaced" : " was removed")
      + " while chatterd had it open; chatterd writes nothing more to "
      + "it. Stop chatterd, keep a copy of the folder, then start it again";
  };
  auto db = what(f.path, f.db, identify(f.path));
  return db.empty() ? what(f.path + "-wal", f.wal, identify(f.path + "-wal")) : db;
}

// The fences by connection; an entry goes when its connection closes (the
// destructor of the SQL function that carries it).
std::mutex fences_mutex;
std::unordered_map<sqlite3*, file_fence*> fences;

// Runs before each commit: non-zero turns the commit into a rollback.
int check_fence(void* arg) {
  auto& fence = *static_cast<file_fence*>(arg);
  if (fence.refusal.empty())
    fence.refusal = what_moved(fence);
  return fence.refusal.empty() ? 0 : 1;
}

void report_fence(sqlite3_context* ctx, int, sqlite3_value**) {
  auto& fence = *static_cast<file_fence*>(sqlite3_user_data(ctx));
  sqlite3_result_text(ctx, fence.refusal.c_str(), -1, SQLITE_TRANSIENT);
}

void forget_fence(void* arg) {
  auto fence = static_cast<file_fence*>(arg);
  std::lock_guard lock(fences_mutex);
  for (auto i = fences.begin(); i != fences.end(); ++i)
    if (i->second == fence) {
      fences.erase(i);
      break;
    }
  delete fence;
}

void put_up_fence(SQLite::Database& db, const std::string& path) {
  auto fence = new file_fence{path, identify(path), identify(path + "-wal"), {}};
  {
    std::lock_guard lock(fences_mutex);
    fences[db.getHandle()] = fence;
  }
  // From here the connection owns the fence: it frees it when it closes.
  db.createFunction("chatter_file_refusal", 0, false, fence, report_fence, nullptr, nullptr,
                    forget_fence);
  sqlite3_commit_hook(db.getHandle(), check_fence, fence);
}

file_fence* fence_of(SQLite::Database& db) {
  std::lock_guard lock(fences_mutex);
  auto i = fences.find(db.getHandle());
  return i == fences.end() ? nullptr : i->second;
}

// When only the WAL was deleted, what was committed lives on in the inode
// this connection still holds: copied into the file now, it survives even a
// kill -9 (which would lose the unlinked WAL).
void rescue_commits(SQLite::Database& db, file_fence& fence) {
  if (fence.rescued || !(identify(fence.path) == fence.db))
    return;
  fence.rescued = true;
  int in_wal = -1;
  int copied = -1;
  auto rc =
    sqlite3_wal_checkpoint_v2(db.getHandle(), nullptr, SQLITE_CHECKPOINT_FULL, &in_wal, &copied);
  fence.refusal += rc == SQLITE_OK && in_wal == copied
    ? " (what it had written before is saved in " + fence.path + ")"
    : " (saving what it had written into " + fence.path
      + " failed: " + sqlite3_errmsg(db.getHandle()) + ")";
}

bool is_damage(const SQLite::Exception& ex) {
  auto code = ex.getErrorCode() & 0xff;
  return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

// The first line PRAGMA quick_check reports; "ok" when the file is sound.
std::string quick_check(SQLite::Database& db) {
  return db.execAndGet("PRAGMA quick_check(1)").getString();
}

void migrate(SQLite::Database& db, const std::string& path, const migration_list& migrations) {
  // BEGIN IMMEDIATE takes the write lock before reading the version, so two
  // connections opening a new file at once migrate it only once.
  for (;;) {
    db.exec("BEGIN IMMEDIATE");
    try {
      auto version = schema_version(db);
      if (version > static_cast<int>(migrations.size()))
        throw std::runtime_error(path + " has schema version " + std::to_string(version)
                                 + ", newer than this chatterd knows");
      if (version == static_cast<int>(migrations.size())) {
        db.exec("COMMIT");
        return;
      }
      db.exec(migrations[static_cast<size_t>(version)]);
      db.exec("PRAGMA user_version=" + std::to_string(version + 1));
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  }
}

std::unique_ptr<SQLite::Database> open_checked(const std::string& path,
                                               const migration_list& migrations) {
  auto db = std::make_unique<SQLite::Database>(
    path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
  db->setBusyTimeout(5000);
  // Before anything writes: a damaged file is left as it was found.
  if (auto verdict = quick_check(*db); verdict != "ok")
    throw damaged(damage_sentence(path, verdict));
  db->exec("PRAGMA journal_mode=WAL");
  // FULL: a commit is on disk before we acknowledge anything built on it.
  db->exec("PRAGMA synchronous=FULL");
  db->exec("PRAGMA foreign_keys=ON");
  migrate(*db, path, migrations);
  // After the migrations, when the WAL exists: it lives as long as this
  // connection does.
  put_up_fence(*db, path);
  return db;
}

}  // namespace

std::string damage_sentence(const std::string& path, const std::string& detail) {
  return path + " is damaged (" + detail
    + "); stop chatterd, keep a copy of it, then run: " + "sqlite3 " + path + " .recover | sqlite3 "
    + path + ".recovered, and move " + path + ".recovered to " + path;
}

void rethrow_translated(SQLite::Database& db, const SQLite::Exception& ex) {
  if (is_damage(ex))
    throw damaged(damage_sentence(db.getFilename(), ex.what()));
  if (ex.getExtendedErrorCode() == SQLITE_CONSTRAINT_COMMITHOOK)
    if (auto fence = fence_of(db); fence && !fence->refusal.empty()) {
      rescue_commits(db, *fence);
      throw moved(fence->refusal);
    }
  throw;
}

std::unique_ptr<SQLite::Database> open_database(const std::string& path,
                                                const migration_list& migrations) {
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty())
    create_private_directories(parent.string());
  try {
    return open_checked(path, migrations);
  } catch (const SQLite::Exception& ex) {
    if (is_damage(ex))
      throw damaged(damage_sentence(path, ex.what()));
    throw;
  }
}

int schema_version(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

void create_private_directories(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::path path(dir);
  if (path.empty() || fs::is_directory(path))
    return;
  create_private_directories(path.parent_path().string());
  // 0700 from the start: no moment when another user could open it.
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    throw fs::filesystem_error("cannot create the folder", path,
                               std::error_code(errno, std::generic_category()));
}

}  // namespace chatter::store
