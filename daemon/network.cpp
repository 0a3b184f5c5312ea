#include "network.hpp"

#include <csignal>
#include <filesystem>
#include <iostream>

#include <sys/resource.h>

#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <spdlog/spdlog.h>

namespace chatter {

hub_config hub_config_from(const daemon_options& opts) {
  hub_config cfg;
  cfg.database_path = (std::filesystem::path(opts.data_dir) / "hub" / "hub.db").string();
  cfg.rechallenge_interval = std::chrono::seconds(opts.rechallenge_interval);
  cfg.limits.signups_per_hour_per_address = opts.signups_per_hour;
  cfg.limits.sessions_per_user = opts.sessions_per_user;
  cfg.limits.queued_envelopes_per_recipient = opts.queue_max_messages;
  cfg.limits.queued_bytes_per_recipient = uint64_t{opts.queue_max_mib} * 1024 * 1024;
  cfg.limits.gateway.gateways_per_address = opts.connections_per_address;
  cfg.limits.gateway.handshake_deadline = std::chrono::seconds(opts.handshake_timeout);
  cfg.limits.gateway.login_deadline = std::chrono::seconds(opts.login_timeout);
  return cfg;
}

void prepare_process_for_network() {
  std::signal(SIGPIPE, SIG_IGN);
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &files) != 0)
      spdlog::warn("could not raise the open-file limit to {}", files.rlim_max);
  }
}

void load_network(caf::actor_system_config& cfg, const daemon_options& opts) {
  cfg.load<caf::io::middleman>();
  if (!opts.tls_cert.empty()) {
    cfg.load<caf::openssl::manager>();
    cfg.openssl_certificate = opts.tls_cert;
    cfg.openssl_key = opts.tls_key;
    cfg.openssl_cafile = opts.tls_ca;
  }
}

caf::io::middleman_actor network_middleman(caf::actor_system& sys, const daemon_options& opts) {
  return opts.tls_cert.empty() ? sys.middleman().actor_handle()
                               : sys.openssl_manager().actor_handle();
}

uint16_t publish_hub(caf::actor_system& sys, const hub_front_actor& front,
                     const connection_reaper_actor& reaper, const daemon_options& opts,
                     const std::string& suffix) {
  bool tls = !opts.tls_cert.empty();
  auto host = opts.listen.host.c_str();
  // SO_REUSEADDR: a restarted hub gets its port back at once.
  auto port = tls ? caf::openssl::publish(front, opts.listen.port, host, true)
                  : sys.middleman().publish(front, opts.listen.port, host, true);
  if (!port)
    throw std::runtime_error("cannot listen on " + opts.listen.str() + ": "
                             + sys.render(port.error()));
  std::cout << "chatterd: hub listening on " << opts.listen.host << ':' << *port
            << (tls ? " (TLS)" : "") << suffix << std::endl;
  spdlog::info("hub listening on {}:{}{}{}", opts.listen.host, *port, tls ? " (TLS)" : "", suffix);
  caf::anon_send(reaper, reap_atom_v, *port);
  return *port;
}

}  // namespace chatter
