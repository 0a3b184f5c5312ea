#include "bridge.hpp"

#include <spdlog/spdlog.h>

#include "account_object.hpp"
#include "introspection_docs.hpp"
#include "manager_object.hpp"
#include "names.hpp"
#include "tuxdroid_object.hpp"

namespace chatter::dbus {

namespace {

// Forwards account events to the loop thread, in the order they came.
event_sink_actor::behavior_type event_sink(event_sink_actor::pointer,
                                           bridge* owner) {
  auto& loop = owner->loop();
  return {
    [owner, &loop](known_atom, const std::string& user) {
      loop.post([owner, user] { owner->ensure_account(user); });
    },
    [owner, &loop](authed_atom, const account_status& status) {
      loop.post([owner, status] { owner->ensure_account(status.user).update(status); });
    },
    [owner, &loop](reauth_atom, const std::string& user, int64_t ts) {
      loop.post([owner, user, ts] { owner->ensure_account(user).reauthenticated(ts); });
    },
    [owner, &loop](revoked_atom, const std::string& user, const std::string& why) {
      loop.post([owner, user, why] { owner->ensure_account(user).revoked(why); });
    },
    [owner, &loop](received_atom, const std::string& user, const message_record& m) {
      loop.post([owner, user, m] { owner->ensure_account(user).received(m); });
    },
    [owner, &loop](state_atom, const std::string& user, const std::string& id,
                   const std::string& peer, const std::string& state) {
      loop.post([=] { owner->ensure_account(user).state_changed(id, peer, state); });
    },
    [owner, &loop](state_atom, const std::string& user, const std::string& id,
                   const std::string& peer, const std::string& state,
                   const std::map<std::string, std::string>& extras) {
      loop.post([=] { owner->ensure_account(user).state_changed(id, peer, state, extras); });
    },
    [owner, &loop](missing_atom, const std::string& user, const std::string& peer,
                   uint64_t count) {
      loop.post([=] { owner->ensure_account(user).messages_missing(peer, count); });
    },
    [owner, &loop](keychange_atom, const std::string& user, const std::string& contact,
                   const std::string& fp) {
      loop.post([=] { owner->ensure_account(user).key_changed(contact, fp); });
    },
    [owner, &loop](presence_atom, const std::string& user, const presence_info& info) {
      loop.post([=] { owner->ensure_account(user).presence_changed(info); });
    },
    [owner, &loop](arrived_atom, const std::string& user, const std::string& contact,
                   const std::string& display_name) {
      loop.post([=] { owner->ensure_account(user).arrived(contact, display_name); });
    },
    [owner, &loop](stats_atom, const std::string& user, uint64_t dropped) {
      loop.post([=] { owner->ensure_account(user).stats(dropped); });
    },
    [owner, &loop](health_atom, const std::string& user, const std::string& health) {
      loop.post([=] { owner->ensure_account(user).health_changed(health); });
    },
    [owner, &loop](hubup_atom, const std::string&) {
      loop.post([=] { owner->hub_connected(true); });
    },
    [owner, &loop](hubdown_atom, const std::string&) {
      loop.post([=] { owner->hub_connected(false); });
    },
    [owner, &loop](performed_atom, const std::string& action, const std::string& detail) {
      loop.post([=] {
        if (auto* robot = owner->robot())
          robot->performed(action, detail);
      });
    },
    [owner, &loop](tuxstate_atom, const std::string& backend, bool connected, bool on_arrival,
                   bool on_message) {
      loop.post([=] {
        if (auto* robot = owner->robot())
          robot->state_changed(backend, connected, on_arrival, on_message);
      });
    },
  };
}

} // namespace

bridge::bridge(caf::actor_system& sys, bus_loop& loop, bridge_info info)
  : sys_(sys), loop_(loop), loop_unit_(&sys), info_(std::move(info)) {
  events_ = sys_.spawn(event_sink, this);
  companion_handle_ = sys_.spawn<bus_companion>();
  companion_ = static_cast<bus_companion*>(caf::actor_cast<caf::abstract_actor*>(companion_handle_));
  // Without a behavior the companion would end with its last reply.
  companion_->become([](caf::ok_atom) {});
  companion_->on_enqueue([this, self = companion_, keep = companion_handle_](
                           caf::mailbox_element_ptr element) {
    // std::function needs a copyable task; the disposer still frees it.
    std::shared_ptr<caf::mailbox_element> shared(element.release(), caf::detail::disposer{});
    loop_.post([this, self, keep, shared] { self->activate(&loop_unit_, *shared); });
  });
}

bridge::~bridge() {
  caf::anon_send_exit(events_, caf::exit_reason::user_shutdown);
  end_companion();
}

void bridge::end_companion() {
  if (!companion_)
    return;
  // As CAF's own actor_widget does; this also drops the handler's strong
  // reference, so await_all_actors_done() does not wait for it.
  companion_->on_enqueue(nullptr);
  companion_->cleanup(caf::exit_reason::user_shutdown, &loop_unit_);
  companion_ = nullptr;
  companion_handle_ = nullptr;
}

void bridge::export_objects(account_manager_actor manager, tuxdroid_actor robot) {
  manager_ = std::move(manager);
  manager_object_ = std::make_unique<manager_object>(loop_.connection(), *this);
  robot_object_ = std::make_unique<tuxdroid_object>(loop_.connection(), *this, std::move(robot));
  caf::scoped_actor self{sys_};
  self->request(manager_, call_timeout, known_atom_v)
    .receive(
      [this](const std::vector<std::string>& users) {
        for (auto& user : users)
          ensure_account(user);
      },
      [](const caf::error& err) {
        spdlog::error("the account manager did not list its accounts: {}", describe(err).sentence);
      });
  docs_ = std::make_unique<introspection_docs>(loop_.connection());
  loop_.connection().requestName(service_name);
}

void bridge::unexport_objects() {
  loop_.run_sync([this] {
    try {
      loop_.connection().releaseName(service_name);
    } catch (const sdbus::Error& err) {
      spdlog::warn("releasing {}: {}", service_name, err.what());
    }
    docs_.reset();
    accounts_.clear();
    robot_object_.reset();
    manager_object_.reset();
    end_companion();
  });
}

account_object& bridge::ensure_account(const std::string& user) {
  auto i = accounts_.find(user);
  if (i == accounts_.end())
    i = accounts_
          .emplace(user, std::make_unique<account_object>(loop_.connection(),
                                                          *this, user))
          .first;
  return *i->second;
}

void bridge::hub_connected(bool connected) {
  if (manager_object_)
    manager_object_->hub_connected(connected);
}

std::vector<std::string> bridge::account_names() const {
  std::vector<std::string> names;
  for (auto& [name, obj] : accounts_)
    names.push_back(name);
  return names;
}

} // namespace chatter::dbus
