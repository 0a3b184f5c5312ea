#include "hub.hpp"

#include "auth/auth.hpp"
#include "common/errors.hpp"
#include "keys/keys.hpp"
#include "mailbox/mailbox.hpp"
#include "registry/registry.hpp"
#include "store/hub_store.hpp"

namespace chatter {

hub_handles spawn_hub(caf::actor_system& sys, const hub_config& config) {
  registry_config reg{config.database_path, config.kdf};
  auth_config auth_cfg;
  auth_cfg.database_path = config.database_path;
  auth_cfg.rechallenge_interval = config.rechallenge_interval;
  // Both open the database on spawn; the registry first creates the schema.
  // Creates or migrates the schema once, and fails here, loudly, when the
  // file cannot be opened, rather than inside an actor.
  { store::hub_store probe{config.database_path}; }
  auto keys_handle = sys.spawn<caf::detached>(keys, config.database_path);
  auto mailbox_handle = sys.spawn<caf::detached>(mailbox, config.database_path);
  auto reg_handle = sys.spawn<caf::detached>(registry, reg);
  auth_cfg.listeners = {caf::actor_cast<session_listener_actor>(keys_handle),
                        caf::actor_cast<session_listener_actor>(mailbox_handle),
                        caf::actor_cast<session_listener_actor>(reg_handle)};
  auto auth_handle = sys.spawn<caf::detached>(auth, auth_cfg);
  return {reg_handle, auth_handle, keys_handle, mailbox_handle};
}

namespace {

hub_front_actor::behavior_type hub_front(hub_front_actor::pointer, hub_handles hub) {
  return {
    [hub](hello_atom) {
      return std::vector<caf::actor>{caf::actor_cast<caf::actor>(hub.registry),
                                     caf::actor_cast<caf::actor>(hub.auth),
                                     caf::actor_cast<caf::actor>(hub.keys),
                                     caf::actor_cast<caf::actor>(hub.mailbox)};
    },
  };
}

} // namespace

hub_front_actor spawn_hub_front(caf::actor_system& sys, const hub_handles& hub) {
  return sys.spawn(hub_front, hub);
}

void register_chatter_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::chatter>();
  // Typed handles that cross nodes (a member hands its account to auth).
  cfg.add_message_type<session_peer_actor>("chatter::session_peer_actor");
  cfg.add_error_category(error_category, render_error);
}

} // namespace chatter
