// The registry's tables of hub.db (hub_database.hpp): users and their
// verifiers, the directory search, rooms, consent between users.
#pragma once

#include <utility>
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

  // Consent rows (core/consent.hpp). Each setter writes one field of
  // `owner`'s row about `peer`; a row left with no intent on either side
  // is deleted.
  void set_mine(const std::string& owner, const std::string& peer, consent::intent mine,
                int64_t now_ms);
  void set_theirs(const std::string& owner, const std::string& peer, consent::intent theirs,
                  int64_t now_ms);
  // `owner`'s rows, by peer.
  std::vector<std::pair<std::string, consent::row>> consents_of(const std::string& owner);
  // Rows where `owner` set an intent of their own (the limit on what they
  // do), and rows that are only others' requests to them (the limit on
  // what others can make them hold).
  size_t consent_count(const std::string& owner);
  size_t requests_to(const std::string& owner);

private:
  void write_consent(const std::string& owner, const std::string& peer, const consent::row& row,
                     int64_t now_ms);
  // `sql` counts rows with one parameter, the owner.
  size_t count_rows(const char* sql, const std::string& owner);
};

}  // namespace chatter::store
