// The D-Bus bridge: the objects of API v1 and the glue between them and the
// actors. A method validates its arguments, sends one request to one actor,
// and answers its sdbus::Result when the reply comes back; actor events
// arrive at the event sink actor and become property changes and signals.
// Everything sd-bus happens on the bus_loop thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>

#include "bus_loop.hpp"
#include "names.hpp"
#include "interfaces.hpp"

namespace chatter::dbus {

class account_object;
class manager_object;
class tuxdroid_object;

struct bridge_info {
  std::string version;
  std::string hub_address;  // "embedded" or HOST:PORT
};

class bridge {
public:
  static constexpr auto call_timeout = std::chrono::seconds(45);

  bridge(caf::actor_system& sys, bus_loop& loop, bridge_info info);
  ~bridge();

  // The actor that receives account events; hand it to the account manager.
  event_sink_actor events() const {
    return events_;
  }

  // Exports the objects, one per account the manager knows, and only then
  // takes the bus name, so a client that sees the name sees the accounts.
  // Call before loop.start().
  void export_objects(account_manager_actor manager, tuxdroid_actor robot);
  // Drops the objects and the name; call while the loop still runs.
  void unexport_objects();

  const bridge_info& info() const {
    return info_;
  }
  const account_manager_actor& manager() const {
    return manager_;
  }
  bus_loop& loop() {
    return loop_;
  }

  // --- loop thread only ----------------------------------------------------
  account_object& ensure_account(const std::string& user);
  std::vector<std::string> account_names() const;
  void hub_connected(bool connected);
  // The robot's object; null before export_objects.
  tuxdroid_object* robot() {
    return robot_object_.get();
  }

  // Sends a request to `target` from a short-lived actor; `on_reply` (typed
  // like the reply) or `on_error` then runs on the loop thread.
  template <class Handle, class OnReply, class... Ts>
  void ask(const Handle& target, OnReply on_reply,
           std::function<void(const caf::error&)> on_error, Ts... xs);

  // ask() to the actor of `user`'s account (the manager finds or spawns it).
  template <class OnReply, class... Ts>
  void ask_account(const std::string& user, OnReply on_reply,
                   std::function<void(const caf::error&)> on_error, Ts... xs);

private:
  template <class Sig>
  struct on_loop;

  caf::actor_system& sys_;
  bus_loop& loop_;
  bridge_info info_;
  account_manager_actor manager_;
  event_sink_actor events_;
  std::unique_ptr<manager_object> manager_object_;
  std::unique_ptr<tuxdroid_object> robot_object_;
  std::map<std::string, std::unique_ptr<account_object>> accounts_;
};

// A method's sdbus::Result, made shareable so the actor's reply can answer it.
template <class... Ts>
std::shared_ptr<sdbus::Result<Ts...>> share(sdbus::Result<Ts...>&& result) {
  return std::make_shared<sdbus::Result<Ts...>>(std::move(result));
}

// The error callback that answers `res` with the named error.
template <class Res>
std::function<void(const caf::error&)> answer_error(std::shared_ptr<Res> res) {
  return [res](const caf::error& err) { res->returnError(to_dbus_error(err)); };
}

template <class C, class R, class... Args>
struct bridge::on_loop<R (C::*)(Args...) const> {
  template <class F>
  static auto wrap(bus_loop* loop, F f) {
    return [loop, f](Args... args) {
      loop->post([f, values = std::make_tuple(std::decay_t<Args>(args)...)]() mutable {
        std::apply(f, values);
      });
    };
  }
};

template <class Handle, class OnReply, class... Ts>
void bridge::ask(const Handle& target, OnReply on_reply,
                 std::function<void(const caf::error&)> on_error, Ts... xs) {
  auto* loop = &loop_;
  auto reply = on_loop<decltype(&OnReply::operator())>::wrap(loop, on_reply);
  // `to` is a spawn argument, not a capture: CAF 0.17 dereferences a null
  // pointer (UB) when a function actor is spawned with no argument.
  sys_.spawn([=](caf::event_based_actor* self, Handle to) {
    self->request(to, call_timeout, xs...)
      .then(reply, [loop, on_error](const caf::error& err) {
        loop->post([on_error, err] { on_error(err); });
      });
  }, target);
}

template <class OnReply, class... Ts>
void bridge::ask_account(const std::string& user, OnReply on_reply,
                         std::function<void(const caf::error&)> on_error, Ts... xs) {
  auto* loop = &loop_;
  auto reply = on_loop<decltype(&OnReply::operator())>::wrap(loop, on_reply);
  auto fail = [loop, on_error](const caf::error& err) {
    loop->post([on_error, err] { on_error(err); });
  };
  sys_.spawn([=](caf::event_based_actor* self, account_manager_actor manager) {
    self->request(manager, call_timeout, account_atom_v, user)
      .then(
        [=](const account_actor& account) {
          self->request(account, call_timeout, xs...).then(reply, fail);
        },
        fail);
  }, manager_);
}

} // namespace chatter::dbus
