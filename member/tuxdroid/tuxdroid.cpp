#include "tuxdroid.hpp"

#include <map>

#include <spdlog/spdlog.h>

#include "actions.hpp"
#include "coalescer.hpp"
#include "core/errors.hpp"
#include "speech.hpp"
#include "tux_worker.hpp"

namespace chatter {

namespace {

// A turn can hold a long utterance through espeak-ng; HTTP turns are bounded
// by the backend's own timeouts.
constexpr auto turn_timeout = std::chrono::seconds(90);
// Display names learnt from arrivals, so messages name people the same way.
constexpr size_t max_known_names = 4096;

struct tuxdroid_state {
  tuxdroid_state(tuxdroid_config cfg, tux::phrasebook book)
    : config(std::move(cfg)), todo(std::move(book)), backend(config.backend.kind) {}
  tuxdroid_config config;
  tux::coalescer todo;
  tux_worker_actor worker;
  std::string backend;  // "auto" until the worker's first probe has chosen
  bool connected = false;
  bool busy = false;       // a turn is with the worker
  bool scheduled = false;  // a flush is on its way
  std::chrono::steady_clock::time_point turn_started;
  std::map<std::string, std::string> names;
};

using tux_pointer = tuxdroid_actor::stateful_pointer<std::shared_ptr<tuxdroid_state>>;

void publish(tux_pointer self) {
  auto& st = *self->state;
  self->send(st.config.events, tuxstate_atom_v, st.backend, st.connected,
             st.config.react_on_arrival, st.config.react_on_message);
}

void set_connected(tux_pointer self, bool connected) {
  if (connected == self->state->connected)
    return;
  self->state->connected = connected;
  publish(self);
}

// The next turn, after `delay` and never sooner than min_turn after the
// last one began.
void schedule(tux_pointer self, std::chrono::milliseconds delay) {
  auto& st = *self->state;
  if (st.busy || st.scheduled)
    return;
  st.scheduled = true;
  auto cooldown = std::chrono::duration_cast<std::chrono::milliseconds>(
    st.turn_started + st.config.min_turn - std::chrono::steady_clock::now());
  self->delayed_send(self, std::max(delay, cooldown), flush_atom_v);
}

void next_turn(tux_pointer self) {
  auto& st = *self->state;
  if (st.busy)
    return;
  auto turn = st.todo.next();
  if (!turn)
    return;
  st.busy = true;
  st.turn_started = std::chrono::steady_clock::now();
  spdlog::debug("tux: {} turn: \"{}\" {}", turn->origin, turn->speech, turn->actions.size());
  auto finished = [self](bool connected) {
    auto& st = *self->state;
    st.busy = false;
    set_connected(self, connected);
    if (!st.todo.empty())
      schedule(self, std::chrono::milliseconds(0));
  };
  self->request(st.worker, turn_timeout, perform_atom_v, turn->speech, turn->actions)
    .then(finished, [self, finished](const caf::error& err) {
      spdlog::warn("tux: a turn failed: {}", describe(err).sentence);
      finished(self->state->connected);
    });
}

// `state` is a spawn argument, not a capture: CAF 0.17 dereferences a null
// pointer (UB) when a function actor is spawned with no argument.
tuxdroid_actor::behavior_type tuxdroid(tux_pointer self, std::shared_ptr<tuxdroid_state> state) {
  self->state = state;
  auto& st = *state;
  st.worker = self->spawn<caf::detached + caf::linked>(
    tux_worker, tux_worker_config{st.config.backend, st.config.events});
  self->send(self, probe_atom_v);
  publish(self);
  return {
    [self](arrived_atom, const std::string&, const std::string& user,
           const std::string& display_name) {
      auto& st = *self->state;
      if (st.names.size() >= max_known_names)
        st.names.clear();
      st.names[user] = display_name;
      if (!st.config.react_on_arrival)
        return;
      st.todo.arrival(tux::sanitize_speech(display_name, 64));
      schedule(self, st.config.gather);
    },
    [self](received_atom, const std::string&, const message_record& m) {
      auto& st = *self->state;
      if (!st.config.react_on_message)
        return;
      auto known = st.names.find(m.from);
      auto name = known == st.names.end() ? m.from : known->second;
      st.todo.message(tux::sanitize_speech(name, 64), m.text);
      schedule(self, st.config.gather);
    },
    [self](speak_atom, const std::string& text) -> caf::result<caf::ok_atom> {
      auto clean = tux::sanitize_speech(text);
      if (clean.empty())
        return make_error(errc::invalid_argument,
                          "nothing to say: the text is empty once control characters "
                          "are removed");
      if (!self->state->todo.request({"speak", clean, {}}))
        return make_error(errc::rate_limited,
                          "the robot has " + std::to_string(tux::coalescer::max_requests)
                            + " requests waiting; try again later");
      schedule(self, std::chrono::milliseconds(0));
      return caf::ok_atom_v;
    },
    [self](perform_atom, const std::string& action) -> caf::result<caf::ok_atom> {
      if (!tux::is_action(action))
        return make_error(errc::invalid_argument,
                          "unknown action '" + action + "'; valid actions: " + tux::action_list());
      if (!self->state->todo.request({"perform", {}, {action}}))
        return make_error(errc::rate_limited,
                          "the robot has " + std::to_string(tux::coalescer::max_requests)
                            + " requests waiting; try again later");
      schedule(self, std::chrono::milliseconds(0));
      return caf::ok_atom_v;
    },
    [self](react_atom, bool on_arrival, bool on_message) {
      auto& cfg = self->state->config;
      if (cfg.react_on_arrival != on_arrival || cfg.react_on_message != on_message) {
        cfg.react_on_arrival = on_arrival;
        cfg.react_on_message = on_message;
        publish(self);
      }
      return caf::ok_atom_v;
    },
    [self](flush_atom) {
      self->state->scheduled = false;
      next_turn(self);
    },
    [self](probe_atom) {
      auto& st = *self->state;
      self->request(st.worker, turn_timeout, probe_atom_v)
        .then(
          [self](const std::string& backend, bool connected) {
            auto& st = *self->state;
            if (st.backend != backend) {
              st.backend = backend;
              st.connected = connected;
              publish(self);
            }
            set_connected(self, connected);
          },
          [](const caf::error&) {});
      // Only a robot can come and go; the other backends need no polling.
      if (st.backend == "auto" || st.backend == "tuxhttp")
        self->delayed_send(self, st.config.probe_interval, probe_atom_v);
    },
  };
}

}  // namespace

tuxdroid_actor spawn_tuxdroid(caf::actor_system& sys, tuxdroid_config config) {
  auto book = tux::phrasebook_for(config.backend.language);
  if (book.language.empty())
    book = tux::phrasebook_for("en");
  if (!config.greeting.empty())
    book.greeting = config.greeting;
  return sys.spawn(tuxdroid, std::make_shared<tuxdroid_state>(config, book));
}

}  // namespace chatter
