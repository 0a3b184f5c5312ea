// The cluster's transfer worker: a detached actor that moves users' rows
// between this node's store and a snapshot (store/shard_snapshot.hpp) when
// the ring changes.
#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "ring.hpp"
#include "router_state.hpp"
#include "store/shard_snapshot.hpp"

namespace chatter::cluster {

namespace {

template <class F>
auto or_internal(const char* what, F f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& ex) {
    spdlog::error("cluster: {} failed: {}", what, ex.what());
    return make_error(errc::internal, std::string(what) + " failed: " + ex.what());
  }
}

caf::behavior transfer_worker(caf::event_based_actor*, std::string database_path) {
  return {
    // The users of this node (`self`) whose home moves to `to` when the ring
    // goes from `before` to `after`, and their rows.
    [=](export_atom, const std::vector<std::string>& before, const std::vector<std::string>& after,
        const std::string& self,
        const std::string& to) -> caf::result<std::vector<std::string>, bytes> {
      return or_internal("exporting users", [&]() -> caf::result<std::vector<std::string>, bytes> {
        ring old_ring{{before.begin(), before.end()}};
        ring new_ring{{after.begin(), after.end()}};
        std::vector<std::string> moving;
        for (auto& u : store::list_users(database_path))
          if (old_ring.home_of(u) == self && new_ring.home_of(u) == to)
            moving.push_back(u);
        auto snapshot = store::export_users(database_path, moving);
        return {std::move(moving), std::move(snapshot)};
      });
    },
    [=](import_atom, const bytes& snapshot) -> caf::result<uint32_t> {
      return or_internal("importing users", [&]() -> caf::result<uint32_t> {
        return static_cast<uint32_t>(store::import_users(database_path, snapshot));
      });
    },
    [=](shed_atom, const std::vector<std::string>& users) -> caf::result<caf::ok_atom> {
      return or_internal("deleting moved users", [&]() -> caf::result<caf::ok_atom> {
        store::delete_users(database_path, users);
        return caf::ok_atom_v;
      });
    },
  };
}

}  // namespace

caf::actor spawn_transfer_worker(caf::actor_system& sys, const std::string& database_path) {
  return sys.spawn<caf::detached>(transfer_worker, database_path);
}

}  // namespace chatter::cluster
