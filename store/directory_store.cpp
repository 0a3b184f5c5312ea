// The registry's tables: users and their verifiers, the directory search,
// rooms.
#include "directory_store.hpp"

#include <SQLiteCpp/Statement.h>

namespace chatter::store {

namespace {

// LIKE treats % and _ as wildcards; a user's query means them literally.
std::string like_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

void directory_store::add_user(const signup_request& req, int64_t created_ms) {
  on_file(*db_, [&] {
    write_scope tx(sql_, batch_.open());
    auto exists = sql_("SELECT 1 FROM users WHERE username = ?");
    exists->bind(1, req.user);
    if (exists->executeStep())
      throw conflict("user " + req.user + " exists");
    auto user = sql_("INSERT INTO users(username, display_name, created_ms) "
                     "VALUES (?, ?, ?)");
    user->bind(1, req.user);
    user->bind(2, req.display_name);
    user->bind(3, static_cast<int64_t>(created_ms));
    user->exec();
    auto cred = sql_("INSERT INTO credentials(username, salt, memory_kib, "
                     "iterations, parallelism, stored_key, server_key) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)");
    cred->bind(1, req.user);
    cred->bind(2, req.salt.data(), static_cast<int>(req.salt.size()));
    cred->bind(3, static_cast<int64_t>(req.kdf.memory_kib));
    cred->bind(4, static_cast<int64_t>(req.kdf.iterations));
    cred->bind(5, static_cast<int64_t>(req.kdf.parallelism));
    cred->bind(6, req.stored_key.data(), static_cast<int>(req.stored_key.size()));
    cred->bind(7, req.server_key.data(), static_cast<int>(req.server_key.size()));
    cred->exec();
    tx.commit();
  });
}

std::vector<user_record> directory_store::search_users(const std::string& query, uint32_t limit) {
  return on_file(*db_, [&]() -> std::vector<user_record> {
    auto q_escaped = like_escaped(query);
    auto q = sql_("SELECT username, display_name, created_ms FROM users "
                  "WHERE username LIKE ?1 ESCAPE '\\' "
                  "OR display_name LIKE ?1 ESCAPE '\\' "
                  "ORDER BY (username LIKE ?2 ESCAPE '\\') DESC, "
                  "(display_name LIKE ?2 ESCAPE '\\') DESC, username "
                  "LIMIT ?3");
    q->bind(1, "%" + q_escaped + "%");
    q->bind(2, q_escaped + "%");
    q->bind(3, static_cast<int64_t>(limit));
    std::vector<user_record> out;
    while (q->executeStep())
      out.push_back(
        {q->getColumn(0).getString(), q->getColumn(1).getString(), q->getColumn(2).getInt64()});
    return out;
  });
}

void directory_store::create_room(const std::string& room, const std::string& owner,
                                  const std::vector<std::string>& members, int64_t created_ms) {
  on_file(*db_, [&] {
    write_scope tx(sql_, batch_.open());
    auto exists = sql_("SELECT 1 FROM rooms WHERE name = ?");
    exists->bind(1, room);
    if (exists->executeStep())
      throw conflict("room " + room + " exists");
    auto q = sql_("INSERT INTO rooms(name, owner, created_ms) VALUES (?, ?, ?)");
    q->bind(1, room);
    q->bind(2, owner);
    q->bind(3, created_ms);
    q->exec();
    auto m = sql_("INSERT OR IGNORE INTO room_members(room, username) VALUES (?, ?)");
    auto add = [&](const std::string& user) {
      m->bind(1, room);
      m->bind(2, user);
      m->exec();
      m->reset();
    };
    add(owner);
    for (auto& user : members)
      add(user);
    tx.commit();
  });
}

std::optional<room_info> directory_store::find_room(const std::string& room) {
  return on_file(*db_, [&]() -> std::optional<room_info> {
    auto q = sql_("SELECT owner FROM rooms WHERE name = ?");
    q->bind(1, room);
    if (!q->executeStep())
      return std::nullopt;
    room_info info{room, q->getColumn(0).getString(), {}};
    auto m = sql_("SELECT username FROM room_members WHERE room = ? "
                  "ORDER BY username");
    m->bind(1, room);
    while (m->executeStep())
      info.members.push_back(m->getColumn(0).getString());
    return info;
  });
}

std::vector<room_info> directory_store::rooms_of(const std::string& user) {
  return on_file(*db_, [&]() -> std::vector<room_info> {
    auto q = sql_("SELECT room FROM room_members WHERE username = ? ORDER BY room");
    q->bind(1, user);
    std::vector<std::string> names;
    while (q->executeStep())
      names.push_back(q->getColumn(0).getString());
    std::vector<room_info> out;
    for (auto& name : names)
      if (auto room = find_room(name))
        out.push_back(std::move(*room));
    return out;
  });
}

void directory_store::add_member(const std::string& room, const std::string& user) {
  on_file(*db_, [&] {
    auto q = sql_("INSERT OR IGNORE INTO room_members(room, username) VALUES (?, ?)");
    q->bind(1, room);
    q->bind(2, user);
    q->exec();
  });
}

void directory_store::remove_member(const std::string& room, const std::string& user) {
  on_file(*db_, [&] {
    write_scope tx(sql_, batch_.open());
    auto q = sql_("DELETE FROM room_members WHERE room = ? AND username = ?");
    q->bind(1, room);
    q->bind(2, user);
    q->exec();
    auto empty = sql_("DELETE FROM rooms WHERE name = ? AND NOT EXISTS "
                      "(SELECT 1 FROM room_members WHERE room = ?)");
    empty->bind(1, room);
    empty->bind(2, room);
    empty->exec();
    tx.commit();
  });
}

void directory_store::set_mine(const std::string& owner, const std::string& peer,
                               consent::intent mine, int64_t now_ms) {
  auto row = consent_of(owner, peer);
  row.mine = mine;
  write_consent(owner, peer, row, now_ms);
}

void directory_store::set_theirs(const std::string& owner, const std::string& peer,
                                 consent::intent theirs, int64_t now_ms) {
  auto row = consent_of(owner, peer);
  row.theirs = theirs;
  write_consent(owner, peer, row, now_ms);
}

void directory_store::write_consent(const std::string& owner, const std::string& peer,
                                    const consent::row& row, int64_t now_ms) {
  on_file(*db_, [&] {
    write_scope tx(sql_, batch_.open());
    if (row.empty()) {
      auto del = sql_("DELETE FROM consent WHERE owner = ? AND peer = ?");
      del->bind(1, owner);
      del->bind(2, peer);
      del->exec();
    } else {
      auto put = sql_("INSERT INTO consent(owner, peer, mine, theirs, updated_ms) "
                      "VALUES (?, ?, ?, ?, ?) ON CONFLICT(owner, peer) DO UPDATE SET "
                      "mine = excluded.mine, theirs = excluded.theirs, "
                      "updated_ms = excluded.updated_ms");
      put->bind(1, owner);
      put->bind(2, peer);
      put->bind(3, consent::name_of(row.mine));
      put->bind(4, consent::name_of(row.theirs));
      put->bind(5, now_ms);
      put->exec();
    }
    tx.commit();
  });
}

std::vector<std::pair<std::string, consent::row>>
directory_store::consents_of(const std::string& owner) {
  return on_file(*db_, [&] {
    std::vector<std::pair<std::string, consent::row>> out;
    auto q = sql_("SELECT peer, mine, theirs FROM consent WHERE owner = ? ORDER BY peer");
    q->bind(1, owner);
    while (q->executeStep())
      out.emplace_back(q->getColumn(0).getString(), consent_row_at(*q, 1));
    return out;
  });
}

size_t directory_store::consent_count(const std::string& owner) {
  return count_rows("SELECT count(*) FROM consent WHERE owner = ? AND mine <> 'none'", owner);
}

size_t directory_store::requests_to(const std::string& owner) {
  return count_rows("SELECT count(*) FROM consent WHERE owner = ? AND mine = 'none'", owner);
}

size_t directory_store::count_rows(const char* sql, const std::string& owner) {
  return on_file(*db_, [&] {
    auto q = sql_(sql);
    q->bind(1, owner);
    q->executeStep();
    return static_cast<size_t>(q->getColumn(0).getInt64());
  });
}

}  // namespace chatter::store
