#include "hub.hpp"

#include "core/errors.hpp"
#include "hub/auth/auth.hpp"
#include "hub/gateway/reaper.hpp"
#include "hub/keys/keys.hpp"
#include "hub/mailbox/mailbox.hpp"
#include "hub/registry/registry.hpp"
#include "store/hub_database.hpp"

namespace chatter {

running_hub spawn_hub(caf::actor_system& sys, const hub_config& config) {
  registry_config reg{config.database_path, config.kdf, config.limits.signups_per_hour_per_address,
                      config.clustered};
  auth_config auth_cfg;
  auth_cfg.database_path = config.database_path;
  auth_cfg.rechallenge_interval = config.rechallenge_interval;
  auth_cfg.sessions_per_user = config.limits.sessions_per_user;
  mailbox_config mail_cfg{config.database_path, config.limits.queued_envelopes_per_recipient,
                          config.limits.queued_bytes_per_recipient};
  // Creates or migrates the schema once, and fails here, loudly, when the
  // file cannot be opened, rather than inside an actor.
  { store::hub_database probe{config.database_path}; }
  auto keys_handle = spawn_keys(sys, config.database_path);
  auto mailbox_handle = spawn_mailbox(sys, mail_cfg);
  auto reg_handle = spawn_registry(sys, reg);
  auth_cfg.listeners = {caf::actor_cast<session_listener_actor>(keys_handle),
                        caf::actor_cast<session_listener_actor>(mailbox_handle),
                        caf::actor_cast<session_listener_actor>(reg_handle)};
  auto auth_handle = spawn_auth(sys, auth_cfg);
  return {{reg_handle, auth_handle, keys_handle, mailbox_handle},
          spawn_lifetime(sys),
          config.limits.gateway};
}

caf::actor spawn_lifetime(caf::actor_system& sys) {
  // The int is there because CAF 0.17 dereferences a null pointer (UB) when
  // a function actor is spawned with no argument.
  return sys.spawn(
    [](caf::event_based_actor*, int) -> caf::behavior { return {[](caf::ok_atom) {}}; }, 0);
}

hub_handles local_gateway(caf::actor_system& sys, const running_hub& hub) {
  return {spawn_gateway(sys,
                        {hub.actors, "local", caf::node_id{}, member_link_actor{}, hub.lifetime,
                         hub.limits, connection_reaper_actor{}})};
}

connection_reaper_actor spawn_hub_reaper(caf::actor_system& sys, const running_hub& hub) {
  return spawn_reaper(sys,
                      {hub.lifetime, {hub.limits.handshake_deadline, hub.limits.login_deadline}});
}

hub_front_actor spawn_hub_front(caf::actor_system& sys, const running_hub& hub,
                                caf::io::middleman_actor middleman,
                                connection_reaper_actor reaper) {
  return spawn_front(
    sys, {hub.actors, std::move(middleman), hub.lifetime, hub.limits, {}, std::move(reaper)});
}

void stop_hub(const running_hub& hub) {
  caf::anon_send_exit(hub.lifetime, caf::exit_reason::user_shutdown);
  for (const auto& h : {caf::actor_cast<caf::actor>(hub.actors.auth),
                        caf::actor_cast<caf::actor>(hub.actors.registry),
                        caf::actor_cast<caf::actor>(hub.actors.keys),
                        caf::actor_cast<caf::actor>(hub.actors.mailbox)})
    if (h)
      caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
}

void register_chatter_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::chatter>();
  // Typed handles that cross nodes: a member hands its link and its
  // accounts to the hub, the hub answers hello with the gateway; cluster
  // nodes trade links.
  cfg.add_message_type<session_peer_actor>("chatter::session_peer_actor");
  cfg.add_message_type<member_link_actor>("chatter::member_link_actor");
  cfg.add_message_type<member_gateway_actor>("chatter::member_gateway_actor");
  cfg.add_message_type<hub_handles>("chatter::hub_handles");
  cfg.add_message_type<cluster_node_actor>("chatter::cluster_node_actor");
  cfg.add_error_category(error_category, render_error);
}

}  // namespace chatter
