#include "bridge.hpp"

#include <tuple>
#include <utility>

#include <spdlog/spdlog.h>

#include "account_object.hpp"
#include "errors.hpp"
#include "introspection_docs.hpp"
#include "manager_object.hpp"
#include "paths.hpp"
#include "tuxdroid_object.hpp"

namespace chatter::dbus {

namespace {

// The batched signals' entries of one coalescing window, per account.
struct sink_state {
  std::map<std::string, std::vector<message_record>> received;
  std::map<std::string, std::vector<state_change>> states;
  bool window_open = false;
};
using sink_state_ptr = std::shared_ptr<sink_state>;

// The window closes with the flush, which queues behind every event already
// on its way to the loop: under load one batched signal carries them all,
// and a lone message waits one turn of the loop, not a timer.
void open_window(bus_companion* self, sink_state& st) {
  if (std::exchange(st.window_open, true))
    return;
  self->send(self, flush_atom_v);
}

// Runs after the window's single signals, so those come first.
void close_window(sink_state& st, bridge* owner) {
  st.window_open = false;
  for (auto& [user, batch] : std::exchange(st.received, {}))
    if (auto* account = owner->find_account(user))
      account->received_batch(batch);
  for (auto& [user, batch] : std::exchange(st.states, {}))
    if (auto* account = owner->find_account(user))
      account->states_batch(batch);
}

void batch_state(bus_companion* self, sink_state& st, bridge* owner, const std::string& user,
                 state_change change) {
  if (!owner->batching())
    return;
  st.states[user].push_back(std::move(change));
  open_window(self, st);
}

// The account events that change the account objects' properties: the one
// writer of their cache.
auto status_rows(bridge* owner) {
  return std::make_tuple(
    [owner](known_atom, const std::string& user) { owner->ensure_account(user); },
    [owner](authed_atom, const account_status& status) {
      owner->ensure_account(status.user).update(status);
    },
    [owner](reauth_atom, const std::string& user, int64_t ts) {
      owner->ensure_account(user).reauthenticated(ts);
    },
    [owner](stats_atom, const std::string& user, uint64_t dropped) {
      owner->ensure_account(user).stats(dropped);
    },
    [owner](health_atom, const std::string& user, const std::string& health) {
      owner->ensure_account(user).health_changed(health);
    },
    [owner](hubup_atom, const std::string&) { owner->hub_connected(true); },
    [owner](hubdown_atom, const std::string&) { owner->hub_connected(false); });
}

// The account events that are signals; messages and state changes also as
// batches, while some client wants them.
auto signal_rows(bus_companion* self, const sink_state_ptr& st, bridge* owner) {
  return std::make_tuple(
    [owner](revoked_atom, const std::string& user, const std::string& why) {
      owner->ensure_account(user).revoked(why);
    },
    [self, st, owner](received_atom, const std::string& user, const message_record& m) {
      owner->ensure_account(user).received(m);
      if (owner->batching()) {
        st->received[user].push_back(m);
        open_window(self, *st);
      }
    },
    [self, st, owner](state_atom, const std::string& user, const std::string& id,
                      const std::string& peer, const std::string& state) {
      owner->ensure_account(user).state_changed(id, peer, state);
      batch_state(self, *st, owner, user, {id, peer, state, {}});
    },
    [self, st, owner](state_atom, const std::string& user, const std::string& id,
                      const std::string& peer, const std::string& state,
                      const std::map<std::string, std::string>& extras) {
      owner->ensure_account(user).state_changed(id, peer, state, extras);
      batch_state(self, *st, owner, user, {id, peer, state, extras});
    },
    [owner](missing_atom, const std::string& user, const std::string& peer, uint64_t count) {
      owner->ensure_account(user).messages_missing(peer, count);
    },
    [owner](keychange_atom, const std::string& user, const std::string& contact,
            const std::string& fp) { owner->ensure_account(user).key_changed(contact, fp); },
    [owner](presence_atom, const std::string& user, const presence_info& info) {
      owner->ensure_account(user).presence_changed(info);
    },
    [owner](arrived_atom, const std::string& user, const std::string& contact,
            const std::string& display_name) {
      owner->ensure_account(user).arrived(contact, display_name);
    },
    [owner](requested_atom, const std::string& user, const std::string& from,
            const std::string& message) {
      owner->ensure_account(user).contact_requested(from, message);
    },
    [owner](consent_atom, const std::string& user, const std::string& contact,
            const std::string& state) {
      owner->ensure_account(user).consent_changed(contact, state);
    });
}

auto robot_rows(bridge* owner) {
  return std::make_tuple(
    [owner](performed_atom, const std::string& action, const std::string& detail) {
      if (auto* robot = owner->robot())
        robot->performed(action, detail);
    },
    [owner](tuxstate_atom, const std::string& backend, bool connected, bool on_arrival,
            bool on_message) {
      if (auto* robot = owner->robot())
        robot->state_changed(backend, connected, on_arrival, on_message);
    });
}

// What event_sink_actor receives, handled on the loop thread in the order it
// came (the sink is a companion of the loop), plus the flush it sends itself.
caf::behavior event_sink(bus_companion* self, bridge* owner) {
  auto st = std::make_shared<sink_state>();
  auto flush = [self, st, owner](flush_atom) {
    if (self->current_sender() == self->ctrl())
      close_window(*st, owner);
  };
  return std::apply(
    [&](auto... rows) {
      return caf::behavior{flush, rows...};
    },
    std::tuple_cat(status_rows(owner), signal_rows(self, st, owner), robot_rows(owner)));
}

}  // namespace

bridge::bridge(caf::actor_system& sys, bus_loop& loop, bridge_info info)
  : sys_(sys), loop_(loop), loop_unit_(&sys), info_(std::move(info)) {
  companion_handle_ = sys_.spawn<bus_companion>();
  companion_ =
    static_cast<bus_companion*>(caf::actor_cast<caf::abstract_actor*>(companion_handle_));
  // Without a behavior the companion would end with its last reply.
  companion_->become([](caf::ok_atom) {});
  attach(companion_, companion_handle_);
  sink_handle_ = sys_.spawn<bus_companion>();
  sink_ = static_cast<bus_companion*>(caf::actor_cast<caf::abstract_actor*>(sink_handle_));
  sink_->become(event_sink(sink_, this));
  attach(sink_, sink_handle_);
  events_ = caf::actor_cast<event_sink_actor>(sink_handle_);
}

void bridge::attach(bus_companion* companion, caf::actor handle) {
  companion->on_enqueue(
    [this, companion, keep = std::move(handle)](caf::mailbox_element_ptr element) {
      // std::function needs a copyable task; the disposer still frees it.
      std::shared_ptr<caf::mailbox_element> shared(element.release(), caf::detail::disposer{});
      loop_.post([this, companion, keep, shared] { companion->activate(&loop_unit_, *shared); });
    });
}

bridge::~bridge() {
  end_companion(sink_, sink_handle_);
  end_companion(companion_, companion_handle_);
}

void bridge::end_companion(bus_companion*& companion, caf::actor& handle) {
  if (!companion)
    return;
  // As CAF's own actor_widget does; this also drops the handler's strong
  // reference, so await_all_actors_done() does not wait for it.
  companion->on_enqueue(nullptr);
  companion->cleanup(caf::exit_reason::user_shutdown, &loop_unit_);
  companion = nullptr;
  handle = nullptr;
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
    end_companion(sink_, sink_handle_);
    end_companion(companion_, companion_handle_);
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
  auto bus =
    sdbus::createProxy(loop_.connection(), "org.freedesktop.DBus", "/org/freedesktop/DBus");
  bus->callMethod("NameHasOwner")
    .onInterface("org.freedesktop.DBus")
    .withArguments(client)
    .storeResultsTo(there);
  if (!there)
    forget();
  return slot;
}

account_object& bridge::ensure_account(const std::string& user) {
  auto i = accounts_.find(user);
  if (i == accounts_.end())
    i = accounts_.emplace(user, std::make_unique<account_object>(loop_.connection(), *this, user))
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

}  // namespace chatter::dbus
