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
#include "store/sqlite_util.hpp"

namespace chatter::store {

struct contact {
  std::string user;
  public_identity key;
  std::string fingerprint;
  bool verified = false;                    // compared by a person
  std::optional<public_identity> new_key;   // a changed key, not trusted yet
  std::string new_fingerprint;
};

// A sealed envelope for one recipient of an outgoing message.
struct outbound {
  std::string recipient;
  envelope env;
};

class account_store {
public:
  explicit account_store(const std::string& path);

  // Outgoing: stored with one envelope per recipient in one transaction,
  // state "queued".
  void add_outgoing(const message_record& m, const std::vector<outbound>& envelopes);
  // The hub has the envelope of `id` for `recipient`: drops it and, when it
  // was the message's last, moves the message to "sent" in the same
  // transaction. Returns the peer when the state moved, else "".
  std::string hub_has(const std::string& me, const std::string& id,
                      const std::string& recipient);
  // Incoming: false when (from, id) is already there (a replay or a resend).
  bool add_incoming(const message_record& m);
  bool has_message(const std::string& from, const std::string& id);
  // Moves an outgoing message forward (queued < sent < delivered < read;
  // failed is final). Returns the peer, empty when no such message or when
  // the state would not move forward.
  std::string set_outgoing_state(const std::string& me, const std::string& id,
                                 const std::string& state);
  // Envelopes the hub does not have yet, oldest message first.
  struct queued {
    std::string id;
    outbound out;
  };
  std::vector<queued> queued_outgoing();

  // The conversation with `peer`, oldest first, of messages before `before_ms`.
  std::vector<message_record> history(const std::string& peer, int64_t before_ms,
                                      uint32_t limit);
  std::vector<message_record> pending_incoming();
  void acknowledge(const std::vector<std::string>& ids);
  // Received messages of the conversation with `peer` become read (and no
  // longer pending); returns their (sender, id), for read receipts.
  std::vector<std::pair<std::string, std::string>> mark_read(const std::string& peer);

  // The contact list: (user, display name), by name.
  void add_to_address_book(const std::string& user, const std::string& display_name,
                           int64_t added_ms);
  bool remove_from_address_book(const std::string& user);
  std::vector<std::pair<std::string, std::string>> address_book();

  std::optional<contact> find_contact(const std::string& user);
  void put_contact(const contact& c);

private:
  std::unique_ptr<SQLite::Database> db_;
};

} // namespace chatter::store
