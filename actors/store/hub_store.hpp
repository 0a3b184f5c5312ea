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

  // The key directory: one current identity per user.
  void put_public_key(const public_identity& pub, int64_t published_ms);
  std::optional<public_identity> find_public_key(const std::string& user);

  // The mailbox: envelopes waiting for their recipient's ack. add_envelope
  // returns false when (recipient, sender, id) is already queued.
  bool add_envelope(const std::string& recipient, const std::string& sender,
                    const std::string& id, const envelope& env, int64_t queued_ms);
  std::vector<envelope> envelopes_for(const std::string& recipient);
  bool remove_envelope(const std::string& recipient, const std::string& sender,
                       const std::string& id);

  // Receipts for senders who were offline when their message was acked.
  struct receipt {
    std::string id;
    std::string recipient;
  };
  void add_receipt(const std::string& sender, const receipt& r);
  std::vector<receipt> take_receipts(const std::string& sender);

  int version() {
    return schema_version(*db_);
  }

private:
  std::unique_ptr<SQLite::Database> db_;
};

} // namespace chatter::store
