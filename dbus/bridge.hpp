// The D-Bus bridge: the objects of API v1 and the glue between them and the
// actors. A method validates its arguments, sends one request to one actor,
// and answers its sdbus::Result when the reply comes back; actor events
// arrive at the event sink actor and become property changes and signals.
// Everything sd-bus happens on the bus_loop thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>

#include <caf/actor_companion.hpp>
#include <caf/mixin/requester.hpp>
#include <caf/scoped_execution_unit.hpp>

#include "bus_loop.hpp"
#include "core/interfaces.hpp"
#include "errors.hpp"
#include "paths.hpp"

namespace chatter::dbus {

class account_object;
class introspection_docs;
class manager_object;
class tuxdroid_object;

// The bus loop's own actor (CAF's way into a foreign event loop): what it
// receives is handed to the loop thread and handled there, so a reply to
// one of its requests runs on the loop without a helper actor in between.
class bus_companion
  : public caf::extend<caf::actor_companion, bus_companion>::with<caf::mixin::requester> {
public:
  explicit bus_companion(caf::actor_config& cfg) : extended_base(cfg) {}
};

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
  // Drops the objects and the name and ends the loop's actor; call while
  // the loop still runs.
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
  // Any thread: whether some connection wants the batched signals.
  bool batching() const {
    return batched_clients_.load(std::memory_order_relaxed) > 0;
  }

  // --- loop thread only ----------------------------------------------------
  account_object& ensure_account(const std::string& user);
  // The object of `user`'s account, null when there is none (any more).
  account_object* find_account(const std::string& user);
  // A match that tells `user`'s object when the connection `client` (a
  // unique name) leaves the bus, for as long as the slot lives.
  sdbus::Slot watch_departure(const std::string& client, const std::string& user);
  // Connections that asked an account for the batched signals, counted
  // across accounts: the event sink gathers them only while there are some.
  void batched_clients(int delta) {
    batched_clients_ += delta;
  }
  std::vector<std::string> account_names() const;
  void hub_connected(bool connected);
  // The robot's object; null before export_objects.
  tuxdroid_object* robot() {
    return robot_object_.get();
  }

  // Sends a request to `target` from the loop's companion actor;
  // `on_reply` (typed like the reply) or `on_error` then runs on the loop.
  template <class Handle, class OnReply, class... Ts>
  void ask(const Handle& target, OnReply on_reply, std::function<void(const caf::error&)> on_error,
           Ts... xs);

  // ask() to the actor of `user`'s account. The manager finds or spawns it
  // on the first call; later calls go straight to the remembered handle
  // (one hop instead of two: the manager is a detached thread to wake).
  template <class OnReply, class... Ts>
  void ask_account(const std::string& user, OnReply on_reply,
                   std::function<void(const caf::error&)> on_error, Ts... xs);

  // A D-Bus method as one request: asks `target` (or `user`'s account) and
  // answers `result` with convert(reply), or with the named error. `convert`
  // takes the reply typed as the actor answers it and returns the method's
  // one result, or nothing for a method without results.
  template <class Handle, class... Rs, class Convert, class... Ts>
  void forward(const Handle& target, sdbus::Result<Rs...>&& result, Convert convert, Ts... xs);
  template <class... Rs, class Convert, class... Ts>
  void forward_account(const std::string& user, sdbus::Result<Rs...>&& result, Convert convert,
                       Ts... xs);

private:
  void end_companion(bus_companion*& companion, caf::actor& handle);
  // Makes `companion` run what it receives on the loop thread, in the order
  // it was enqueued there among everything else posted to the loop.
  void attach(bus_companion* companion, caf::actor handle);

  caf::actor_system& sys_;
  bus_loop& loop_;
  caf::scoped_execution_unit loop_unit_;
  caf::actor companion_handle_;
  bus_companion* companion_ = nullptr;
  // The event sink is a companion of the loop too: an account's event and
  // its reply to a call, sent in that order, reach the loop in that order,
  // so the reply finds the properties already changed.
  caf::actor sink_handle_;
  bus_companion* sink_ = nullptr;
  bridge_info info_;
  account_manager_actor manager_;
  event_sink_actor events_;
  std::unique_ptr<manager_object> manager_object_;
  std::unique_ptr<tuxdroid_object> robot_object_;
  std::map<std::string, std::unique_ptr<account_object>> accounts_;
  std::unique_ptr<introspection_docs> docs_;  // the XML's comments in Introspect
  std::map<std::string, account_actor> account_handles_;
  std::atomic<int> batched_clients_{0};
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

// True, after answering InvalidArgument `why`, when `why` is not empty: a
// method's validation is `if (refused(result, check_...(...))) return;`.
template <class... Rs>
bool refused(sdbus::Result<Rs...>& result, const std::string& why) {
  if (why.empty())
    return false;
  result.returnError(to_dbus_error(errc::invalid_argument, why));
  return true;
}

// Converters for forward(): a reply that carries no result of the method,
// and one that is the result as it is.
template <class Reply>
inline constexpr auto no_results = [](const Reply&) {};
template <class Reply>
inline constexpr auto as_is = [](const Reply& reply) { return reply; };

namespace detail {

// The reply type a converter takes (its one argument, as CAF matches it).
template <class F>
struct reply_of : reply_of<decltype(&F::operator())> {};
template <class C, class R, class A>
struct reply_of<R (C::*)(A) const> {
  using type = A;
};
template <class R, class A>
struct reply_of<R (*)(A)> {
  using type = A;
};

template <class Res, class Convert>
auto answer_with(std::shared_ptr<Res> res, Convert convert) {
  using reply = typename reply_of<Convert>::type;
  return [res, convert](reply x) {
    if constexpr (std::is_void_v<decltype(convert(x))>) {
      convert(x);
      res->returnResults();
    } else
      res->returnResults(convert(x));
  };
}

}  // namespace detail

template <class Handle, class OnReply, class... Ts>
void bridge::ask(const Handle& target, OnReply on_reply,
                 std::function<void(const caf::error&)> on_error, Ts... xs) {
  companion_->request(target, call_timeout, xs...)
    .then(std::move(on_reply),
          [on_error = std::move(on_error)](const caf::error& err) { on_error(err); });
}

template <class Handle, class... Rs, class Convert, class... Ts>
void bridge::forward(const Handle& target, sdbus::Result<Rs...>&& result, Convert convert,
                     Ts... xs) {
  auto res = share(std::move(result));
  ask(target, detail::answer_with(res, convert), answer_error(res), std::move(xs)...);
}

template <class... Rs, class Convert, class... Ts>
void bridge::forward_account(const std::string& user, sdbus::Result<Rs...>&& result,
                             Convert convert, Ts... xs) {
  auto res = share(std::move(result));
  ask_account(user, detail::answer_with(res, convert), answer_error(res), std::move(xs)...);
}

template <class OnReply, class... Ts>
void bridge::ask_account(const std::string& user, OnReply on_reply,
                         std::function<void(const caf::error&)> on_error, Ts... xs) {
  if (auto known = account_handles_.find(user); known != account_handles_.end()) {
    // The manager keeps its accounts for the daemon's life; a dead handle
    // means shutdown, or a crash the next call should not repeat.
    auto forget = [this, user, on_error](const caf::error& err) {
      if (err == caf::sec::request_receiver_down)
        account_handles_.erase(user);
      on_error(err);
    };
    return ask(known->second, on_reply, forget, xs...);
  }
  auto first_call = [this, user, on_reply, on_error, xs...](const account_actor& account) {
    account_handles_.emplace(user, account);
    ask(account, on_reply, on_error, xs...);
  };
  ask(manager_, first_call, on_error, account_atom_v, user);
}

}  // namespace chatter::dbus
