// One account's durable state, in accounts/<user>/account.db: its message
// history (with the sealed envelope of each outgoing message until the hub
// has it), which received messages a client has not acknowledged yet, and
// its contacts' keys with their trust (trust on first use; a changed key is
// held apart until the user verifies it).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/protocol.hpp"
#include "database.hpp"
#include "sqlite_util.hpp"
#include "statements.hpp"

namespace chatter::store {

struct contact {
  std::string user;
  public_identity key;
  std::string fingerprint;
  bool verified = false;                   // compared by a person
  std::optional<public_identity> new_key;  // a changed key, not trusted yet
  std::string new_fingerprint;
};

// A sealed envelope for one recipient of an outgoing message.
struct outbound {
  std::string recipient;
  envelope env;
};

// A ratchet session with a peer (crypto/session.hpp), sealed at rest by the
// account actor before it comes here.
struct sealed_session {
  std::string peer;
  bytes id;
  bytes sealed;
};

// One of our X3DH prekeys: the private half sealed at rest.
enum class prekey_kind { signed_key, one_time };
struct prekey_row {
  uint32_t id = 0;
  bytes sealed_private;
  bytes public_key;
  int64_t created_ms = 0;
};

// The last sequence number seen from `sender` in `conversation` (a peer,
// or "#room"), written with the message that carried it.
struct received_sequence {
  std::string sender;
  std::string conversation;
  uint64_t last = 0;
};

class account_store {
public:
  explicit account_store(const std::string& path);

  // Outgoing: stored with one envelope per recipient in one transaction,
  // state "queued", with the ratchet sessions that sealed them: a message
  // key is never used twice, even across a crash.
  // `sequence` (when not 0) is the message's number in its conversation,
  // committed with it so that no number is sent twice.
  void add_outgoing(const message_record& m, const std::vector<outbound>& envelopes,
                    const std::vector<sealed_session>& sessions = {}, uint64_t sequence = 0);
  uint64_t last_sent_sequence(const std::string& conversation);
  std::optional<uint64_t> last_received_sequence(const std::string& sender,
                                                 const std::string& conversation);
  // `from` says our message `id` reached state `state` (delivered, read):
  // only for a message we sent to them, or to a room. Returns the peer when
  // the state moved.
  std::string receipt_from(const std::string& me, const std::string& id, const std::string& from,
                           const std::string& state);
  // `peer` refused our message `id` (a one-to-one message to them): state
  // "refused", and `reason` in its extras. Returns the peer when the state
  // moved; "" for an id we never sent to `peer`.
  std::string refused(const std::string& me, const std::string& id, const std::string& peer,
                      const std::string& reason);
  // The hub has the envelope of `id` for `recipient`: drops it and, when it
  // was the message's last, moves the message to "sent" in the same
  // transaction. Returns the peer when the state moved, else "".
  // The hub refused the envelope for `recipient` for good (its quota):
  // it is not offered again, and the message's state is "refused".
  std::string hub_refused(const std::string& me, const std::string& id,
                          const std::string& recipient);
  std::string hub_has(const std::string& me, const std::string& id, const std::string& recipient);
  // Incoming: false when (from, id) is already there (a replay or a resend).
  // The session that opened it, and the one-time prekey it used up, are
  // written in the same transaction.
  bool add_incoming(const message_record& m, const std::optional<sealed_session>& session = {},
                    std::optional<uint32_t> used_one_time_prekey = {},
                    const std::optional<received_sequence>& sequence = {});
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
  std::vector<message_record> history(const std::string& peer, int64_t before_ms, uint32_t limit);
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

  // Read on every send and receive, so served from memory once committed;
  // the table stays the record.
  std::optional<contact> find_contact(const std::string& user);
  void put_contact(const contact& c);

  // Ratchet sessions (account_store_sessions.cpp). The current session with
  // a peer is the open one set up last; find_session finds closed ones too.
  std::optional<sealed_session> current_session(const std::string& peer);
  std::optional<sealed_session> find_session(const std::string& peer, const bytes& id);
  void put_session(const sealed_session& s);
  // Closes every open session with `peer` (no more sealing; what was sent
  // under them still opens); returns how many there were.
  size_t close_sessions(const std::string& peer);
  void put_prekeys(prekey_kind kind, const std::vector<prekey_row>& rows);
  std::optional<prekey_row> find_prekey(prekey_kind kind, uint32_t id);
  std::optional<prekey_row> newest_prekey(prekey_kind kind);
  // Reserves `count` fresh ids and returns the first. Ids start at 1 (0 is
  // "no one-time prekey" on the wire) and are never reused, so an old
  // initiation cannot name a new key.
  uint32_t reserve_prekey_ids(prekey_kind kind, uint32_t count);
  // Signed prekeys older than `before_ms`, except the newest, are deleted:
  // a late first message under one of them can no longer be opened.
  void retire_signed_prekeys(int64_t before_ms);

  // Group commit (store/statements.hpp): between begin_batch() and
  // commit_batch() every write above joins one transaction, made durable by
  // one sync. commit_batch() throws as the writes do, with none of the
  // batch on disk.
  void begin_batch();
  void commit_batch();
  bool in_batch() const {
    return batch_.open();
  }

private:
  std::optional<contact> read_contact(const std::string& user);

  std::unique_ptr<SQLite::Database> db_;
  std::unordered_map<std::string, contact> contacts_;
  statement_cache sql_{*db_};
  write_batch batch_{sql_};
};

}  // namespace chatter::store
