#include "network.hpp"

#include <iostream>

#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <spdlog/spdlog.h>

namespace chatter {

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
                     const daemon_options& opts, const std::string& suffix) {
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
  return *port;
}

} // namespace chatter
