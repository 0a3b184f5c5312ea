// hub.db, the hub's durable state. Each hub actor opens it through the
// store of the tables it owns, and writes only those (one connection each):
//   directory_store  the registry's: users and their verifiers, rooms,
//                    consent between users
//   key_store        the keys actor's: identities and X3DH prekeys
//   mailbox_store    the mailbox's: envelopes and receipts
// Any of them may read the directory (whether a user exists, its
// verifiers, a room's members), which only the registry writes: that is
// all auth needs, so auth opens a bare hub_database.
// Every method throws damaged when SQLite finds the file corrupt, and each
// write throws moved once hub.db or its WAL was replaced or removed under it
// (store/database.hpp); guarded() answers both StorageFailed.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/consent.hpp"
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

// The consent row held in columns `first` (mine) and `first + 1` (theirs)
// of the current row of `q`; an unknown name reads as none.
consent::row consent_row_at(SQLite::Statement& q, int first);

class hub_database {
public:
  // Opens hub.db, creating or migrating its schema.
  explicit hub_database(const std::string& path);

  // The directory's reads.
  std::optional<user_record> find_user(const std::string& user);
  std::optional<credential_record> find_credentials(const std::string& user);
  bool is_member(const std::string& room, const std::string& user);
  // `owner`'s consent row about `peer` (an empty row when there is none):
  // the mailbox refuses what a user has blocked, the registry gives
  // presence to accepted pairs only.
  consent::row consent_of(const std::string& owner, const std::string& peer);

  int version() {
    return schema_version(*db_);
  }

  // Group commit (store/statements.hpp): between begin_batch() and
  // commit_batch() every write of this connection joins one transaction,
  // made durable by one sync. commit_batch() throws as the writes do, with
  // none of the batch on disk.
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

protected:
  std::unique_ptr<SQLite::Database> db_;
  statement_cache sql_{*db_};
  write_batch batch_{sql_};
};

}  // namespace chatter::store
