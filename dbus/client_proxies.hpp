// Client-side proxies generated from the same XML as the daemon's adaptors,
// for chatterctl, the desktop clients and the tests. Signal handlers are
// optional std::functions; a connection without an event loop still serves
// plain method calls.
#pragma once

#include <functional>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "chatter_account_proxy.h"
#include "chatter_manager_proxy.h"
#include "chatter_tuxdroid_proxy.h"
#include "paths.hpp"

namespace chatter::client {

using dbus_paths::account_path;
using dbus_paths::manager_path;
using dbus_paths::service_name;
using dbus_paths::tuxdroid_path;

class manager_client final
  : public sdbus::ProxyInterfaces<org::chatter::Chatter1::Manager_proxy, sdbus::Properties_proxy> {
public:
  explicit manager_client(sdbus::IConnection& connection)
    : ProxyInterfaces(connection, service_name, manager_path) {
    registerProxy();
  }
  ~manager_client() {
    unregisterProxy();
  }

private:
  void onPropertiesChanged(const std::string&, const std::map<std::string, sdbus::Variant>&,
                           const std::vector<std::string>&) override {}
};

class account_client final
  : public sdbus::ProxyInterfaces<org::chatter::Chatter1::Account_proxy, sdbus::Properties_proxy> {
public:
  std::function<void(int64_t)> on_reauthenticated;
  std::function<void(const std::string&)> on_session_revoked;
  std::function<void(const std::map<std::string, sdbus::Variant>&)> on_properties_changed;
  std::function<void(const std::string& id, const std::string& from, const std::string& text,
                     int64_t timestamp)>
    on_message_received;
  std::function<void(const std::string& id, const std::string& peer, const std::string& state)>
    on_message_state_changed;
  std::function<void(const std::string& user, const std::string& fingerprint)> on_key_changed;
  std::function<void(const std::string& user, const std::string& status,
                     const std::string& message)>
    on_presence_changed;
  std::function<void(const std::string& user, const std::string& display_name)>
    on_interlocutor_arrived;
  std::function<void(const std::string& state)> on_state_changed;
  std::function<void(const std::string& from, const std::string& message)> on_contact_requested;
  std::function<void(const std::string& user, const std::string& state)> on_contact_state_changed;
  // The extras map of the last MessageReceived (room, ...), for callers that
  // need more than on_message_received's arguments.
  std::function<void(const std::string& id, const std::map<std::string, sdbus::Variant>&)>
    on_message_extras;
  // MessageStateChanged's extras ("reason" of a refusal).
  std::function<void(const std::string& id, const std::string& state,
                     const std::map<std::string, sdbus::Variant>&)>
    on_state_extras;
  std::function<void(const std::string& peer, uint64_t count)> on_messages_missing;
  // The batched signals (after EnableBatchedSignals).
  using received_entries = std::vector<sdbus::Struct<std::string, std::string, std::string, int64_t,
                                                     std::map<std::string, sdbus::Variant>>>;
  using state_entries = std::vector<
    sdbus::Struct<std::string, std::string, std::string, std::map<std::string, sdbus::Variant>>>;
  std::function<void(const received_entries&)> on_messages_received;
  std::function<void(const state_entries&)> on_message_states_changed;

  account_client(sdbus::IConnection& connection, const std::string& path)
    : ProxyInterfaces(connection, service_name, path) {
    registerProxy();
  }
  ~account_client() {
    unregisterProxy();
  }

private:
  void onReauthenticated(const int64_t& timestamp) override {
    if (on_reauthenticated)
      on_reauthenticated(timestamp);
  }
  void onMessageReceived(const std::string& id, const std::string& from, const std::string& text,
                         const int64_t& timestamp,
                         const std::map<std::string, sdbus::Variant>& extras) override {
    if (on_message_extras)
      on_message_extras(id, extras);
    if (on_message_received)
      on_message_received(id, from, text, timestamp);
  }
  void onMessageStateChanged(const std::string& id, const std::string& peer,
                             const std::string& state,
                             const std::map<std::string, sdbus::Variant>& extras) override {
    if (on_state_extras)
      on_state_extras(id, state, extras);
    if (on_message_state_changed)
      on_message_state_changed(id, peer, state);
  }
  void onMessagesReceived(const received_entries& messages) override {
    if (on_messages_received)
      on_messages_received(messages);
  }
  void onMessageStatesChanged(const state_entries& changes) override {
    if (on_message_states_changed)
      on_message_states_changed(changes);
  }
  void onMessagesMissing(const std::string& peer, const uint64_t& count) override {
    if (on_messages_missing)
      on_messages_missing(peer, count);
  }
  void onPresenceChanged(const std::string& user, const std::string& status,
                         const std::string& message) override {
    if (on_presence_changed)
      on_presence_changed(user, status, message);
  }
  void onInterlocutorArrived(const std::string& user, const std::string& display_name) override {
    if (on_interlocutor_arrived)
      on_interlocutor_arrived(user, display_name);
  }
  void onContactRequested(const std::string& from, const std::string& message) override {
    if (on_contact_requested)
      on_contact_requested(from, message);
  }
  void onContactStateChanged(const std::string& user, const std::string& state) override {
    if (on_contact_state_changed)
      on_contact_state_changed(user, state);
  }
  void onKeyChanged(const std::string& user, const std::string& fingerprint) override {
    if (on_key_changed)
      on_key_changed(user, fingerprint);
  }
  void onStateChanged(const std::string& state) override {
    if (on_state_changed)
      on_state_changed(state);
  }
  void onSessionRevoked(const std::string& reason) override {
    if (on_session_revoked)
      on_session_revoked(reason);
  }
  void onPropertiesChanged(const std::string&, const std::map<std::string, sdbus::Variant>& changed,
                           const std::vector<std::string>&) override {
    if (on_properties_changed)
      on_properties_changed(changed);
  }
};

class tuxdroid_client final
  : public sdbus::ProxyInterfaces<org::chatter::Chatter1::TuxDroid_proxy, sdbus::Properties_proxy> {
public:
  std::function<void(const std::string& action, const std::string& detail)> on_action_performed;

  explicit tuxdroid_client(sdbus::IConnection& connection)
    : ProxyInterfaces(connection, service_name, tuxdroid_path) {
    registerProxy();
  }
  ~tuxdroid_client() {
    unregisterProxy();
  }

private:
  void onActionPerformed(const std::string& action, const std::string& detail) override {
    if (on_action_performed)
      on_action_performed(action, detail);
  }
  void onPropertiesChanged(const std::string&, const std::map<std::string, sdbus::Variant>&,
                           const std::vector<std::string>&) override {}
};

}  // namespace chatter::client
