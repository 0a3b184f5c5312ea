#include "outlet.hpp"

#include "shielded.hpp"
#include "system_messages.hpp"

namespace chatter {

namespace {

struct outlet_state {
  outlet_config config;
  uint64_t ignored = 0;
  static inline const char* name = "session_outlet";
};

using outlet_ptr = caf::stateful_actor<outlet_state, shielded<session_peer_actor::base>>*;

template <class... Ts>
void pass_on(outlet_ptr self, Ts&&... xs) {
  auto& cfg = self->state.config;
  if (cfg.only_from && caf::actor_cast<caf::actor_addr>(self->current_sender()) != cfg.only_from) {
    ++self->state.ignored;
    return;
  }
  if (cfg.speaker)
    caf::send_as(cfg.speaker, cfg.member, std::forward<Ts>(xs)...);
  else
    self->send(cfg.member, std::forward<Ts>(xs)...);
}

session_peer_actor::behavior_type outlet(outlet_ptr self, outlet_config config) {
  self->state.config = std::move(config);
  auto member = self->state.config.member;
  self->guard_with(self->state.config.guardian);
  obey_exits_only_from(self, self->state.config.guardian, "session outlet", &self->state.ignored);
  self->set_default_handler(caf::drop);
  self->monitor(member);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source == member.address() && source_ended(dm.source))
      self->quit();
  });
  return {
    [=](challenge_atom a, const std::string& s, const std::string& nonce) {
      pass_on(self, a, s, nonce);
    },
    [=](revoked_atom a, const std::string& s, const std::string& reason) {
      auto& from = self->state.config.only_from;
      bool genuine = !from || caf::actor_cast<caf::actor_addr>(self->current_sender()) == from;
      pass_on(self, a, s, reason);
      if (genuine)
        self->quit();
    },
    [=](deliver_atom a, const envelope& env) { pass_on(self, a, env); },
    [=](deliver_atom a, const std::vector<envelope>& envs) { pass_on(self, a, envs); },
    [=](receipt_atom a, const std::string& id, const std::string& recipient,
        const std::string& state) { pass_on(self, a, id, recipient, state); },
    [=](receipt_atom a, const std::vector<receipt_info>& rs) { pass_on(self, a, rs); },
    [=](presence_atom a, const presence_info& info) { pass_on(self, a, info); },
    [=](consent_atom a, const consent_entry& e) { pass_on(self, a, e); },
    [=](replenish_atom a, uint32_t left) { pass_on(self, a, left); },
    [=](hubdown_atom a, const std::string& s) { pass_on(self, a, s); },
  };
}

}  // namespace

session_peer_actor spawn_outlet(caf::actor_system& sys, outlet_config config) {
  return sys.spawn(outlet, std::move(config));
}

}  // namespace chatter
