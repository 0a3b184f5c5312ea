// Moving users between hub nodes when a node joins (hub/cluster/
// shard_transfer.cpp runs these): their rows (directory entry, verifiers,
// public keys, prekeys, waiting envelopes, consent rows) leave the old home as one SQLite
// snapshot and enter the new home in one transaction.
// Receipts stay: they wait for their reader's login, which every node hears.
#pragma once

#include <string>
#include <vector>

#include "core/protocol.hpp"

namespace chatter::store {

std::vector<std::string> list_users(const std::string& database_path);

// A SQLite file, as bytes, holding every row of `users`.
bytes export_users(const std::string& database_path, const std::vector<std::string>& users);

// Adds the snapshot's rows; rows already present are kept, so importing the
// same snapshot twice (an old home that died mid-move) changes nothing.
// Returns how many users the snapshot held.
size_t import_users(const std::string& database_path, const bytes& snapshot);

// Deletes the users and everything that hangs off them (ON DELETE CASCADE).
void delete_users(const std::string& database_path, const std::vector<std::string>& users);

}  // namespace chatter::store
