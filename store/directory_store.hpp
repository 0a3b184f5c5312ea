// The registry's tables of hub.db (hub_database.hpp): users and their
// verifiers, the directory search, rooms.
#pragma once

#include <vector>

#include "hub_database.hpp"

namespace chatter::store {

class directory_store : public hub_database {
public:
  using hub_database::hub_database;

  // Adds the user and its verifiers in one transaction; throws conflict when
  // the name is taken.
  void add_user(const signup_request& req, int64_t created_ms);

  // Users whose name or display name contains `query` (case-insensitive),
  // names starting with it first.
  std::vector<user_record> search_users(const std::string& query, uint32_t limit);

  // Rooms: membership is the hub's, so a member cannot be forged in.
  // create_room throws conflict when the name is taken.
  void create_room(const std::string& room, const std::string& owner,
                   const std::vector<std::string>& members, int64_t created_ms);
  std::optional<room_info> find_room(const std::string& room);
  std::vector<room_info> rooms_of(const std::string& user);
  void add_member(const std::string& room, const std::string& user);
  // Removes the member; the room goes with its last member.
  void remove_member(const std::string& room, const std::string& user);
};

}  // namespace chatter::store
