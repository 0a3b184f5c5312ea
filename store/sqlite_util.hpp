// Blob helpers both stores share: SQLiteCpp hands out raw pointers and sizes.
#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include "core/protocol.hpp"
#include "statements.hpp"

namespace chatter::store {

inline bytes blob_of(const SQLite::Column& col) {
  auto p = static_cast<const uint8_t*>(col.getBlob());
  return bytes(p, p + col.getBytes());
}

inline void bind_blob(SQLite::Statement& q, int i, const bytes& b) {
  q.bind(i, b.data(), static_cast<int>(b.size()));
}

inline void bind_blob(const statement_cache::lease& q, int i, const bytes& b) {
  bind_blob(*q, i, b);
}

}  // namespace chatter::store
