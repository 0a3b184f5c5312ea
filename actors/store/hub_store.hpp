// The hub's durable state: the user directory and the SCRAM verifiers.
// Owned by the hub actors (registry writes, auth reads); one connection each.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "protocol.hpp"
#include "store/database.hpp"

namespace chatter::store {

struct credential_record {
  std::string user;
  bytes salt;
  kdf_params kdf;
  bytes stored_key;
  bytes server_key;
};

class hub_store {
public:
  explicit hub_store(const std::string& path);

  // Adds the user and its verifiers in one transaction; throws conflict when
  // the name is taken.
  void add_user(const signup_request& req, int64_t created_ms);

  std::optional<user_record> find_user(const std::string& user);
  std::optional<credential_record> find_credentials(const std::string& user);

  int version() {
    return schema_version(*db_);
  }

private:
  std::unique_ptr<SQLite::Database> db_;
};

} // namespace chatter::store
