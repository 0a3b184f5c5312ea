#include "bridge.hpp"

#include <utility>

#include <spdlog/spdlog.h>

#include "account_object.hpp"
#include "introspection_docs.hpp"
#include "manager_object.hpp"
#include "names.hpp"
#include "tuxdroid_object.hpp"

namespace chatter::dbus {

namespace {

// The batched signals' entries of one coalescing window, per account.
struct sink_state {
  std::map<std::string, std::vector<message_record>> received;
  std::map<std::string, std::vector<state_change>> states;
  bool window_open = false;
  static inline const char* name = "dbus_event_sink";
};

// The flush it sends itself is no part of what accounts may send it.
using event_sink_impl = event_sink_actor::extend<caf::reacts_to<flush_atom>>;
using sink_ptr = event_sink_impl::stateful_pointer<sink_state>;

// The window closes with the flush, which queues behind every event already
// in the mailbox: under load one batched signal carries them all, and a
// lone message waits one mailbox turn, not a timer.
void open_window(sink_ptr self) {
  if (std::exchange(self->state.window_open, true))
    return;
  self->send(self, flush_atom_v);
}

// Posted after the window's single signals, so those come first.
void close_window(sink_ptr self, bridge* owner) {
  auto& st = self->state;
  st.window_open = false;
  if (st.received.empty() && st.states.empty())
    return;
  owner->loop().post([owner, received = std::exchange(st.received, {}),
                      states = std::exchange(st.states, {})] {
    for (auto& [user, batch] : received)
      if (auto* account = owner->find_account(user))
        account->received_batch(batch);
    for (auto& [user, batch] : states)
      if (auto* account = owner->find_account(user))
        account->states_batch(batch);
  });
}

void batch_state(sink_ptr self, bridge* owner, const std::string& user, state_change change) {
  if (!owner->batching())
    return;
  self->state.states[user].push_back(std::move(change));
  open_window(self);
}

// Forwards account events to the loop thread, in the order they came; the
// messages and state changes also as batches, while some client wants them.
event_sink_impl::behavior_type event_sink(sink_ptr self, bridge* owner) {
  auto& loop = owner->loop();
  return {
    [self, owner](flush_atom) {
      if (self->current_sender() == self->ctrl())
        close_window(self, owner);
    },
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
    [self, owner, &loop](received_atom, const std::string& user, const message_record& m) {
      loop.post([owner, user, m] { owner->ensure_account(user).received(m); });
      if (owner->batching()) {
        self->state.received[user].push_back(m);
        open_window(self);
      }
    },
    [self, owner, &loop](state_atom, const std::string& user, const std::string& id,
                         const std::string& peer, const std::string& state) {
      loop.post([=] { owner->ensure_account(user).state_changed(id, peer, state); });
      batch_state(self, owner, user, {id, peer, state, {}});
    },
    [self, owner, &loop](state_atom, const std::string& user, const std::string& id,
                         const std::string& peer, const std::string& state,
                         const std::map<std::string, std::string>& extras) {
      loop.post([=] { owner->ensure_account(user).state_changed(id, peer, state, extras); });
      batch_state(self, owner, user, {id, peer, state, extras});
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

account_object* bridge::find_account(const std::string& user) {
  auto i = accounts_.find(user);
  return i == accounts_.end() ? nullptr : i->second.get();
}

sdbus::Slot bridge::watch_departure(const std::string& client, const std::string& user) {
  // Posted, not run in the match's own callback: forgetting drops the slot.
  auto forget = [this, client, user] {
    loop_.post([this, client, user] {
      if (auto* account = find_account(user); account && account->forget_client(client))
        spdlog::info("{}: {} left the bus; its batched signals stop", user, client);
    });
  };
  auto rule = "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
              "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='"
              + client + "'";
  auto slot = loop_.connection().addMatch(rule, [forget](sdbus::Message& msg) {
    std::string name, old_owner, new_owner;
    msg >> name >> old_owner >> new_owner;
    if (new_owner.empty())
      forget();
  });
  // A client that left before the match was in place is gone already:
  // without this it would be remembered for good, one per such call.
  bool there = false;
  auto bus = sdbus::createProxy(loop_.connection(), "org.freedesktop.DBus", "/org/freedesktop/DBus");
  bus->callMethod("NameHasOwner").onInterface("org.freedesktop.DBus").withArguments(client)
    .storeResultsTo(there);
  if (!there)
    forget();
  return slot;
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
