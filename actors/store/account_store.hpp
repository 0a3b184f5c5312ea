// One account's durable state, in accounts/<user>/account.db: its message
// history (with the sealed envelope of each outgoing message until the hub
// has it), which received messages a client has not acknowledged yet, and
// its contacts' keys with their trust (trust on first use; a changed key is
// held apart until the user verifies it).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol.hpp"
#include "store/database.hpp"

namespace chatter::store {

struct contact {
  std::string user;
  public_identity key;
  std::string fingerprint;
  bool verified = false;                    // compared by a person
  std::optional<public_identity> new_key;   // a changed key, not trusted yet
  std::string new_fingerprint;
};

class account_store {
public:
  explicit account_store(const std::string& path);

  // Outgoing: stored with its envelope in one transaction, state "queued".
  void add_outgoing(const message_record& m, const envelope& env);
  // Incoming: false when (from, id) is already there (a replay or a resend).
  bool add_incoming(const message_record& m);
  bool has_message(const std::string& from, const std::string& id);
  // Moves an outgoing message on (sent, delivered, ...); "sent" drops the
  // kept envelope. Returns the peer, empty when no such message.
  std::string set_outgoing_state(const std::string& me, const std::string& id,
                                 const std::string& state);
  std::vector<std::pair<message_record, envelope>> queued_outgoing(const std::string& me);

  // The conversation with `peer`, oldest first, of messages before `before_ms`.
  std::vector<message_record> history(const std::string& peer, int64_t before_ms,
                                      uint32_t limit);
  std::vector<message_record> pending_incoming();
  void acknowledge(const std::vector<std::string>& ids);

  std::optional<contact> find_contact(const std::string& user);
  void put_contact(const contact& c);

private:
  std::unique_ptr<SQLite::Database> db_;
};

} // namespace chatter::store
