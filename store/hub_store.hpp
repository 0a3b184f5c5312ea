// The hub's durable state: the user directory and the SCRAM verifiers, the
// key directory, the mailbox, and rooms (hub_store_rooms.cpp). Owned by the
// hub actors (registry writes, the others read); one connection each. Every
// method throws damaged when SQLite finds the file corrupt, and each write
// throws moved once hub.db or its WAL was replaced or removed under it
// (store/database.hpp); guarded() answers both StorageFailed.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/protocol.hpp"
#include "database.hpp"
#include "sqlite_util.hpp"

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

  // X3DH prekeys (hub_store_prekeys.cpp). put_prekeys replaces the signed
  // prekey, adds the one-time prekeys (at most `cap` held) and returns how
  // many one-time prekeys are held.
  uint32_t put_prekeys(const std::string& user, const signed_prekey& spk,
                       const std::vector<one_time_prekey>& one_time, uint32_t cap);
  std::optional<signed_prekey> find_signed_prekey(const std::string& user);
  // Hands out one one-time prekey (deleted here in the same transaction);
  // `left` is how many remain. An id of 0 when none is left.
  one_time_prekey take_one_time_prekey(const std::string& user, uint32_t& left);

  // The mailbox: envelopes waiting for their recipient's ack. add_envelope
  // returns false when (recipient, sender, id) is already queued.
  bool add_envelope(const std::string& recipient, const std::string& sender, const std::string& id,
                    const envelope& env, int64_t queued_ms);
  bool has_envelope(const std::string& recipient, const std::string& sender, const std::string& id);
  std::vector<envelope> envelopes_for(const std::string& recipient);
  // Removes an acknowledged envelope and, in the same transaction, keeps a
  // "delivered" receipt for its sender; its size in bytes, or nothing when
  // it was not queued.
  std::optional<uint64_t> remove_envelope(const std::string& recipient, const std::string& sender,
                                          const std::string& id);

  // What waits for `recipient`: envelopes and their bytes (the quota).
  struct queue_size {
    uint64_t envelopes = 0;
    uint64_t bytes = 0;
  };
  queue_size queued_for(const std::string& recipient);

  // Receipts for senders, kept until the sender's next login takes them
  // (also sent at once to an online sender: receipts are idempotent).
  using receipt = receipt_info;
  void add_receipt(const std::string& sender, const receipt& r);
  void add_receipts(const std::string& sender, const std::vector<receipt>& rs);
  std::vector<receipt> take_receipts(const std::string& sender);
  // `recipient` read these messages of `sender`: the ones that were really
  // delivered to it become "read" receipts (kept, and returned); the rest are
  // made up and ignored.
  std::vector<receipt> read_receipts(const std::string& recipient, const std::string& sender,
                                     const std::vector<std::string>& ids);

  // The directory: users whose name or display name contains `query`
  // (case-insensitive), names starting with it first.
  std::vector<user_record> search_users(const std::string& query, uint32_t limit);

  // Rooms: membership is the hub's, so a member cannot be forged in.
  // create_room throws conflict when the name is taken.
  void create_room(const std::string& room, const std::string& owner,
                   const std::vector<std::string>& members, int64_t created_ms);
  std::optional<room_info> find_room(const std::string& room);
  std::vector<room_info> rooms_of(const std::string& user);
  bool is_member(const std::string& room, const std::string& user);
  void add_member(const std::string& room, const std::string& user);
  // Removes the member; the room goes with its last member.
  void remove_member(const std::string& room, const std::string& user);

  int version() {
    return schema_version(*db_);
  }

  // Group commit (store/statements.hpp): between begin_batch() and
  // commit_batch() every write above joins one transaction, made durable by
  // one sync. commit_batch() throws as the writes do, with none of the
  // batch on disk.
  void begin_batch();
  void commit_batch();
  bool in_batch() const {
    return batch_.open();
  }
  // SQLite rolled the open batch back by itself (a full disk, an I/O
  // error): its earlier writes are gone, so nothing more may join it.
  bool batch_lost() const {
    return batch_.lost();
  }
  void abandon_batch() {
    batch_.abandon();
  }

private:
  std::unique_ptr<SQLite::Database> db_;
  statement_cache sql_{*db_};
  write_batch batch_{sql_};
};

}  // namespace chatter::store
