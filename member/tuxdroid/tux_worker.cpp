#include "tux_worker.hpp"

#include <spdlog/spdlog.h>

namespace chatter {

tux_worker_actor::behavior_type
tux_worker(tux_worker_actor::stateful_pointer<std::unique_ptr<tux::backend>> self,
           tux_worker_config config) {
  // The backend is chosen at the first message, on this actor's own thread:
  // `auto` probes the server, which may take a connect timeout.
  auto backend = [self, config]() -> tux::backend& {
    if (!self->state)
      self->state = tux::make_backend(config.backend);
    return *self->state;
  };
  return {
    [=](perform_atom, const std::string& speech, const std::vector<std::string>& actions) {
      auto& robot = backend();
      auto report = [&](const std::string& action, const std::string& detail,
                        const std::string& failure) {
        if (failure.empty())
          self->send(config.events, performed_atom_v, action, detail);
        else if (action == "speak")
          spdlog::info("tux: \"{}\" not said: {}", detail, failure);
        else
          spdlog::info("tux: {} not done: {}", action, failure);
      };
      if (!speech.empty())
        report("speak", speech, robot.speak(speech));
      for (auto& action : actions)
        report(action, robot.name(), robot.perform(action));
      // The answer carries the link state a failed request may have changed.
      return robot.connected();
    },
    [=](probe_atom) {
      auto& robot = backend();
      bool connected = robot.probe();
      return caf::result<std::string, bool>(robot.name(), connected);
    },
  };
}

}  // namespace chatter
